"""Enemy items in the bank format: per item and as groups, checked across banks, and cells they leave too small."""

from __future__ import annotations

from certify.core.bank_refs import crowded_cells, symmetric_enemies
from certify.core.bank_source import bank_to_document
from certify.core.banks import Item, parse_bank
from certify.core.catalog import parse_sources
from certify.core.enemy_groups import enemy_capacity
from certify.core.source import load_yaml
from tests.support.samples import COMPETENCIES


def _item(ref: str, bloom: str = "apply", extra: str = "") -> str:
    return (
        f"  - id: {ref}\n    type: true_false\n    bloom: {bloom}\n    stem: Statement {ref} holds.\n"
        f"    key: true\n    rationale: Because {ref}.\n{extra}"
    )


def _bank(bank_id: str, competency: str, items: list[str], groups: str = "") -> str:
    return f"bank:\n  id: {bank_id}\n  title: Bank {bank_id}\n  competency: {competency}\n{groups}items:\n" + "".join(
        items
    )


def _parse(text: str, name: str = "banks/x.yaml"):
    data, problems = load_yaml(text, name)
    assert problems == []
    return parse_bank(data, name, COMPETENCIES)


def test_enemies_parse_and_reach_the_stored_content():
    bank, problems = _parse(_bank("x", "RA", [_item("RA-1", extra="    enemies: [RA-2, RA-2, PA-9]\n"), _item("RA-2")]))
    assert problems == []
    first, second = bank.items
    assert first.enemies == ("RA-2", "PA-9")  # repeats dropped, order kept
    assert first.content()["enemies"] == ["RA-2", "PA-9"]
    assert "enemies" not in second.content()  # items without enemies keep their earlier content and hash
    assert Item.from_content(first.content()) == first


def test_bad_enemy_declarations_are_refused_with_their_line():
    text = _bank(
        "x",
        "RA",
        [_item("RA-1", extra="    enemies: RA-2\n"), _item("RA-2", extra="    enemies: [RA-2]\n"), _item("RA-3")],
    )
    bank, problems = _parse(text)
    assert bank is None
    messages = {(p.line, p.message) for p in problems}
    assert any(line == 12 and "`enemies` must be a list of item ids" in m for line, m in messages)
    assert any(line == 19 and "cannot be its own enemy" in m for line, m in messages)


def test_unknown_enemy_is_an_error_naming_the_id_and_file():
    ra = _bank("x", "RA", [_item("RA-1", extra="    enemies: [PA-1, ZZ-404]\n")])
    pa = _bank("y", "PA", [_item("PA-1")])
    catalog = parse_sources([("banks/x.yaml", ra), ("banks/y.yaml", pa)], COMPETENCIES)
    assert [(p.file, p.message) for p in catalog.problems] == [
        (
            "banks/x.yaml",
            "item RA-1: enemy 'ZZ-404' is not a known item id (check the spelling, or validate or import the file "
            "that holds it first)",
        )
    ]


def test_enemy_groups_expand_onto_every_member():
    groups = "enemy_groups:\n  - [RA-1, RA-2, RA-3]\n  - [RA-4, PA-1]\n"
    bank, problems = _parse(_bank("x", "RA", [_item(f"RA-{n}") for n in range(1, 5)], groups))
    assert problems == []
    enemies = {item.ref: item.enemies for item in bank.items}
    assert enemies == {"RA-1": ("RA-2", "RA-3"), "RA-2": ("RA-1", "RA-3"), "RA-3": ("RA-1", "RA-2"), "RA-4": ("PA-1",)}
    # The group survives the YAML export item by item: parsing the export gives the same items.
    import yaml

    again, problems = _parse(yaml.safe_dump(bank_to_document(bank), sort_keys=False))
    assert problems == [] and again.items == bank.items


def test_bad_enemy_groups_are_refused():
    items = [_item("RA-1"), _item("RA-2")]
    for groups, wanted in [
        ("enemy_groups: RA-1\n", "`enemy_groups` must be a list of groups"),
        ("enemy_groups:\n  - [RA-1]\n", "enemy group 1 needs at least two different item ids"),
        ("enemy_groups:\n  - [RA-1, 7]\n", "enemy group 1 must be a list of item ids"),
        ("enemy_groups:\n  - [RA-1, PA-1, SS-1]\n", "enemy group 1 names 2 items outside this file (PA-1, SS-1)"),
    ]:
        bank, problems = _parse(_bank("x", "RA", items, groups))
        assert bank is None and any(wanted in p.message for p in problems), (groups, problems)


def test_enemy_capacity_against_a_plain_count_of_every_subset():
    import itertools

    refs = [f"I-{n}" for n in range(7)]
    declared = {"I-0": ["I-1", "I-2"], "I-1": ["I-2"], "I-3": ["I-4"], "I-5": ["X-1"]}
    enemies = symmetric_enemies(declared)
    largest = max(
        len(subset)
        for size in range(len(refs) + 1)
        for subset in itertools.combinations(refs, size)
        if not any(b in enemies.get(a, ()) for a, b in itertools.combinations(subset, 2))
    )
    assert enemy_capacity(refs, enemies) == largest == 4  # one of 0/1/2, one of 3/4, and 5 and 6


ASSESSMENT = """\
assessment:
  slug: exam
  title: Exam
  kind: certification
  time_limit_minutes: 30
  banks: [x]
  blueprint:
    RA: {apply: 3}
  cut_score: {percent: 60, method: informed_judgement, rationale: Provisional.}
"""


def test_lint_reports_a_cell_that_enemies_leave_too_small():
    catalog = parse_sources(
        [
            (
                "banks/x.yaml",
                _bank("x", "RA", [_item(f"RA-{n}") for n in range(1, 5)], "enemy_groups:\n  - [RA-1, RA-2, RA-3]\n"),
            ),
            ("assessments/exam.yaml", ASSESSMENT),
        ],
        COMPETENCIES,
    )
    assert catalog.problems == []
    problems = crowded_cells(catalog.all_banks(), catalog.assessments)
    assert [p.message for p in problems] == [
        "assessment exam: blueprint cell RA/apply needs 3 items, but with enemies (RA-1, RA-2, RA-3) never together "
        "at most 2 of its 4 live items fit on one form; add items to the cell or declare fewer enemies"
    ]
    # A pair leaves 3 of 4, enough.
    catalog = parse_sources(
        [
            (
                "banks/x.yaml",
                _bank("x", "RA", [_item(f"RA-{n}") for n in range(1, 5)], "enemy_groups:\n  - [RA-1, RA-2]\n"),
            ),
            ("assessments/exam.yaml", ASSESSMENT),
        ],
        COMPETENCIES,
    )
    assert crowded_cells(catalog.all_banks(), catalog.assessments) == []
