"""The rules every bank reader shares (certify.core.imports) and single choice with per-option credit."""

from __future__ import annotations

import pytest

from certify.core.imports import NEEDS_RATIONALE, competency_for, needs_rationale, rationale_or_marker, skip, unmapped
from certify.core.items import ItemError, item_type

CODES = {"RA": "Results alignment", "PA": "Performance analysis"}


@pytest.mark.parametrize(
    ("category", "mapping", "default", "expected"),
    [
        ("$course$/top/Performance analysis", {}, "", "PA"),  # the last segment is a title
        ("Imported/RA", {}, "", "RA"),  # ... or a code
        ("ra", {}, "", "RA"),  # case does not matter
        ("Week 3 quiz", {}, "", None),  # nothing matches and no default
        ("Week 3 quiz", {}, "RA", "RA"),  # the default applies
        ("Week 3 quiz", {"Week 3 quiz": "PA"}, "RA", "PA"),  # the admin's choice beats the default
        ("Imported/RA", {"Imported/RA": "PA"}, "", "PA"),  # ... and a name match
        ("Week 3 quiz", {"Week 3 quiz": "XX"}, "", None),  # a choice that is not a competency is ignored
        ("", {}, "", None),
    ],
)
def test_a_category_picks_a_competency_by_choice_name_or_default(category, mapping, default, expected):
    assert competency_for(category, CODES, mapping, default) == expected


def test_codes_alone_match_codes_only():
    assert competency_for("Performance analysis", {"RA", "PA"}, {}) is None
    assert competency_for("top/PA", {"RA", "PA"}, {}) == "PA"


def test_the_rationale_marker_and_the_older_placeholders_are_recognised():
    assert rationale_or_marker("  ") == NEEDS_RATIONALE
    assert rationale_or_marker("Because the metric moved.") == "Because the metric moved."
    assert needs_rationale(NEEDS_RATIONALE) and needs_rationale("")
    assert needs_rationale("Imported from Aiken without a rationale; add one before making this item live.")
    assert not needs_rationale("Completions are an output, not a result.")


def test_skips_name_the_item_and_unmapped_skips_the_category():
    left = skip("bank.xml", 12, "Q7", "essay questions are not supported")
    assert (left.severity, left.item, str(left)) == (
        "skip",
        "Q7",
        "bank.xml:12: skipped: Q7: essay questions are not supported",
    )
    asked = unmapped("bank.xml", 3, "Q1", "Week 3 quiz")
    assert asked.severity == "skip" and asked.category == "Week 3 quiz" and "Week 3 quiz" in asked.message


SINGLE = item_type("single_choice")
OPTIONS = [{"id": i, "text": f"Option {i}"} for i in "abcd"]


def test_single_choice_with_partial_credit_scores_as_moodle_does():
    body = SINGLE.parse_body({"options": OPTIONS, "key": "a", "credit": {"b": 0.5, "c": 1 / 3}})
    assert SINGLE.score(body, "a") == 1.0
    assert SINGLE.score(body, "b") == 0.5
    assert SINGLE.score(body, "c") == pytest.approx(1 / 3, abs=1e-6)
    assert SINGLE.score(body, "d") == 0.0 and SINGLE.score(body, None) == 0.0
    assert "partial credit: Option b (50%)" in SINGLE.describe_key(body)


def test_single_choice_without_credit_keeps_its_body_and_hash():
    assert SINGLE.parse_body({"options": OPTIONS, "key": "a"}) == {
        "options": [{**o, "rationale": ""} for o in OPTIONS],
        "key": "a",
    }


@pytest.mark.parametrize(
    ("credit", "message"),
    [
        ({"z": 0.5}, "not an option"),
        ({"a": 0.5}, "the key"),
        ({"b": 1}, "between 0 and 1"),
        ({"b": 0}, "between 0 and 1"),
        ({"b": -0.2}, "between 0 and 1"),
        ({"b": True}, "between 0 and 1"),
        ({"b": "half"}, "between 0 and 1"),
        (["b"], "must map option ids"),
    ],
)
def test_single_choice_credit_is_checked(credit, message):
    with pytest.raises(ItemError, match=message):
        SINGLE.parse_body({"options": OPTIONS, "key": "a", "credit": credit})
