"""Modified Angoff and the Hofstee compromise: hand-worked examples and a brute-force check."""

from __future__ import annotations

import bisect
import math
import random

import pytest

from certify.core.standard_setting import HofsteeJudgement, angoff, angoff_round, fail_rate, hofstee

ITEMS = ["I1", "I2", "I3", "I4"]
#            I1   I2   I3   I4   sum
# P1         .6   .7   .5   .8   2.6
# P2         .5   .6   .4   .7   2.2
# P3         .7   .8   .6   .9   3.0
ROUND_1 = {
    "P1": {"I1": 0.6, "I2": 0.7, "I3": 0.5, "I4": 0.8},
    "P2": {"I1": 0.5, "I2": 0.6, "I3": 0.4, "I4": 0.7},
    "P3": {"I1": 0.7, "I2": 0.8, "I3": 0.6, "I4": 0.9},
}
ROUND_2 = {name: {"I1": 0.6, "I2": 0.7, "I3": 0.5, "I4": 0.8} for name in ("P1", "P2", "P3")}


def test_angoff_by_hand():
    result = angoff_round(ROUND_1, ITEMS)
    assert result.panellist_scores == pytest.approx({"P1": 2.6, "P2": 2.2, "P3": 3.0})
    # cut = (2.6 + 2.2 + 3.0) / 3 = 2.6 of 4 = 65 %.
    assert (result.panel, result.max_score) == (3, 4.0)
    assert result.cut == pytest.approx(2.6) and result.cut_percent == pytest.approx(65.0)
    # Deviations 0, -.4, +.4: sample variance .32 / 2 = .16, SD .4 (10 %); SE = .4 / sqrt(3) = .2309 (5.77 %).
    assert result.sd == pytest.approx(0.4) and result.sd_percent == pytest.approx(10.0)
    assert result.se == pytest.approx(0.4 / math.sqrt(3)) and result.se_percent == pytest.approx(10 / math.sqrt(3))
    # I1: ratings .6 .5 .7: mean .6, SD .1, range .5 to .7.
    first = result.items[0]
    assert (first.item_key, first.mean, first.sd, first.minimum, first.maximum) == (
        "I1",
        pytest.approx(0.6),
        pytest.approx(0.1),
        0.5,
        0.7,
    )
    assert result.warnings == ("panel of 3 is below the minimum of 6",)


def test_rounds_are_summarised_in_order():
    first, second = angoff([ROUND_1, ROUND_2], ITEMS)
    assert first.sd == pytest.approx(0.4)
    # The panel agrees after discussion: same cut, no spread.
    assert second.cut == pytest.approx(2.6) and second.sd == 0.0 and second.se == 0.0
    assert all(item.sd == 0.0 for item in second.items)


def test_panel_size_warning_and_edge_cases():
    six = {f"P{n}": ROUND_2["P1"] for n in range(6)}
    assert angoff_round(six, ITEMS).warnings == ()
    alone = angoff_round({"P1": ROUND_2["P1"]}, ITEMS)
    assert alone.cut == pytest.approx(2.6) and alone.sd is None and alone.se is None
    assert alone.items[0].sd is None
    nobody = angoff_round({}, ITEMS)
    assert (nobody.cut, nobody.cut_percent, nobody.sd, nobody.items) == (None, None, None, ())


def test_angoff_rejects_bad_ratings():
    with pytest.raises(ValueError, match="exactly"):
        angoff_round({"P1": {"I1": 0.5}}, ITEMS)
    with pytest.raises(ValueError, match="outside"):
        angoff_round({"P1": {**ROUND_2["P1"], "I2": 1.2}}, ITEMS)


# Hofstee. Scores (% of the maximum) for ten candidates:
SCORES = [30, 40, 50, 65, 70, 75, 80, 85, 90, 95]
# Two judges; the panel means are cut 50..70 %, fail rate 10..50 %.
JUDGES = [HofsteeJudgement(45, 65, 0, 40), HofsteeJudgement(55, 75, 20, 60)]


def test_hofstee_meets_on_a_flat_by_hand():
    result = hofstee(JUDGES, SCORES, angoff_cut_percent=65.0)
    assert (result.min_cut, result.max_cut, result.min_fail, result.max_fail) == (50, 70, 10, 50)
    # Line from (70, 10) to (50, 50): fail = 50 - 2 * (cut - 50).
    # Fail rate (% below the cut): 30 % from just above 50 up to 65 (scores 30, 40, 50 fail).
    # 50 - 2 * (c - 50) = 30 at c = 60, which lies before the next score, 65.
    assert result.cut == pytest.approx(60.0)
    assert result.fail_rate == 30.0
    # The Angoff cut 65 % fails 30 %: 50 <= 65 <= 70 and 10 <= 30 <= 50, inside the box.
    assert result.angoff_fail_rate == 30.0 and result.angoff_inside is True
    assert hofstee(JUDGES, SCORES, angoff_cut_percent=75.0).angoff_inside is False  # beyond the highest cut
    assert hofstee(JUDGES, SCORES).angoff_inside is None


def test_hofstee_meets_on_a_riser():
    # Scores 30 40 50 56 ...: at 56 the curve jumps from 30 % to 40 % while the line is at 50 - 2 * 6 = 38.
    scores = [30, 40, 50, 56, 70, 75, 80, 85, 90, 95]
    result = hofstee(JUDGES, scores)
    assert result.cut == 56.0
    assert result.fail_rate == 30.0  # candidates on the cut pass


def test_hofstee_without_an_intersection():
    assert hofstee(JUDGES, [10.0] * 10).cut is None  # everyone fails: the curve is above the box
    assert hofstee(JUDGES, [100.0] * 10).cut is None  # nobody fails: the curve stays below the line
    assert hofstee(JUDGES, []).cut is None
    with pytest.raises(ValueError):
        hofstee([], SCORES)
    with pytest.raises(ValueError):
        hofstee([HofsteeJudgement(70, 50, 10, 20)], SCORES)


def test_hofstee_with_a_single_acceptable_cut():
    judges = [HofsteeJudgement(60, 60, 20, 40)]
    assert hofstee(judges, SCORES).cut == 60.0  # 30 % fail at 60, within 20..40
    assert hofstee([HofsteeJudgement(60, 60, 0, 10)], SCORES).cut is None


def test_fail_rate():
    assert fail_rate(SCORES, 65) == 30.0
    assert fail_rate([], 65) is None


@pytest.mark.parametrize("seed", range(40))  # about 40 % none, 30 % on a flat, 30 % on a riser
def test_hofstee_against_brute_force(seed):
    """The cut is where the line first reaches the staircase: below it, every point of the curve is under the line."""
    rng = random.Random(seed)
    scores = sorted(round(rng.uniform(20, 100), 1) for _ in range(rng.randint(5, 40)))
    low_cut = rng.uniform(35, 65)
    low_fail = rng.uniform(0, 30)
    judges = [HofsteeJudgement(low_cut, low_cut + rng.uniform(5, 30), low_fail, low_fail + rng.uniform(10, 50))]
    result = hofstee(judges, scores)
    j = judges[0]

    def line(c):
        return j.max_fail - (j.max_fail - j.min_fail) * (c - j.min_cut) / (j.max_cut - j.min_cut)

    def at_or_below(c):
        return 100 * bisect.bisect_right(scores, c) / len(scores)

    def below(c):
        return 100 * bisect.bisect_left(scores, c) / len(scores)

    grid = [j.min_cut + (j.max_cut - j.min_cut) * t / 4000 for t in range(4001)]
    if result.cut is None:  # the curve never crosses the line inside the box
        assert all(at_or_below(c) < line(c) for c in grid) or below(j.min_cut) > j.max_fail
    else:
        assert j.min_cut <= result.cut <= j.max_cut
        assert below(result.cut) <= line(result.cut) + 1e-9 <= at_or_below(result.cut) + 2e-9
        assert all(at_or_below(c) < line(c) for c in grid if c < result.cut - 1e-9)
