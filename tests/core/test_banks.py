"""Parsing and validating bank sources: every problem, with its line."""

from __future__ import annotations

from certify.core.banks import Item, parse_bank
from certify.core.catalog import parse_sources
from certify.core.source import load_yaml
from tests.support.samples import BANK, COMPETENCIES


def _parse(text: str):
    data, problems = load_yaml(text, "bank.yaml")
    assert problems == []
    return parse_bank(data, "bank.yaml", COMPETENCIES)


def test_sample_bank_parses_with_all_seven_types():
    bank, problems = _parse(BANK)
    assert problems == []
    assert [item.type for item in bank.items] == [
        "single_choice",
        "multiple_response",
        "true_false",
        "matching",
        "ordering",
        "short_answer",
        "numeric",
    ]
    assert all(item.competency == "RA" and item.status == "live" for item in bank.items)


def test_content_round_trips_and_hash_is_stable():
    bank, _ = _parse(BANK)
    for item in bank.items:
        again = Item.from_content(item.content())
        assert again.content() == item.content()
        assert again.content_hash() == item.content_hash()


def test_every_problem_is_reported_with_its_line():
    broken = BANK.replace("    key: a\n", "    key: z\n", 1).replace("bloom: understand", "bloom: knowing", 1)
    broken = broken.replace("  - id: S-NU\n", "  - id: S-SC\n", 1)
    broken += "  - id: S-X\n    type: essay\n    bloom: apply\n    stem: Write.\n    rationale: r\n"
    bank, problems = _parse(broken)
    assert bank is None
    messages = [str(p) for p in problems]
    lines = {p.message.split(":")[0]: p.line for p in problems}
    assert any(m == "bank.yaml:14: item S-SC: `key` must be the id of one option, got 'z'" for m in messages)
    assert any("`bloom` must be one of" in m for m in messages)
    assert any("duplicate item id 'S-SC'" in m for m in messages)
    assert any("unknown type 'essay'" in m for m in messages)
    assert len(problems) == 4 and lines


def test_yaml_syntax_error_names_the_line():
    _data, problems = load_yaml("bank:\n  id: x\n items: [\n", "bad.yaml")
    assert problems and problems[0].file == "bad.yaml" and problems[0].line >= 2


def test_duplicate_yaml_keys_are_an_error():
    _data, problems = load_yaml("bank:\n  id: a\n  id: b\n", "dup.yaml")
    assert problems and "duplicate key 'id'" in problems[0].message and problems[0].line == 3


def test_unknown_fields_and_competencies_are_reported():
    text = BANK.replace(
        "    bloom: apply\n    stem: Which metric",
        "    bloom: apply\n    colour: red\n    competency: ZZ\n    stem: Which metric",
        1,
    )
    _bank, problems = _parse(text)
    messages = " ".join(p.message for p in problems)
    assert "unknown field `colour`" in messages and "unknown competency 'ZZ'" in messages


def test_ids_must_be_unique_across_files():
    catalog = parse_sources([("a.yaml", BANK), ("b.yaml", BANK.replace("id: sample", "id: other"))], COMPETENCIES)
    assert any("already used in a.yaml" in p.message for p in catalog.problems)


def test_unknown_document_kind_is_reported():
    catalog = parse_sources([("x.yaml", "something: else\n")], COMPETENCIES)
    assert catalog.problems[0].message.startswith("unknown document")


def test_a_type_that_is_not_text_is_a_problem_not_a_crash():
    _bank, problems = _parse(BANK.replace("type: numeric", "type: [numeric]"))
    assert any("unknown type ['numeric']" in p.message for p in problems)


def test_assessment_window_is_parsed_and_checked():
    from certify.core.assessment_spec import parse_assessment

    text = """assessment:
  slug: s
  title: T
  banks: [b]
  blueprint: {RA: {apply: 1}}
  cut_score: {percent: 70}
  available_from: 2027-03-01
  available_until: 2027-02-01T10:00:00Z
"""
    spec, problems = parse_assessment(load_yaml(text, "a.yaml")[0], "a.yaml", COMPETENCIES)
    assert spec is None and "must be after `available_from`" in problems[0].message
    spec, problems = parse_assessment(
        load_yaml(text.replace("2027-02-01", "2027-04-01"), "a.yaml")[0], "a.yaml", COMPETENCIES
    )
    assert problems == [] and spec.available_from.isoformat() == "2027-03-01T00:00:00+00:00"


ANCHOR = """anchor:
  slug: anchor-test
  title: A test anchor
  rubric: mid-portfolio
  sections: {KPM: "We wanted better service.", CAUSE: "Staff need training."}
  reference_levels: {KPM: 2, CAUSE: 1}
  justification: {KPM: "A vague goal.", CAUSE: "Jumps to a course."}
"""


def test_anchor_portfolios_parse_and_must_match_the_rubric():
    from pathlib import Path

    rubric = (Path(__file__).resolve().parents[2] / "question_banks" / "rubrics" / "mid-portfolio.yaml").read_text()
    catalog = parse_sources([("anchor.yaml", ANCHOR)], COMPETENCIES)
    assert catalog.problems == [] and catalog.anchors[0].reference_levels == {"KPM": 2, "CAUSE": 1}
    catalog = parse_sources([("anchor.yaml", ANCHOR), ("rubric.yaml", rubric)], COMPETENCIES)
    assert any("criteria must be exactly those of rubric mid-portfolio" in p.message for p in catalog.problems)
    broken = parse_sources([("a.yaml", ANCHOR.replace("CAUSE: 1}", "CAUSE: 7}"))], COMPETENCIES)
    assert any("reference level for CAUSE must be 1-4" in p.message for p in broken.problems)
