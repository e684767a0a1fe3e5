"""Outcome arithmetic: funnel, medians, normalised gain and mastery shares, worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from certify.core.outcomes import (
    FUNNEL_STEPS,
    days_between,
    funnel,
    mastery_cell,
    median,
    normalised_gain,
    reached_dates,
    share,
    summarise_gain,
    summarise_retakes,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def test_median_of_odd_even_and_empty_lists():
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([4.0, 1.0, 3.0, 10.0]) == 3.5  # (3 + 4) / 2
    assert median([]) is None


def test_share_is_undefined_for_an_empty_whole():
    assert share(1, 4) == 0.25
    assert share(0, 0) is None


def test_days_between_counts_fractions_of_a_day():
    assert days_between(day(0), day(1.5)) == 1.5


def test_a_step_is_reached_only_after_every_earlier_one():
    # Course never completed: the exam pass does not count in the funnel.
    assert reached_dates([day(0), None, day(5), None, None]) == [day(0), None, None, None, None]
    # Portfolio passed (day 20) before the exam (day 30): it counts from day 30.
    assert reached_dates([day(0), day(10), day(30), day(20), None]) == [day(0), day(10), day(30), day(30), None]


def test_funnel_counts_shares_and_median_days_between_steps():
    journeys = [
        # registered, course, exam, portfolio, certified
        [day(0), day(10), day(20), day(50), day(52)],
        [day(0), day(20), day(24), day(30), None],
        [day(0), day(40), None, day(45), None],
        [day(0), None, None, None, None],
    ]
    steps = funnel(journeys)
    assert [s.step for s in steps] == list(FUNNEL_STEPS)
    assert [s.count for s in steps] == [4, 3, 2, 2, 1]
    assert [s.share_of_registered for s in steps] == [1.0, 0.75, 0.5, 0.5, 0.25]
    assert steps[0].median_days is None
    assert steps[1].median_days == 20.0  # 10, 20, 40
    assert steps[2].median_days == 7.0  # 10 and 4 -> (4 + 10) / 2
    assert steps[3].median_days == 18.0  # 30 and 6 -> 18
    assert steps[4].median_days == 2.0


def test_funnel_of_nobody_has_no_shares_or_medians():
    steps = funnel([])
    assert [s.count for s in steps] == [0] * 5
    assert all(s.share_of_registered is None and s.median_days is None for s in steps)


def test_funnel_rejects_a_journey_of_the_wrong_length():
    with pytest.raises(ValueError, match="2 dates for 5 steps"):
        funnel([[day(0), day(1)]])


def test_normalised_gain_of_one_candidate():
    assert normalised_gain(40.0, 70.0) == 0.5  # 30 of the 60 points left
    assert normalised_gain(50.0, 25.0) == -0.5  # a loss is negative
    assert normalised_gain(100.0, 100.0) is None


def test_gain_summary_skips_a_perfect_pre_test_and_reports_both_means():
    # g: (80-50)/50 = 0.6; (40-20)/80 = 0.25; (100-100) skipped
    summary = summarise_gain([(50.0, 80.0), (20.0, 40.0), (100.0, 100.0)])
    assert summary.n == 2
    assert summary.skipped == 1
    assert summary.mean_pre == 35.0
    assert summary.mean_post == 60.0
    assert summary.mean_gain == pytest.approx(0.425)  # (0.6 + 0.25) / 2
    assert summary.gain_of_means == pytest.approx(25.0 / 65.0)  # (60 - 35) / (100 - 35)


def test_retake_change_is_the_mean_difference_latest_minus_first():
    summary = summarise_retakes([(40.0, 70.0), (60.0, 55.0)])  # +30 and -5
    assert (summary.n, summary.mean_first, summary.mean_latest, summary.mean_change) == (2, 50.0, 62.5, 12.5)
    assert summarise_retakes([]).mean_change is None


def test_gain_summary_without_candidates_is_empty():
    summary = summarise_gain([(100.0, 90.0)])
    assert (summary.n, summary.skipped, summary.mean_gain, summary.gain_of_means) == (0, 1, None, None)


def test_mastery_cell_counts_the_share_that_met_mastery_and_the_mean_percent():
    cell = mastery_cell([(80.0, True), (40.0, False), (60.0, True), (50.0, True)])
    assert (cell.n, cell.met, cell.share_met, cell.mean_percent) == (4, 3, 0.75, 57.5)
    assert mastery_cell([]).share_met is None
