"""A calibrated pool read at the cut: the cut-level ability and each item's information there.

Forms are drawn by blueprint, so the score a candidate expects is the *expected form's*: each blueprint
cell contributes `count` slots, each slot the mean expected credit (expected score / maximum score, so
every item weighs one point, as in scoring) of the cell's calibrated items. The cut-level ability is the
theta at which that expected percent equals the cut percent (found by bisection on [-10, 10]; None when
the cut lies outside, or no cell has a calibrated item).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from certify.core.irt.model import FloatArray, ItemParameters, category_moments, pack

BOUND = 10.0
POINTS = 129
TOLERANCE = 1e-10


def expected_percent_curve(
    cells: Sequence[tuple[int, Sequence[ItemParameters]]],
) -> tuple[FloatArray, list[ItemParameters]]:
    """Per-item weights w (summing to 1) and the items, so that expected percent(theta) = 100 * sum w_j E_j / m_j."""
    used = [(count, list(items)) for count, items in cells if items and count > 0]
    slots = sum(count for count, _ in used)
    weights: list[float] = []
    flat: list[ItemParameters] = []
    for count, items in used:
        weights += [count / (len(items) * slots)] * len(items)
        flat += items
    return np.asarray(weights, dtype=np.float64), flat


def cut_theta(cells: Sequence[tuple[int, Sequence[ItemParameters]]], percent: float) -> float | None:
    """The theta at which the expected blueprint form's expected percent equals `percent` (see the module)."""
    weights, items = expected_percent_curve(cells)
    if not items:
        return None
    packed = pack(items)
    maximum = packed.max_score.astype(np.float64)

    def curve(theta: FloatArray) -> FloatArray:
        expected = category_moments(packed, theta)[1]
        return np.asarray(100.0 * (weights / maximum) @ expected, dtype=np.float64)

    low, high = -BOUND, BOUND
    ends = curve(np.array([low, high]))
    if not ends[0] < percent < ends[1]:
        return None
    while high - low > TOLERANCE:
        grid = np.linspace(low, high, POINTS)
        above = int(np.searchsorted(curve(grid), percent))  # the first point at or above the cut
        low, high = float(grid[max(above - 1, 0)]), float(grid[min(above, POINTS - 1)])
    return (low + high) / 2


def information_at(items: Sequence[ItemParameters], theta: float) -> list[float]:
    """Each item's Fisher information at one theta (a^2 times its score variance), in one vectorised pass."""
    if not items:
        return []
    packed = pack(items)
    _, _, variance = category_moments(packed, np.array([float(theta)]))
    return [float(v) for v in packed.a**2 * variance[:, 0]]
