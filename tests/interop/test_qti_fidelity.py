"""QTI scoring read faithfully: numeric tolerances and ranges, mapped partial credit, and both written back.

Every rule either becomes the Certify body that accepts exactly the same answers, or the item says what it
lost in a warning naming it. Exports validate against the QTI 3.0 schema and re-import to the same body
even without Certify's metadata (as another platform would hand them back).
"""

from __future__ import annotations

import pytest

from certify.core.items import item_type
from tests.support.qti_platform_samples import (
    CANVAS_MULTIPLE_WEIGHTED,
    LEARNOSITY_SINGLE_PARTIAL,
    SPEC3_MULTIPLE_PINNED,
    SPEC3_TEXT_MAPPED,
    TAO_NUMERIC_RELATIVE,
    full_credit_if,
    numeric21,
)
from tests.support.qti_samples import qti2, read_one

VAR = '<variable identifier="RESPONSE"/>'
CORRECT = '<correct identifier="RESPONSE"/>'
BASE_15 = '<baseValue baseType="float">15</baseValue>'


def equal(mode: str, tolerance: str, first: str = CORRECT, second: str = VAR, extra: str = "") -> str:
    return f'<equal toleranceMode="{mode}" tolerance="{tolerance}"{extra}>{first}{second}</equal>'


def rounded(mode: str, figures: str) -> str:
    return f'<equalRounded roundingMode="{mode}" figures="{figures}">{VAR}{CORRECT}</equalRounded>'


def bound(tag: str, value: str) -> str:
    return f'<{tag}>{VAR}<baseValue baseType="float">{value}</baseValue></{tag}>'


def numeric(condition: str, correct: str = "150", **score: str):
    item, problems = read_one(numeric21(full_credit_if(condition, **score), correct))
    assert item is not None, problems
    assert item.type == "numeric"
    return {k: v for k, v in item.body.items() if k not in ("wrong_answers", "unit")}, [p.message for p in problems]


@pytest.mark.parametrize(
    ("condition", "correct", "body"),
    [
        (equal("exact", "0"), "150", {"value": 150.0, "tolerance": 0.0}),
        (f"<match>{VAR}{CORRECT}</match>", "150", {"value": 150.0, "tolerance": 0.0}),
        (equal("absolute", "2"), "150", {"value": 150.0, "tolerance": 2.0}),
        (equal("absolute", "2 2", VAR, CORRECT), "150", {"value": 150.0, "tolerance": 2.0}),
        # Asymmetric: the range is around the first operand, as QTI defines `equal`.
        (equal("absolute", "2 3"), "150", {"min": 148.0, "max": 153.0}),
        (equal("absolute", "2 3", VAR, CORRECT), "150", {"min": 147.0, "max": 152.0}),
        # 5 % around the correct value is the range [v(1 - 0.05), v(1 + 0.05)], exactly.
        (equal("relative", "5"), "150", {"min": 142.5, "max": 157.5}),
        (equal("relative", "5 10"), "150", {"min": 142.5, "max": 165.0}),
        (equal("relative", "5"), "-40", {"min": -42.0, "max": -38.0}),
        # 5 % around the response: every answer whose own 5 % band holds 150.
        (equal("relative", "5", VAR, CORRECT), "150", {"min": 142.857142857, "max": 157.894736842}),
        (
            equal("absolute", "0.5", VAR, '<baseValue baseType="float">150</baseValue>'),
            "150",
            {"value": 150.0, "tolerance": 0.5},
        ),
        (rounded("significantFigures", "2"), "150", {"value": 150.0, "tolerance": 5.0}),
        (rounded("decimalPlaces", "1"), "33.33", {"min": 33.25, "max": 33.35}),
        (rounded("significantFigures", "3"), "99.96", {"min": 99.95, "max": 100.5}),
        (f"<and>{bound('gte', '149.5')}{bound('lte', '150.5')}</and>", "150", {"min": 149.5, "max": 150.5}),
        (
            f'<and><lte><baseValue baseType="float">149.5</baseValue>{VAR}</lte>{bound("lte", "151")}</and>',
            "150",
            {"min": 149.5, "max": 151.0},
        ),
    ],
)
def test_numeric_rules_become_the_tolerance_or_range_that_accepts_the_same_answers(condition, correct, body):
    assert numeric(condition, correct) == (body, [])


def test_full_credit_set_from_maxscore_counts_as_full_credit():
    # OpenOLAT-style: SCORE = SCORE + MAXSCORE when the answer is within tolerance.
    score = '<sum><variable identifier="SCORE"/><variable identifier="MAXSCORE"/></sum>'
    assert numeric(equal("absolute", "1"), score=score) == ({"value": 150.0, "tolerance": 1.0}, [])


def test_tao_relative_tolerance_keeps_full_credit_and_reports_the_half_credit_branch():
    item, problems = read_one(TAO_NUMERIC_RELATIVE)
    assert item is not None
    assert (item.body["min"], item.body["max"]) == (68.4, 75.6)
    kind = item_type("numeric")
    assert [kind.score(item.body, answer) for answer in (68.4, 72, 75.6, 68.3, 76)] == [1, 1, 1, 0, 0]
    assert [(p.severity, p.item, p.message) for p in problems] == [
        ("warning", "i16b2f8d9c4", "item i16b2f8d9c4: a partial-credit branch (<equal> earning 0.5 of 1) was dropped")
    ]


@pytest.mark.parametrize(
    ("condition", "body", "warning"),
    [
        (
            equal("absolute", "1", extra=' includeUpperBound="false"'),
            {"value": 150.0, "tolerance": 1.0},
            "its tolerance excludes a bound (include-upper-bound); Certify includes both bounds",
        ),
        (
            f"<and>{bound('gt', '149')}{bound('lte', '151')}</and>",
            {"min": 149.0, "max": 151.0},
            "its bound 149 is excluded (gt); Certify includes both bounds",
        ),
        (
            "<or>" + equal("absolute", "1") + equal("absolute", "1", VAR, BASE_15) + "</or>",
            {"value": 150.0, "tolerance": 0.0},
            "its response processing cannot be read (it scores the answer with <or>); only 150 is accepted",
        ),
        (
            bound("gte", "100"),
            {"value": 150.0, "tolerance": 0.0},
            "its response processing cannot be read (its bounds do not enclose a range); only 150 is accepted",
        ),
    ],
)
def test_numeric_rules_certify_cannot_hold_are_warned_about(condition, body, warning):
    assert numeric(condition) == (body, [f"item roi-1: {warning}"])


def test_single_choice_mapping_becomes_per_option_credit():
    item, problems = read_one(LEARNOSITY_SINGLE_PARTIAL)
    assert item is not None and problems == []
    assert (item.body["key"], item.body["credit"]) == ("c", {"b": 0.5})
    kind = item_type("single_choice")
    # a is mapped -0.5 but the lower bound lifts it to 0, as mapResponse does.
    assert [kind.score(item.body, option) for option in "abcd"] == [0.0, 0.5, 1.0, 0.0]


def single_mapped(correct: str, entries: dict[str, str]) -> str:
    """The Learnosity-style single choice with another correct response and mapping."""
    mapping = "".join(f'<mapEntry mapKey="{key}" mappedValue="{value}"/>' for key, value in entries.items())
    start, end = LEARNOSITY_SINGLE_PARTIAL.index("<mapping"), LEARNOSITY_SINGLE_PARTIAL.index("</mapping>")
    xml = LEARNOSITY_SINGLE_PARTIAL[:start] + f'<mapping defaultValue="0">{mapping}' + LEARNOSITY_SINGLE_PARTIAL[end:]
    return xml.replace("<correctResponse><value>c</value>", f"<correctResponse><value>{correct}</value>")


@pytest.mark.parametrize(
    ("entries", "key", "credit", "warning"),
    [
        (
            {"a": "1", "b": "1", "c": "0.25"},
            "a",
            {"c": 0.25},
            "choice b earns full credit too; in Certify only the key a does",
        ),
        (
            {"a": "0.5", "b": "1"},
            "b",
            {"a": 0.5},
            "its correct response a earns 0.5 but b earns 1; b is the key, as the mapping scores it",
        ),
        ({"a": "1", "c": "-0.5"}, "a", {}, "choice c costs 0.5 in QTI; Certify gives it no credit"),
    ],
)
def test_single_choice_mappings_certify_cannot_hold_exactly(entries, key, credit, warning):
    item, problems = read_one(single_mapped("a", entries))
    assert item is not None, problems
    assert (item.body["key"], item.body.get("credit", {})) == (key, credit)
    assert [p.message for p in problems] == [f"item lrn-5f0e9a: {warning}"]


def test_multiple_response_mapping_that_a_rule_reproduces_is_exact():
    item, problems = read_one(SPEC3_MULTIPLE_PINNED)
    assert item is not None
    assert (item.body["key"], item.body["scoring"]) == (["H", "J"], "partial")
    assert not any("scoring rule" in p.message for p in problems)


def test_multiple_response_weighted_mapping_gets_the_nearest_rule_and_the_difference():
    item, problems = read_one(CANVAS_MULTIPLE_WEIGHTED)
    assert item is not None
    assert (item.body["key"], item.body["scoring"]) == (["answer_1", "answer_3"], "partial")
    assert [p.message for p in problems] == [
        "item g1b7d2e6f0c8a4: no Certify scoring rule reproduces its mapping; the nearest, `partial`, differs by up "
        "to 0.25 of the credit (choosing answer_1 earns 0.75 in QTI and 0.5 in Certify)"
    ]


def test_text_entry_mapping_keeps_full_credit_answers_and_names_the_rest():
    item, problems = read_one(SPEC3_TEXT_MAPPED)
    assert item is not None
    assert (item.body["accepted"], item.body["case_sensitive"]) == (["job aid", "JA"], True)
    assert [p.message for p in problems] == [
        "item spec-text-1: answers earning partial credit in QTI get none in Certify: 'checklist' (0.5)",
        "item spec-text-1: some accepted answers are case sensitive and others not; Certify treats all as case "
        "sensitive",
    ]


def test_a_mapping_that_match_correct_ignores_gives_no_credit():
    xml = LEARNOSITY_SINGLE_PARTIAL.replace("map_response", "match_correct")
    item, problems = read_one(xml)
    assert item is not None and problems == []
    assert item.body["key"] == "c" and "credit" not in item.body


@pytest.mark.parametrize(
    "template",
    [
        "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response",
        "http://www.imsglobal.org/question/qti_v2p2/rptemplates/map_response.xml",
        "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml",
        "rptemplates/map_response.xml",
    ],
)
def test_templates_are_known_by_name_and_never_fetched(template):
    xml = LEARNOSITY_SINGLE_PARTIAL.replace(
        'template="http://www.imsglobal.org/question/qti_v2p2/rptemplates/map_response"',
        f'templateLocation="{template}"',
    )
    item, problems = read_one(xml)
    assert item is not None and problems == []
    assert item.body["credit"] == {"b": 0.5}


def test_an_unknown_template_is_read_as_match_correct_with_a_warning():
    xml = LEARNOSITY_SINGLE_PARTIAL.replace("rptemplates/map_response", "rptemplates/cc2_match_basic")
    item, problems = read_one(xml)
    assert item is not None and "credit" not in item.body
    assert [p.message for p in problems] == [
        "item lrn-5f0e9a: its response processing template "
        "'http://www.imsglobal.org/question/qti_v2p2/rptemplates/cc2_match_basic' is not a standard one; "
        "scored as match_correct"
    ]


def test_inline_choice_mapping_becomes_credit():
    xml = (
        qti2("inline", "2p1")
        .replace(
            "</correctResponse>",
            '</correctResponse><mapping defaultValue="0"><mapEntry mapKey="RES" mappedValue="1"/>'
            '<mapEntry mapKey="BEH" mappedValue="0.5"/></mapping>',
        )
        .replace("rptemplates/match_correct", "rptemplates/map_response")
    )
    item, problems = read_one(xml)
    assert (item.body["key"], item.body["credit"], problems) == ("RES", {"BEH": 0.5}, [])


def test_numeric_mapping_keeps_the_full_credit_number_and_names_the_others():
    xml = (
        qti2("numeric", "2p1")
        .replace(
            "</correctResponse>",
            '</correctResponse><mapping defaultValue="0"><mapEntry mapKey="150" mappedValue="1"/>'
            '<mapEntry mapKey="1.5" mappedValue="1"/><mapEntry mapKey="250" mappedValue="0.25"/></mapping>',
        )
        .replace("rptemplates/match_correct", "rptemplates/map_response")
    )
    item, problems = read_one(xml)
    assert (item.body["value"], item.body["tolerance"]) == (150.0, 0.0)
    assert [p.message for p in problems] == [
        "item num-1: other numbers earning credit in QTI get none in Certify: 1.5, 250 (0.25)"
    ]


def test_matching_mapping_that_weighs_pairs_unequally_is_reported():
    xml = qti2("match", "2p1").replace(
        '<mapEntry mapKey="M1 T2" mappedValue="1"/>', '<mapEntry mapKey="M1 T2" mappedValue="2"/>'
    )
    item, problems = read_one(xml)
    assert item.body["scoring"] == "partial"
    assert [p.message for p in problems] == [
        "item match-1: its mapping weighs pairs unequally or scores other pairs; Certify gives each right pair an "
        "equal share and nothing for the others"
    ]
