"""Severity per time window from the anchored calibration recovers a planted drift and leaves stable raters flat."""

from __future__ import annotations

import math

import numpy as np
import pytest

from certify.core.facets import fit_facets
from certify.core.facets_drift import severity_drift
from tests.core.facets_simulation import simulate

PLANTED_PER_30_DAYS = 0.3  # rater r1 grows more severe by this many logits a month


@pytest.fixture(scope="module")
def drifting():
    sample = simulate(
        np.random.default_rng(31), candidates=600, days=150.0, drift_per_day={1: PLANTED_PER_30_DAYS / 30}
    )
    fit = fit_facets(sample.ratings)
    return sample, fit, severity_drift(sample.ratings, fit)


def test_planted_drift_is_recovered(drifting):
    _, _, drift = drifting
    moving = drift["r1"]
    assert len(moving.windows) == 5
    assert abs(moving.slope_per_30_days - PLANTED_PER_30_DAYS) < 3 * moving.slope_se
    assert moving.slope_se < 0.1
    severities = [w.severity for w in moving.windows]
    assert severities[-1] - severities[0] > 0.6  # about 1.2 logits planted between the first and last window


def test_stable_raters_show_little_drift(drifting):
    """Drift is relative to the panel: partners pick up a little of the drifting rater's trend, with the other sign."""
    _, _, drift = drifting
    stable = [drift[rater].slope_per_30_days for rater in ("r0", "r2", "r3", "r4", "r5")]
    assert max(abs(slope) for slope in stable) < 0.1
    assert drift["r1"].slope_per_30_days > 3 * max(abs(slope) for slope in stable)


def _expected_total(etas, thresholds):
    total = 0.0
    for eta in etas:
        numerators = [math.exp(sum(eta - t for t in thresholds[:k])) for k in range(len(thresholds) + 1)]
        total += sum(k * x for k, x in enumerate(numerators)) / sum(numerators)
    return total


def _bisect(f, low=-20.0, high=20.0):
    """The root of an increasing f."""
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if f(middle) < 0 else (low, middle)
    return (low + high) / 2


def _measure_without(sample, fit, candidate, rater):
    """The candidate's measure from the other raters' ratings: bisection on the score equation, direct formula."""
    rows = [r for r in sample.ratings if r[0] == candidate and r[2] != rater]
    observed = sum(r[3] - 1 for r in rows)
    observed = min(max(observed, 0.3), 3 * len(rows) - 0.3)
    offsets = [-fit.criteria[r[1]].difficulty - fit.raters[r[2]].severity for r in rows]
    return _bisect(lambda theta: _expected_total([theta + o for o in offsets], fit.thresholds) - observed)


def test_window_severity_solves_the_window_score_equation(drifting):
    """With candidates measured without this rater, the window's expected total (direct formula) is its observed one."""
    sample, fit, drift = drifting
    window = drift["r4"].windows[2]
    mine = [r for r in sample.ratings if r[2] == "r4" and window.start <= r[4] < window.end]
    etas = [
        _measure_without(sample, fit, c, "r4") - fit.criteria[criterion].difficulty - window.severity
        for c, criterion, _, _, _ in mine
    ]
    assert _expected_total(etas, fit.thresholds) == pytest.approx(sum(r[3] - 1 for r in mine), abs=1e-5)
    assert window.ratings == len(mine) and window.portfolios == len({r[0] for r in mine})
    assert window.start <= window.mean_time < window.end


def test_anchoring_the_calibrated_candidate_measures_would_hide_half_the_drift(drifting):
    """Why candidates are re-measured without the rater: their calibrated measures absorb the rater's drift."""
    sample, fit, drift = drifting
    naive = []
    for window in drift["r1"].windows:
        mine = [r for r in sample.ratings if r[2] == "r1" and window.start <= r[4] < window.end]
        offsets = [fit.candidates[c].measure - fit.criteria[criterion].difficulty for c, criterion, _, _, _ in mine]
        observed = sum(r[3] - 1 for r in mine)
        naive.append(
            _bisect(lambda rho, o=offsets, n=observed: n - _expected_total([x - rho for x in o], fit.thresholds))
        )
    x = [w.mean_time for w in drift["r1"].windows]
    naive_slope = 30 * np.polyfit(x, naive, 1)[0]
    assert naive_slope < 0.65 * PLANTED_PER_30_DAYS
    assert drift["r1"].slope_per_30_days > 0.8 * PLANTED_PER_30_DAYS


def test_slope_matches_a_weighted_polynomial_fit(drifting):
    _, _, drift = drifting
    windows = drift["r1"].windows
    x = np.array([w.mean_time for w in windows])
    y = np.array([w.severity for w in windows])
    slope = np.polyfit(x, y, 1, w=1 / np.array([w.se for w in windows]))[0]
    assert drift["r1"].slope_per_30_days == pytest.approx(30 * slope, rel=1e-9)


def test_one_window_has_no_slope_and_bad_input_is_refused(drifting):
    sample, fit, _ = drifting
    early = [r for r in sample.ratings if r[4] < 30]
    assert severity_drift(early, fit)["r0"].slope_per_30_days is None
    with pytest.raises(ValueError, match="rater 'nobody' is not in the calibration"):
        severity_drift([*early, ("c0", "OB", "nobody", 2, 1.0)], fit)
    with pytest.raises(ValueError, match="window_days"):
        severity_drift(early, fit, window_days=0)
