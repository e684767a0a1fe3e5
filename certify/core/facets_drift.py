"""Rater drift from the linked facets model: severity per time window, and its trend.

Criterion difficulties, thresholds and the other raters' severities are anchored at the full
calibration (`fit_facets` on all the ratings); within each window only the rater's severity is
re-estimated from that rater's ratings in the window, so every window is on the same scale.

Candidate measures are anchored too, but each is re-measured WITHOUT the rater under study (from
the other raters' ratings of that candidate, everything else anchored). Anchoring the full
calibration's candidate measures instead lets a drifting rater pull the measures of the
candidates it rated along with it: with double marking it rates half of each candidate's ratings,
and the tests show about half of a planted drift disappearing that way. A candidate no other
rater rated keeps the full calibration's measure.

What remains: drift is relative to the panel. If every rater drifted together, the candidates
would absorb it and nothing here could tell. And a drifting rater still leaks a little into its
partners' trends through the candidates they share (re-measured partly from the drifting rater's
ratings): in the tests, a planted +0.30 logits a month shows as +0.28, and its five partners,
who each share a fifth of their portfolios with it, as -0.02 to -0.07.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from certify.core.facets import FacetsFit
from certify.core.facets_design import Rating, RatingLike, parse_ratings
from certify.core.facets_extremes import EXTREME_ADJUSTMENT
from certify.core.facets_model import solve_element

DRIFT_DAYS = 30.0  # slopes are reported in logits per this many days


@dataclass(frozen=True)
class WindowSeverity:
    start: float  # days, on the ratings' time origin; the window is [start, end)
    end: float
    mean_time: float  # mean time of the rater's ratings in the window: where the point sits on the trend
    severity: float  # logits, positive = severe, on the calibration's scale
    se: float
    ratings: int
    portfolios: int
    extreme: str | None  # "minimum" / "maximum": every rating at one end, severity adjusted 0.3 points in


@dataclass(frozen=True)
class RaterDrift:
    rater: Hashable
    windows: tuple[WindowSeverity, ...]
    slope_per_30_days: float | None  # weighted least-squares trend of severity; None with fewer than 2 windows
    slope_se: float | None


def _weighted_slope(points: list[WindowSeverity]) -> tuple[float | None, float | None]:
    """Slope of severity on mean time, each window weighted by 1 / SE^2; SE from those known variances."""
    if len(points) < 2:
        return None, None
    x = np.array([p.mean_time for p in points])
    y = np.array([p.severity for p in points])
    w = 1.0 / np.array([p.se for p in points]) ** 2
    centred = x - (w * x).sum() / w.sum()
    spread = float((w * centred**2).sum())
    if spread <= 0:
        return None, None
    slope = float((w * centred * y).sum()) / spread
    return slope * DRIFT_DAYS, DRIFT_DAYS / math.sqrt(spread)


def _adjusted(total: float, count: int, top: int) -> tuple[float, str | None]:
    """A raw score total, moved 0.3 points in from either end of the scale; and which end, if any."""
    if total == 0:
        return EXTREME_ADJUSTMENT, "minimum"
    if total == top * count:
        return total - EXTREME_ADJUSTMENT, "maximum"
    return total, None


def _candidates_without(rater: Hashable, ratings: list[Rating], fit: FacetsFit) -> dict[Hashable, float]:
    """The measures of the candidates this rater rated, each from the other raters' ratings (the rest anchored)."""
    tau, top = np.array(fit.thresholds), fit.levels - 1
    rated = {r.candidate for r in ratings if r.rater == rater}
    others: dict[Hashable, list[Rating]] = defaultdict(list)
    for rating in ratings:
        if rating.rater != rater and rating.candidate in rated:
            others[rating.candidate].append(rating)
    measures = {}
    for candidate, rows in others.items():
        offset = np.array([-fit.criteria[r.criterion].difficulty - fit.raters[r.rater].severity for r in rows])
        target, _ = _adjusted(float(sum(r.level - 1 for r in rows)), len(rows), top)
        measures[candidate] = solve_element(offset, 1.0, tau, target)[0]
    return measures


def _window_severity(mine: list[Rating], candidates: dict[Hashable, float], fit: FacetsFit) -> WindowSeverity:
    offset = np.array([candidates[r.candidate] - fit.criteria[r.criterion].difficulty for r in mine])
    target, extreme = _adjusted(float(sum(r.level - 1 for r in mine)), len(mine), fit.levels - 1)
    severity, se = solve_element(offset, -1.0, np.array(fit.thresholds), target)
    mean_time = sum(r.time for r in mine) / len(mine)
    return WindowSeverity(0.0, 0.0, mean_time, severity, se, len(mine), len({r.candidate for r in mine}), extreme)


def severity_drift(
    ratings: Iterable[RatingLike], fit: FacetsFit, *, window_days: float = 30.0
) -> dict[Hashable, RaterDrift]:
    """Each rater's severity per window of `window_days` (windows start at the earliest rating's time), and its trend.

    `ratings` carry times in days (any fixed origin), normally the same ratings `fit` was calibrated on;
    every candidate, criterion and rater must be in `fit`. Windows where all of a rater's ratings are
    at one end are reported (flagged, severity adjusted 0.3 points in) but left out of the slope.
    """
    if not window_days > 0 or not math.isfinite(window_days):
        raise ValueError(f"window_days must be a positive number of days, not {window_days!r}")
    parsed = parse_ratings(ratings, fit.levels)
    for number, rating in enumerate(parsed, start=1):
        for facet, known in (("candidate", fit.candidates), ("criterion", fit.criteria), ("rater", fit.raters)):
            element = getattr(rating, facet)
            if element not in known:
                raise ValueError(f"rating {number}: {facet} {element!r} is not in the calibration")
    origin = min(r.time for r in parsed)

    def window_of(rating: Rating) -> int:
        return int((rating.time - origin) // window_days)

    grouped: dict[Hashable, dict[int, list[Rating]]] = defaultdict(lambda: defaultdict(list))
    for rating in parsed:
        grouped[rating.rater][window_of(rating)].append(rating)
    estimates: dict[tuple[Hashable, int], WindowSeverity] = {}
    for rater, windows in grouped.items():
        without = _candidates_without(rater, parsed, fit)
        candidates = {c: without.get(c, m.measure) for c, m in fit.candidates.items()}
        for window, mine in windows.items():
            estimates[rater, window] = _window_severity(mine, candidates, fit)
    result = {}
    for rater, windows in grouped.items():
        points = [
            replace(estimates[rater, w], start=origin + w * window_days, end=origin + (w + 1) * window_days)
            for w in sorted(windows)
        ]
        slope, slope_se = _weighted_slope([p for p in points if p.extreme is None])
        result[rater] = RaterDrift(rater, tuple(points), slope, slope_se)
    return result
