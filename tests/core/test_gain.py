"""Normalised change (Marx & Cummings 2007) and the gain of means: a hand-worked class, and Hake's g."""

from __future__ import annotations

import random

import pytest

from certify.core.gain import normalised_change, summarise_change
from certify.core.outcomes import normalised_gain, summarise_gain


def test_hand_worked_class():
    pairs = [(40, 70), (80, 60), (50, 50), (100, 100), (0, 0), (100, 90), (0, 30)]
    # c: 30/60 = 0.5; -20/80 = -0.25; 0; dropped; dropped; -10/100 = -0.1; 30/100 = 0.3.
    summary = summarise_change(pairs, pretest_reliability=0.71)
    assert summary.changes == pytest.approx([0.5, -0.25, 0.0, None, None, -0.1, 0.3])
    assert (summary.n, summary.counted, summary.dropped_ceiling, summary.dropped_floor) == (7, 5, 1, 1)
    assert summary.mean_change == pytest.approx(0.45 / 5)
    # Means over all seven: pre 370/7, post 400/7; gain of means (30/7) / (330/7) = 1/11.
    assert summary.mean_pre == pytest.approx(370 / 7)
    assert summary.mean_post == pytest.approx(400 / 7)
    assert summary.gain_of_means == pytest.approx(1 / 11)
    assert summary.pretest_reliability == 0.71


def test_equals_hakes_g_when_no_one_is_at_the_ceiling_or_loses():
    rng = random.Random(4)
    pairs = []
    for _ in range(200):
        pre = rng.uniform(0, 95)
        pairs.append((pre, rng.uniform(pre, 100)))
    summary = summarise_change(pairs)
    hake = summarise_gain(pairs)
    assert summary.changes == pytest.approx([normalised_gain(pre, post) for pre, post in pairs])
    assert summary.mean_change == pytest.approx(hake.mean_gain)
    assert summary.gain_of_means == pytest.approx(hake.gain_of_means)
    assert summary.dropped_ceiling == hake.skipped == 0


def test_ceiling_candidates_count_in_the_gain_of_means():
    # Hake skips the candidate at 100; the gain of means here keeps them: pre mean 70, post mean 85.
    pairs = [(40, 70), (100, 100)]
    assert summarise_gain(pairs).n == 1
    assert summarise_change(pairs).gain_of_means == pytest.approx(15 / 30)
    assert summarise_change([(100, 100)]).gain_of_means is None
    assert summarise_change([]).mean_change is None


@pytest.mark.parametrize(("pre", "post"), [(-1, 50), (50, 100.5), (float("nan"), 10), ("high", 10)])
def test_percents_outside_the_range_are_rejected(pre, post):
    with pytest.raises(ValueError, match="percent"):
        normalised_change(pre, post)


def test_bad_reliability_is_rejected():
    with pytest.raises(ValueError, match="reliability"):
        summarise_change([(10, 20)], pretest_reliability=1.3)
