"""Double marking, adjudication, calibration."""

from __future__ import annotations

import pytest

from certify.core.rubrics import (
    ResolutionRules,
    RubricError,
    calibration,
    combine,
    resolve_adjudication,
    resolve_double_marking,
)

CRITERIA = ["KPM", "CAUSE", "SOLUTION"]
RULES = ResolutionRules()


def test_agreeing_reviews_resolve_by_the_mean_rounded_down():
    result = resolve_double_marking(
        {"KPM": 3, "CAUSE": 4, "SOLUTION": 3}, {"KPM": 4, "CAUSE": 4, "SOLUTION": 3}, CRITERIA, RULES
    )
    assert not result.needs_adjudication
    assert result.final_levels == {"KPM": 3, "CAUSE": 4, "SOLUTION": 3} and result.passed
    assert "rounded down" in result.rule


def test_a_gap_beyond_tolerance_goes_to_adjudication():
    result = resolve_double_marking(
        {"KPM": 1, "CAUSE": 3, "SOLUTION": 3}, {"KPM": 3, "CAUSE": 3, "SOLUTION": 3}, CRITERIA, RULES
    )
    assert result.needs_adjudication and result.reasons[0].startswith("KPM: levels 1 and 3")


def test_different_pass_fail_decisions_go_to_adjudication_even_within_tolerance():
    result = resolve_double_marking(
        {"KPM": 2, "CAUSE": 3, "SOLUTION": 3}, {"KPM": 3, "CAUSE": 3, "SOLUTION": 3}, CRITERIA, RULES
    )
    assert result.needs_adjudication and "different pass/fail" in result.reasons[-1]


@pytest.mark.parametrize(("rule", "expected"), [("mean_floor", 2), ("mean_round", 3), ("lower", 2), ("higher", 3)])
def test_combination_rules(rule, expected):
    assert combine(2, 3, rule) == expected


def test_adjudicator_decides():
    result = resolve_adjudication({"KPM": 2, "CAUSE": 3, "SOLUTION": 4}, CRITERIA, RULES)
    assert result.final_levels["KPM"] == 2 and result.passed is False and result.rule == "decided by an adjudicator"


@pytest.mark.parametrize(
    "levels",
    [{"KPM": 3, "CAUSE": 3}, {"KPM": 3, "CAUSE": 3, "SOLUTION": 5}, {"KPM": 3, "CAUSE": 3, "SOLUTION": 3, "X": 1}],
)
def test_bad_scores_are_refused(levels):
    with pytest.raises(RubricError):
        resolve_adjudication(levels, CRITERIA, RULES)


def test_unknown_rule_is_refused():
    with pytest.raises(RubricError, match="unknown combination rule"):
        ResolutionRules(combine="median")


def test_calibration_needs_80_percent_within_tolerance():
    references = [{"KPM": 1, "CAUSE": 2}, {"KPM": 3, "CAUSE": 3}, {"KPM": 4, "CAUSE": 4}]
    close = [{"KPM": 1, "CAUSE": 2}, {"KPM": 3, "CAUSE": 3}, {"KPM": 4, "CAUSE": 3}]
    result = calibration(close, references, RULES)
    assert (result.matched, result.total, result.calibrated) == (5, 6, True) and len(result.mismatches) == 1
    far = [{"KPM": 2, "CAUSE": 3}, {"KPM": 3, "CAUSE": 3}, {"KPM": 4, "CAUSE": 3}]
    assert not calibration(far, references, RULES).calibrated
