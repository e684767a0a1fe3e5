"""Checking an outcome plan: every field tried wrong, each problem named against its field."""

from __future__ import annotations

from datetime import date

import pytest

from certify.core.outcome_plan import check_plan, is_blank, objective_lines, parse_number

TODAY = date(2027, 1, 10)
GOOD = {
    "metric": "Pick errors",
    "unit": "per 1,000 picks",
    "direction": "decrease",
    "baseline": "4,2",
    "target": "2.5",
    "expected_by": "2027-09-30",
    "sponsor_name": "Tom Okoye",
    "sponsor_email": "Tom.Okoye@Example.COM",
    "objectives": "- Pickers scan every tote\n\n- Team leads run a daily huddle on errors\n",
}


def test_a_good_plan_is_normalised():
    checked = check_plan(GOOD, TODAY)
    assert checked.errors == {}
    assert checked.plan == {
        "metric": "Pick errors",
        "unit": "per 1,000 picks",
        "direction": "decrease",
        "baseline": 4.2,
        "target": 2.5,
        "expected_by": "2027-09-30",
        "sponsor_name": "Tom Okoye",
        "sponsor_email": "tom.okoye@example.com",
        "objectives": ["Pickers scan every tote", "Team leads run a daily huddle on errors"],
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("metric", "", "Name the metric"),
        ("metric", "x" * 201, "200 characters"),
        ("unit", "u" * 41, "40 characters"),
        ("direction", "sideways", "increase or decrease"),
        ("baseline", "", "Enter the baseline"),
        ("baseline", "four", "must be a number"),
        ("baseline", "nan", "ordinary number"),
        ("baseline", "1e400", "ordinary number"),
        ("target", "abc", "must be a number"),
        ("target", "4.2", "must differ"),
        ("target", "5", "must be below the baseline"),
        ("expected_by", "", "Enter the date"),
        ("expected_by", "2027-02-30", "real date"),
        ("expected_by", "next June", "real date"),
        ("expected_by", "2027-01-10", "after today"),
        ("expected_by", "2026-12-31", "after today"),
        ("sponsor_name", "", "Name the sponsor"),
        ("sponsor_name", "n" * 121, "120 characters"),
        ("sponsor_email", "", "Enter the sponsor's email"),
        ("sponsor_email", "tom@", "valid email"),
        ("sponsor_email", "not an address", "valid email"),
        ("objectives", "", "at least one objective"),
        ("objectives", "\n".join(f"Behaviour {i}" for i in range(7)), "at most 6"),
        ("objectives", "b" * 201, "200 characters"),
    ],
)
def test_every_wrong_field_is_named(field, value, message):
    checked = check_plan({**GOOD, field: value}, TODAY)
    assert checked.plan is None
    assert list(checked.errors) == [field]
    assert message in checked.errors[field]


def test_an_increasing_metric_needs_a_target_above_the_baseline():
    checked = check_plan({**GOOD, "direction": "increase"}, TODAY)
    assert "above the baseline" in checked.errors["target"]


def test_parse_number_and_lines():
    assert parse_number(" 1 250,5 ", "baseline") == (1250.5, None)
    assert parse_number("inf", "x")[0] is None
    assert objective_lines(["a", " ", "* b"]) == ["a", "b"]
    assert is_blank({"direction": "increase", "metric": "  "})
    assert not is_blank({"objectives": "x"})
