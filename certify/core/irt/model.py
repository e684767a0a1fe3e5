"""Item response functions of the (generalized) partial credit family, and their information.

One parameterisation covers the four models Certify uses. An item scored 0..m has a slope ``a``
and ``m`` step thresholds ``b_1..b_m``; the probability of score ``k`` at ability ``theta`` is

    P(k | theta) = exp(sum_{v<=k} a (theta - b_v)) / sum_{h=0..m} exp(sum_{v<=h} a (theta - b_v))

(the empty sum, for k = 0, is 0). With m = 1 this is the 2PL (and the Rasch model when a = 1);
with m > 1 it is the generalized partial credit model (GPCM; the partial credit model, PCM, when
a = 1). Step threshold ``b_v`` is where scores v - 1 and v are equally likely; the item's
location ``b`` is the mean of its thresholds, which for a 0/1 item is its difficulty.

Internally the items of a form or a pool are packed into arrays in slope-intercept form:
category ``k`` has the linear predictor ``a * k * theta + d_k`` with ``d_0 = 0`` and
``d_k = -a * (b_1 + ... + b_k)``; categories beyond an item's maximum score are masked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class ItemParameters:
    """One item's slope and step thresholds (a single threshold, the difficulty, for a 0/1 item)."""

    a: float
    steps: tuple[float, ...]

    def __post_init__(self) -> None:
        if not (math.isfinite(self.a) and self.a > 0):
            raise ValueError(f"item slope a must be a positive finite number, got {self.a!r}")
        if not self.steps:
            raise ValueError("an item needs at least one step threshold (its maximum score is at least 1)")
        if not all(math.isfinite(b) for b in self.steps):
            raise ValueError(f"item step thresholds must be finite, got {self.steps!r}")

    @property
    def max_score(self) -> int:
        """The highest score on the item (its number of steps)."""
        return len(self.steps)

    @property
    def b(self) -> float:
        """The item's location: the mean of its step thresholds."""
        return sum(self.steps) / len(self.steps)


@dataclass(frozen=True)
class PackedItems:
    """Items as arrays: slopes (J,), intercepts d (J, K) with d[:, 0] = 0, and the valid-category mask (J, K)."""

    a: FloatArray
    d: FloatArray
    valid: BoolArray

    @property
    def max_score(self) -> IntArray:
        """Each item's maximum score (J,)."""
        return np.asarray(self.valid.sum(axis=1) - 1, dtype=np.int64)


def pack(items: Sequence[ItemParameters]) -> PackedItems:
    """Pack item parameters into slope-intercept arrays for vectorised evaluation."""
    if not items:
        raise ValueError("a form needs at least one item")
    width = 1 + max(item.max_score for item in items)
    rows = []
    for item in items:  # plain floats, one array at the end: scoring packs a form per attempt
        total, row = 0.0, [0.0]
        for b in item.steps:
            total += b
            row.append(-item.a * total)
        rows.append(row + [0.0] * (width - len(row)))
    a = np.array([item.a for item in items], dtype=np.float64)
    d = np.array(rows, dtype=np.float64)
    max_score = np.array([item.max_score for item in items], dtype=np.int64)
    valid = np.arange(width)[None, :] <= max_score[:, None]
    return PackedItems(a=a, d=d, valid=valid)


def unpack(packed: PackedItems) -> tuple[ItemParameters, ...]:
    """The inverse of :func:`pack`."""
    items = []
    for j, m in enumerate(packed.max_score.tolist()):
        increments = np.diff(packed.d[j, : m + 1])
        items.append(ItemParameters(a=float(packed.a[j]), steps=tuple((-increments / packed.a[j]).tolist())))
    return tuple(items)


def as_theta(theta: ArrayLike) -> FloatArray:
    """Abilities as a 1-D float array (a scalar becomes one value); rejects non-finite values."""
    values = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    if values.ndim != 1:
        raise ValueError("theta must be a number or a one-dimensional sequence of numbers")
    if not np.all(np.isfinite(values)):
        raise ValueError("theta must be finite")
    return values


def log_category_probabilities(packed: PackedItems, theta: FloatArray) -> FloatArray:
    """log P(k | theta) for every item, category and ability: shape (J, K, len(theta)); -inf where masked."""
    k = np.arange(packed.d.shape[1], dtype=np.float64)
    z = packed.a[:, None, None] * k[None, :, None] * theta[None, None, :] + packed.d[:, :, None]
    z = np.where(packed.valid[:, :, None], z, -np.inf)
    top = z.max(axis=1, keepdims=True)
    log_norm = top + np.log(np.exp(z - top).sum(axis=1, keepdims=True))
    return np.asarray(z - log_norm, dtype=np.float64)


def category_moments(packed: PackedItems, theta: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Category probabilities (J, K, Q), expected score (J, Q) and score variance (J, Q) at each theta."""
    probs = np.exp(log_category_probabilities(packed, theta))
    k = np.arange(probs.shape[1], dtype=np.float64)[None, :, None]
    mean = (probs * k).sum(axis=1)
    variance = np.maximum((probs * k * k).sum(axis=1) - mean * mean, 0.0)
    return probs, mean, variance


def category_probabilities(item: ItemParameters, theta: ArrayLike) -> FloatArray:
    """P(score = k | theta) for one item: shape (len(theta), max_score + 1)."""
    return np.asarray(np.exp(log_category_probabilities(pack([item]), as_theta(theta))[0]).T, dtype=np.float64)


def expected_score(items: Sequence[ItemParameters], theta: ArrayLike) -> FloatArray:
    """The test characteristic curve: the expected raw score on the form at each theta."""
    _, mean, _ = category_moments(pack(items), as_theta(theta))
    return np.asarray(mean.sum(axis=0), dtype=np.float64)


def item_information(item: ItemParameters, theta: ArrayLike) -> FloatArray:
    """Fisher information of one item at each theta: a^2 times the variance of its score."""
    packed = pack([item])
    _, _, variance = category_moments(packed, as_theta(theta))
    return np.asarray(packed.a[0] ** 2 * variance[0], dtype=np.float64)


def test_information(items: Sequence[ItemParameters], theta: ArrayLike) -> FloatArray:
    """Fisher information of a form at each theta: the sum of its items' information."""
    packed = pack(items)
    _, _, variance = category_moments(packed, as_theta(theta))
    return np.asarray((packed.a[:, None] ** 2 * variance).sum(axis=0), dtype=np.float64)


test_information.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, despite its name


def conditional_sem(items: Sequence[ItemParameters], theta: ArrayLike) -> FloatArray:
    """Conditional standard error of measurement of a form at each theta: 1 / sqrt(test information)."""
    return np.asarray(1.0 / np.sqrt(test_information(items, theta)), dtype=np.float64)
