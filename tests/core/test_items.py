"""Scoring rules of every item type, including partial credit."""

from __future__ import annotations

import pytest

from certify.core.items import ItemError, item_type

SC = {"options": [{"id": "a", "text": "A", "rationale": ""}, {"id": "b", "text": "B", "rationale": ""}], "key": "b"}
MR_OPTIONS = [{"id": i, "text": i.upper(), "rationale": ""} for i in "abcd"]


def mr(rule: str) -> dict:
    return {"options": MR_OPTIONS, "key": ["a", "b"], "scoring": rule}


def test_single_choice_scores_only_the_key():
    module = item_type("single_choice")
    assert module.score(SC, "b") == 1.0
    assert module.score(SC, "a") == 0.0
    assert module.score(SC, None) == 0.0


@pytest.mark.parametrize(
    ("rule", "answer", "expected"),
    [
        ("partial", ["a", "b"], 1.0),
        ("partial", ["a"], 0.5),
        ("partial", ["a", "c"], 0.0),
        ("partial", ["a", "b", "c"], 0.5),
        ("partial", ["c", "d"], 0.0),
        ("per_option", ["a"], 0.75),
        ("per_option", ["a", "b", "c", "d"], 0.5),
        ("all_or_nothing", ["a"], 0.0),
        ("all_or_nothing", ["b", "a"], 1.0),
    ],
)
def test_multiple_response_partial_credit_rules(rule, answer, expected):
    module = item_type("multiple_response")
    assert module.score(mr(rule), module.normalise_response(mr(rule), answer)) == pytest.approx(expected)


def test_multiple_response_rejects_a_key_of_every_option():
    with pytest.raises(ItemError, match="leave at least one unkeyed"):
        item_type("multiple_response").parse_body({"options": MR_OPTIONS, "key": ["a", "b", "c", "d"]})


def test_true_false_accepts_booleans_and_words():
    module = item_type("true_false")
    body = {"key": False, "wrong_rationale": "w"}
    assert module.score(body, module.normalise_response(body, "false")) == 1.0
    assert module.score(body, True) == 0.0
    with pytest.raises(ItemError):
        module.normalise_response(body, "maybe")


def test_matching_partial_and_all_or_nothing():
    module = item_type("matching")
    body = module.parse_body(
        {
            "pairs": [{"id": f"p{i}", "left": f"L{i}", "right": f"R{i}"} for i in range(4)],
            "distractors": [{"id": "d", "text": "X"}],
        }
    )
    answer = {"p0": "p0", "p1": "p1", "p2": "d", "p3": "p2"}
    assert module.score(body, module.normalise_response(body, answer)) == 0.5
    assert module.score({**body, "scoring": "all_or_nothing"}, answer) == 0.0
    with pytest.raises(ItemError):
        module.normalise_response(body, {"p0": "nowhere"})


@pytest.mark.parametrize(
    ("rule", "answer", "expected"),
    [
        ("pairwise", ["a", "b", "c", "d"], 1.0),
        ("pairwise", ["b", "a", "c", "d"], 5 / 6),
        ("pairwise", ["d", "c", "b", "a"], 0.0),
        ("positional", ["b", "a", "c", "d"], 0.5),
        ("all_or_nothing", ["b", "a", "c", "d"], 0.0),
    ],
)
def test_ordering_rules(rule, answer, expected):
    module = item_type("ordering")
    body = {"options": [{"id": i, "text": i, "rationale": ""} for i in "abcd"], "scoring": rule}
    assert module.score(body, module.normalise_response(body, answer)) == pytest.approx(expected)


def test_ordering_needs_every_step_once():
    module = item_type("ordering")
    body = {"options": [{"id": i, "text": i, "rationale": ""} for i in "abc"]}
    with pytest.raises(ItemError):
        module.normalise_response(body, ["a", "a", "b"])


def test_short_answer_case_whitespace_and_patterns():
    module = item_type("short_answer")
    body = module.parse_body({"accepted": ["Front-end analysis"], "patterns": [r"front[- ]?end analys[ie]s"]})
    assert module.score(body, "  front-end    ANALYSIS ") == 1.0
    assert module.score(body, "frontend analyses") == 1.0
    assert module.score(body, "needs analysis") == 0.0
    strict = module.parse_body({"accepted": ["KPM"], "case_sensitive": True})
    assert module.score(strict, "kpm") == 0.0 and module.score(strict, "KPM") == 1.0


def test_short_answer_rejects_bad_pattern():
    with pytest.raises(ItemError, match="not a valid regular expression"):
        item_type("short_answer").parse_body({"patterns": ["(unclosed"]})


def test_numeric_tolerance_and_range():
    module = item_type("numeric")
    body = module.parse_body({"value": 150, "tolerance": 0.5})
    assert module.score(body, module.normalise_response(body, "150.4")) == 1.0
    assert module.score(body, 151) == 0.0
    ranged = module.parse_body({"range": [0.1, 0.3]})
    assert module.score(ranged, 0.1 + 0.2) == 1.0
    with pytest.raises(ItemError, match="enter a number"):
        module.normalise_response(body, "one hundred")


@pytest.mark.parametrize(
    "raw", [{"range": [5, 1]}, {"value": 1, "tolerance": -1}, {"value": "x"}, {"value": 1, "range": [0, 2]}]
)
def test_numeric_rejects_bad_keys(raw):
    with pytest.raises(ItemError):
        item_type("numeric").parse_body(raw)
