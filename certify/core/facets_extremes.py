"""Extreme elements: those whose ratings are all at the lowest or all at the highest level.

Their ratings say only that the measure lies beyond the scale's end, so JMLE has no finite estimate
for them. They are set aside before estimation and measured afterwards with everything else anchored.
"""

from __future__ import annotations

import numpy as np

from certify.core.facets_design import BoolArray, facet_index, facet_size
from certify.core.facets_model import Design, FloatArray, solve_element

EXTREME_ADJUSTMENT = 0.3  # score points an extreme score is moved in from the scale's end (Linacre)


def find_extremes(design: Design) -> tuple[BoolArray, list[tuple[int, int, str]]]:
    """Elements whose ratings are all at the lowest or all at the highest level, found round by round.

    Their ratings say only that the measure is beyond the scale's end, so they are set aside and the
    search repeats on what is left (as Facets does). Returns the ratings still in play and the
    extremes as (facet, element, "minimum" | "maximum") in the order found.
    """
    active = np.ones(design.score.size, dtype=np.bool_)
    found: list[tuple[int, int, str]] = []
    while True:
        new = []
        for facet in range(3):
            index, size = facet_index(design, facet)[active], facet_size(design, facet)
            scores = design.score[active]
            count = np.bincount(index, minlength=size)
            lowest = np.bincount(index, scores == 0, size)
            highest = np.bincount(index, scores == design.categories - 1, size)
            new += [(facet, int(e), "minimum") for e in np.flatnonzero((count > 0) & (lowest == count))]
            new += [(facet, int(e), "maximum") for e in np.flatnonzero((count > 0) & (highest == count))]
        if not new:
            return active, found
        for facet, element, _ in new:
            active &= facet_index(design, facet) != element
        found += new


def measure_remaining(
    full: Design,
    tau: FloatArray,
    values: list[FloatArray],
    errors: list[FloatArray],
    extremes: list[tuple[int, int, str]],
) -> list[dict[int, str]]:
    """Measure extreme elements (and any left without estimated ratings) with everything else anchored.

    Later-found extremes first, since earlier ones were set aside while the later ones still had ratings;
    a partner not measured yet stands at its facet's mean.
    """
    kinds: list[dict[int, str]] = [{}, {}, {}]
    for facet, element, found in extremes:
        kinds[facet][element] = found
    pending: list[tuple[int, int, str | None]] = [
        (f, int(e), None) for f in range(3) for e in np.flatnonzero(np.isnan(values[f]))
    ]
    order: list[tuple[int, int, str | None]] = [p for p in pending if p[1] not in kinds[p[0]]] + [
        (f, e, k) for f, e, k in reversed(extremes)
    ]
    for facet, element, kind in order:
        mine = facet_index(full, facet) == element
        filled = [np.where(np.isnan(v), np.nanmean(v) if not np.isnan(v).all() else 0.0, v) for v in values]
        others = [filled[f][facet_index(full, f)[mine]] * (1.0 if f == 0 else -1.0) for f in range(3) if f != facet]
        target = float(full.score[mine].sum())
        if kind == "minimum":
            target += EXTREME_ADJUSTMENT
        elif kind == "maximum":
            target -= EXTREME_ADJUSTMENT
        value, error = solve_element(others[0] + others[1], 1.0 if facet == 0 else -1.0, tau, target)
        values[facet][element], errors[facet][element] = value, error
    return kinds
