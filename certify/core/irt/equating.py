"""Equated pass/fail decisions: one standard on the ability scale, a cut in points on each form, a scaled score.

Certify scores every item as one point (partial credit k/m of it), so a form's test characteristic
curve (TCC) here is in those points: the sum over its items of E[score | theta] / m. The same curve
with weights is the *reference*: the test on which the adopted cut percent is read.

Reference: the blueprint's expected form. Each blueprint cell (competency x Bloom level, ``count``
slots) is filled from its live calibrated items, each weighted count / (items in the cell), so the
reference expects, at every theta, the percent a form drawn at random by the blueprint expects. A
standard adopted as "64 % of a form" is read on it: ``theta_cut`` is where the reference expects
exactly the cut percent (the cut-level ability, the same one the item report shows). Why not the
items an Angoff panel rated: those are a sample drawn by the same blueprint from the same pool, a cut
loaded from a file has no items at all, and one reference keeps the report and the scoring rule on
the same number.

Each drawn form's own cut: its TCC at ``theta_cut`` (IRT true-score equating). A candidate meets
the total standard when their points reach it; a harder form therefore has a lower cut in points.

Reporting scale (MID scaled score): 200 + per_logit x (theta - theta_cut), rounded, within
[minimum, maximum], where theta is the ability whose TCC on the candidate's own form equals their
points. Because the TCC increases, theta >= theta_cut exactly when the points reach the form's cut;
the reported number keeps that (a candidate below the cut never reads 200 through rounding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from certify.core.irt.model import FloatArray, ItemParameters, as_theta, category_moments, pack

# Abilities are searched in [-SEARCH_BOUND, SEARCH_BOUND]; beyond lie only scores of 0 or full marks.
SEARCH_BOUND = 15.0
# The inverse TCC stops when the expected points are within TOLERANCE of the target (or after MAX_STEPS).
TOLERANCE, MAX_STEPS = 1e-10, 200
SLACK = 1e-9  # points: a score this close below a cut meets it (the same slack scoring.py allows percents)


class EquatingError(ValueError):
    """The standard cannot be placed on the ability scale; the message says why."""


@dataclass(frozen=True)
class ReportingScale:
    """A reporting scale anchored at the cut-level ability: ``cut`` there, ``per_logit`` points per logit."""

    name: str
    minimum: int
    maximum: int
    cut: int
    per_logit: float

    def reported(self, theta: float | None, theta_cut: float, meets_cut: bool) -> int:
        """The whole scaled score for ability ``theta`` (None: a score of 0 or full marks, the scale's ends).

        Rounding never crosses the decision: meeting the cut reads at least ``cut``, missing it at most ``cut - 1``.
        """
        if theta is None:
            return self.maximum if meets_cut else self.minimum
        exact = self.cut + self.per_logit * (theta - theta_cut)
        value = min(self.maximum, max(self.minimum, math.floor(exact + 0.5)))
        return max(value, self.cut) if meets_cut else min(value, self.cut - 1)

    def as_dict(self) -> dict[str, object]:
        """The scale as the reports describe it: name, min, max, cut."""
        return {"name": self.name, "min": self.minimum, "max": self.maximum, "cut": self.cut}


MID_SCALE = ReportingScale(name="MID scaled score", minimum=100, maximum=300, cut=200, per_logit=40.0)


class WeightedItems:
    """Items with weights, read as one curve: sum_j w_j E[score_j | theta] / m_j (each item worth one point)."""

    def __init__(self, items: Sequence[ItemParameters], weights: Sequence[float] | None = None) -> None:
        self._packed = pack(items)
        w = np.ones(len(items)) if weights is None else np.asarray(weights, dtype=np.float64)
        if w.shape != (len(items),) or not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError(f"need one positive finite weight per item ({len(items)})")
        self._per_point = w / self._packed.max_score
        self._slope = self._per_point * self._packed.a
        self.total = float(w.sum())

    def points(self, theta: ArrayLike) -> FloatArray:
        """The expected points at each theta."""
        _, mean, _ = category_moments(self._packed, as_theta(theta))
        return np.asarray(self._per_point @ mean, dtype=np.float64)

    def percent(self, theta: ArrayLike) -> FloatArray:
        """The expected percent of the maximum at each theta."""
        return np.asarray(100.0 * self.points(theta) / self.total, dtype=np.float64)

    def theta_for_points(self, points: float) -> float | None:
        """The theta at which the expected points equal ``points``; None beyond +/-SEARCH_BOUND (0 or full marks).

        Newton's method on the curve (its slope is sum_j w_j a_j Var_j / m_j), kept inside a bracket that
        shrinks at every step and bisected whenever Newton would leave it; the curve increases, so it converges.
        """
        if not math.isfinite(points):
            raise ValueError(f"points must be a finite number, got {points!r}")
        low, high = -SEARCH_BOUND, SEARCH_BOUND
        ends = self.points(np.array([low, high]))
        if not ends[0] < points < ends[1]:
            return None
        theta = 0.0
        for _ in range(MAX_STEPS):
            _, mean, variance = category_moments(self._packed, np.array([theta]))
            miss = float(self._per_point @ mean[:, 0]) - points
            if abs(miss) <= TOLERANCE:
                break
            low, high = (theta, high) if miss < 0 else (low, theta)
            slope = float(self._slope @ variance[:, 0])
            step = theta - miss / slope if slope > 0 else low - 1.0
            theta = step if low < step < high else (low + high) / 2
            if high - low < 1e-12:
                break
        return theta


def blueprint_reference(cells: Sequence[tuple[int, Sequence[ItemParameters]]]) -> WeightedItems:
    """The expected form of a blueprint: per cell (slots, its calibrated items), each item weighted slots / items."""
    items: list[ItemParameters] = []
    weights: list[float] = []
    for count, cell in cells:
        if count < 1 or not cell:
            raise ValueError("every blueprint cell needs at least one slot and one calibrated item")
        items += cell
        weights += [count / len(cell)] * len(cell)
    if not items:
        raise ValueError("the blueprint has no cells")
    return WeightedItems(items, weights)


def theta_cut(reference: WeightedItems, cut_percent: float) -> float:
    """The cut-level ability: where the reference expects exactly ``cut_percent``."""
    if not (math.isfinite(cut_percent) and 0 < cut_percent < 100):
        raise EquatingError(f"a cut of {cut_percent!r} % cannot be placed on the ability scale (0 < cut < 100)")
    found = reference.theta_for_points(cut_percent / 100 * reference.total)
    if found is None:
        raise EquatingError(f"no ability within ±{SEARCH_BOUND:g} logits expects {cut_percent:g} % on the reference")
    return found


@dataclass(frozen=True)
class EquatedTotal:
    """A total score read against the standard on the candidate's own form."""

    cut_points: float  # the form's cut: its expected points at theta_cut
    theta: float | None  # the ability whose expected points on the form are the candidate's (None: 0 or full marks)
    scaled_score: int
    meets_cut: bool


def equate_total(
    form: Sequence[ItemParameters], points: float, cut_ability: float, scale: ReportingScale = MID_SCALE
) -> EquatedTotal:
    """The form's cut in points at ``cut_ability``, whether ``points`` reach it, and the scaled score."""
    curve = WeightedItems(form)
    if not (math.isfinite(points) and -SLACK <= points <= curve.total + SLACK):
        raise ValueError(f"points must lie between 0 and the form's {curve.total:g}, got {points!r}")
    cut_points = float(curve.points(cut_ability)[0])
    meets = points + SLACK >= cut_points
    theta = curve.theta_for_points(points)
    return EquatedTotal(cut_points, theta, scale.reported(theta, cut_ability, meets), meets)
