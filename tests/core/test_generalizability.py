"""Raters x items G study of Angoff ratings: sums of squares by loops, planted components, the SE by simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from certify.core.generalizability import cut_precision, d_study, ratings_matrix, variance_components
from certify.core.standard_setting import angoff_round


def _by_loops(x):
    """Variance components with every sum written out cell by cell."""
    raters, items = len(x), len(x[0])
    grand = sum(sum(row) for row in x) / (raters * items)
    rater_mean = [sum(row) / items for row in x]
    item_mean = [sum(x[r][i] for r in range(raters)) / raters for i in range(items)]
    total = sum((x[r][i] - grand) ** 2 for r in range(raters) for i in range(items))
    ss_r = sum(items * (m - grand) ** 2 for m in rater_mean)
    ss_i = sum(raters * (m - grand) ** 2 for m in item_mean)
    ms_r, ms_i = ss_r / (raters - 1), ss_i / (items - 1)
    ms_ri = (total - ss_r - ss_i) / ((raters - 1) * (items - 1))
    return (ms_r - ms_ri) / items, (ms_i - ms_ri) / raters, ms_ri


def test_components_match_sums_of_squares_written_out():
    x = [
        [0.60, 0.70, 0.40, 0.80, 0.55],
        [0.65, 0.75, 0.50, 0.90, 0.60],
        [0.50, 0.60, 0.35, 0.70, 0.40],
        [0.70, 0.65, 0.45, 0.85, 0.70],
    ]
    got = variance_components(x)
    raters, items, residual = _by_loops(x)
    assert (got.raters_estimate, got.items_estimate, got.residual) == pytest.approx((raters, items, residual))
    assert got.raters == pytest.approx(raters) and got.items == pytest.approx(items)


def test_negative_estimates_are_set_to_zero():
    # Every rater has the same mean but they disagree item by item: MS_r = 0 < MS_ri.
    x = [[0.5, 0.7, 0.6], [0.7, 0.5, 0.6], [0.6, 0.6, 0.6]]
    got = variance_components(x)
    assert got.raters_estimate < 0 and got.raters == 0.0


def test_planted_components_are_recovered():
    rng = np.random.default_rng(17)
    planted = (0.004, 0.020, 0.010)  # raters, items, residual
    estimates = []
    for _ in range(300):
        x = (
            0.6
            + rng.normal(0, math.sqrt(planted[0]), (10, 1))
            + rng.normal(0, math.sqrt(planted[1]), (1, 40))
            + rng.normal(0, math.sqrt(planted[2]), (10, 40))
        )
        got = variance_components(x)
        estimates.append((got.raters_estimate, got.items_estimate, got.residual))
    means, spread = np.mean(estimates, axis=0), np.std(estimates, axis=0) / math.sqrt(300)
    assert np.all(np.abs(means - planted) < 4 * spread)


def test_the_standard_error_is_the_spread_of_cuts_over_new_panels_and_new_items():
    rng = np.random.default_rng(23)
    planted = (0.004, 0.020, 0.010)
    cuts = []
    for _ in range(4000):
        x = (
            0.6
            + rng.normal(0, math.sqrt(planted[0]), (8, 1))
            + rng.normal(0, math.sqrt(planted[1]), (1, 30))
            + rng.normal(0, math.sqrt(planted[2]), (8, 30))
        )
        cuts.append(x.mean())
    se = math.sqrt(planted[0] / 8 + planted[1] / 30 + planted[2] / 240)
    assert np.std(cuts) == pytest.approx(se, rel=0.05)


def test_raters_only_se_is_the_angoff_rounds_se():
    rng = np.random.default_rng(3)
    items = [f"I{i}" for i in range(12)]
    shifts = 0.08 * rng.standard_normal(7)  # some panellists are harsher than others
    ratings = {
        f"P{r}": {item: float(np.clip(0.55 + shifts[r] + 0.08 * rng.standard_normal(), 0, 1)) for item in items}
        for r in range(7)
    }
    components, precision = cut_precision(ratings_matrix(ratings, items))
    assert components.raters_estimate > 0
    angoff = angoff_round(ratings, items)
    assert precision.cut == pytest.approx(angoff.cut)
    assert precision.se_raters_only == pytest.approx(angoff.se)
    assert precision.se_raters_only_percent == pytest.approx(angoff.se_percent)
    assert precision.se >= precision.se_raters_only


def test_d_study_projection():
    rng = np.random.default_rng(8)
    x = np.clip(0.6 + 0.05 * rng.standard_normal((6, 1)) + 0.15 * rng.standard_normal((6, 25)), 0, 1)
    components, here = cut_precision(x)
    same = d_study(components, 6, 25)
    assert same.se == pytest.approx(here.se)
    bigger = d_study(components, 12, 50)
    assert bigger.se_percent < here.se_percent
    expected = math.sqrt(components.raters / 12 + components.items / 50 + components.residual / 600)
    assert bigger.se_mean == pytest.approx(expected)
    assert bigger.se == pytest.approx(50 * expected)


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ([[0.5, 0.6]], "at least 2 raters"),
        ([[0.5, float("nan")], [0.4, 0.6]], "every rater"),
        ([[0.5, 1.6], [0.4, 0.6]], r"\[0, 1\]"),
    ],
)
def test_bad_ratings_are_rejected(ratings, message):
    with pytest.raises(ValueError, match=message):
        cut_precision(ratings)


def test_bad_d_study_and_incomplete_ratings_are_rejected():
    components, _ = cut_precision([[0.5, 0.6], [0.4, 0.7]])
    with pytest.raises(ValueError, match="at least 1"):
        d_study(components, 0, 10)
    with pytest.raises(ValueError, match="exactly the items"):
        ratings_matrix({"P1": {"I1": 0.5}}, ["I1", "I2"])
