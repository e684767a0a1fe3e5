"""Conditional score distributions given ability, by the Lord-Wingersky (1984) recursion.

Inputs are item score probabilities on a quadrature grid, so any IRT model can feed them (2PL, GPCM, ...):
for item j an array of shape (Q, m_j + 1) whose row q holds P(category k | theta_q), k = 0..m_j.

Points follow Certify's scoring: every item is worth 1 point and category k of an item with m steps
earns k/m of it (a dichotomous item: 0 or 1; a three-category item: 0, 0.5 or 1). To keep the
recursion on whole numbers, scores are counted in *units* of 1/L point, where L is the least common
multiple of the items' step counts; `Scale` does the conversion both ways. A cut of c points is met by
an observed score of at least ceil(c * L - 1e-9) units, the same slack scoring.py allows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
CUT_SLACK = 1e-9  # a cut computed from a percentage may land a hair above the score that meets it
ROW_TOLERANCE = 1e-6  # category probabilities of an item at one theta must sum to 1 within this


def irf_2pl(theta: npt.ArrayLike, a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """P(correct | theta) = 1 / (1 + exp(-a (theta - b))) as an array of shape (items, Q); logistic metric, no 1.7."""
    t = np.asarray(theta, dtype=np.float64)
    slopes = np.asarray(a, dtype=np.float64)
    locations = np.asarray(b, dtype=np.float64)
    if t.ndim != 1 or slopes.ndim != 1 or slopes.shape != locations.shape:
        raise ValueError("theta must be 1-D and a, b 1-D arrays of the same length")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(slopes)) and np.all(np.isfinite(locations))):
        raise ValueError("theta, a and b must be finite")
    logits = slopes[:, None] * (t[None, :] - locations[:, None])
    result: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * logits))  # the logistic, without overflow
    return result


def dichotomous(p_correct: npt.ArrayLike) -> list[FloatArray]:
    """Category probabilities [P(0), P(1)] per item from P(correct) of shape (items, Q)."""
    p = np.asarray(p_correct, dtype=np.float64)
    if p.ndim != 2:
        raise ValueError("P(correct) must have shape (items, quadrature points)")
    if not np.all((p >= 0.0) & (p <= 1.0)):  # also rejects NaN
        raise ValueError("P(correct) must lie in [0, 1]")
    return [np.column_stack([1.0 - row, row]) for row in p]


def check_categories(categories: Sequence[npt.ArrayLike], points: int | None = None) -> list[FloatArray]:
    """Validated float copies of per-item category probabilities; ValueError naming the first bad item."""
    if not categories:
        raise ValueError("no items")
    checked: list[FloatArray] = []
    for j, given in enumerate(categories):
        probs = np.asarray(given, dtype=np.float64)
        if probs.ndim != 2 or probs.shape[1] < 2:
            raise ValueError(f"item {j}: category probabilities need shape (quadrature points, categories >= 2)")
        if points is not None and probs.shape[0] != points:
            raise ValueError(f"item {j}: {probs.shape[0]} quadrature points, expected {points}")
        if not np.all((probs >= 0.0) & (probs <= 1.0)):
            raise ValueError(f"item {j}: probabilities must lie in [0, 1]")
        if np.max(np.abs(probs.sum(axis=1) - 1.0)) > ROW_TOLERANCE:
            raise ValueError(f"item {j}: category probabilities must sum to 1 at every quadrature point")
        checked.append(probs)
        points = probs.shape[0]
    return checked


def check_weights(weights: npt.ArrayLike, points: int) -> FloatArray:
    """Quadrature weights (the ability distribution) normalised to sum to 1."""
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (points,):
        raise ValueError(f"weights must have shape ({points},), one per quadrature point")
    if not np.all(w >= 0.0) or not np.all(np.isfinite(w)) or w.sum() <= 0.0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    normalised: FloatArray = w / w.sum()
    return normalised


@dataclass(frozen=True)
class Scale:
    """Units of 1/per_point point shared by a set of items."""

    per_point: int  # L: units per point

    @classmethod
    def of(cls, categories: Sequence[FloatArray]) -> Scale:
        return cls(math.lcm(*(probs.shape[1] - 1 for probs in categories)))

    def steps(self, probs: FloatArray) -> int:
        """Units one category step of this item is worth."""
        return self.per_point // int(probs.shape[1] - 1)

    def needed(self, cut_points: float) -> int:
        """Fewest units that meet a cut of `cut_points` points."""
        return max(0, math.ceil(cut_points * self.per_point - CUT_SLACK))


def add_item(distribution: FloatArray, probs: FloatArray, step: int) -> FloatArray:
    """One Lord-Wingersky step: the distribution (Q, S+1) of a sum, with one more independent item added."""
    points, width = distribution.shape
    grown = np.zeros((points, width + step * (probs.shape[1] - 1)), dtype=np.float64)
    for k in range(probs.shape[1]):
        grown[:, k * step : k * step + width] += distribution * probs[:, k : k + 1]
    return grown


def add_distribution(distribution: FloatArray, other: FloatArray) -> FloatArray:
    """Distribution (Q, .) of the sum of two sums independent given theta (a convolution per quadrature point)."""
    points, width = distribution.shape
    grown = np.zeros((points, width + other.shape[1] - 1), dtype=np.float64)
    for s in range(other.shape[1]):
        grown[:, s : s + width] += distribution * other[:, s : s + 1]
    return grown


def lord_wingersky(categories: Sequence[FloatArray], scale: Scale) -> FloatArray:
    """P(sum = s units | theta_q) as an array (Q, max units + 1), by adding the items one at a time."""
    distribution = np.ones((categories[0].shape[0], 1), dtype=np.float64)
    for probs in categories:
        distribution = add_item(distribution, probs, scale.steps(probs))
    return distribution


def item_moments(categories: Sequence[FloatArray]) -> tuple[FloatArray, FloatArray]:
    """Expected points and their variance per item and quadrature point, each of shape (items, Q)."""
    means, variances = [], []
    for probs in categories:
        credit = np.arange(probs.shape[1], dtype=np.float64) / (probs.shape[1] - 1)
        mean = probs @ credit
        means.append(mean)
        variances.append(probs @ credit**2 - mean**2)
    return np.array(means), np.maximum(np.array(variances), 0.0)
