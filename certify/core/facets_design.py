"""Ratings for the facets model: checking and coding them, extreme elements, and whether the design is connected."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from certify.core.facets_model import Design, FloatArray, IntArray

BoolArray = npt.NDArray[np.bool_]
FACETS = ("candidate", "criterion", "rater")


class Rating(NamedTuple):
    """One level (1..K) given by one rater to one criterion of one candidate's portfolio.

    `candidate` identifies the work rated (use a portfolio version id when portfolios are resubmitted).
    `time` (days from any fixed origin) is used by drift only.
    """

    candidate: Hashable
    criterion: Hashable
    rater: Hashable
    level: int
    time: float = 0.0


RatingLike = tuple[Hashable, Hashable, Hashable, int] | tuple[Hashable, Hashable, Hashable, int, float]


def parse_ratings(ratings: Iterable[RatingLike], levels: int) -> list[Rating]:
    """Ratings checked one by one; a ValueError names the first bad one (counting from 1)."""
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
        raise ValueError(f"levels must be an integer of at least 2, not {levels!r}")
    parsed = []
    seen: set[tuple[Hashable, Hashable, Hashable]] = set()
    for number, row in enumerate(ratings, start=1):
        if not isinstance(row, tuple) or len(row) not in (4, 5):
            raise ValueError(f"rating {number}: expected (candidate, criterion, rater, level[, time]), got {row!r}")
        rating = Rating(*row)
        level = rating.level
        if isinstance(level, bool) or not isinstance(level, int | np.integer) or not 1 <= level <= levels:
            raise ValueError(f"rating {number}: level {level!r} is not one of the levels 1..{levels}")
        try:
            time = float(rating.time)
            key = (rating.candidate, rating.criterion, rating.rater)
            duplicate = key in seen
        except (TypeError, ValueError) as error:
            raise ValueError(f"rating {number}: ids must be hashable and time a number ({error})") from None
        if not math.isfinite(time):
            raise ValueError(f"rating {number}: time {rating.time!r} is not a finite number of days")
        if duplicate:
            raise ValueError(
                f"rating {number}: rater {rating.rater!r} rated criterion {rating.criterion!r} "
                f"of candidate {rating.candidate!r} twice"
            )
        seen.add(key)
        parsed.append(Rating(rating.candidate, rating.criterion, rating.rater, int(level), time))
    if not parsed:
        raise ValueError("no ratings: the facets model needs at least one rating")
    return parsed


@dataclass(frozen=True)
class Coded:
    """Ratings as a Design, with each facet's ids in order of first appearance."""

    design: Design
    ids: tuple[tuple[Hashable, ...], tuple[Hashable, ...], tuple[Hashable, ...]]
    times: FloatArray


def code_ratings(ratings: Sequence[Rating], levels: int) -> Coded:
    """Element indices for parsed ratings."""
    maps: tuple[dict[Hashable, int], dict[Hashable, int], dict[Hashable, int]] = ({}, {}, {})
    columns = [[maps[f].setdefault(r[f], len(maps[f])) for r in ratings] for f in range(3)]
    design = Design(
        np.array(columns[0], dtype=np.int64),
        np.array(columns[1], dtype=np.int64),
        np.array(columns[2], dtype=np.int64),
        np.array([r.level - 1 for r in ratings], dtype=np.int64),
        len(maps[0]),
        len(maps[1]),
        len(maps[2]),
        levels,
    )
    ids = (tuple(maps[0]), tuple(maps[1]), tuple(maps[2]))
    return Coded(design, ids, np.array([r.time for r in ratings], dtype=np.float64))


def facet_index(design: Design, facet: int) -> IntArray:
    """The element index of every rating in one facet (0 candidate, 1 criterion, 2 rater)."""
    return (design.candidate, design.criterion, design.rater)[facet]


def facet_size(design: Design, facet: int) -> int:
    return (design.n_candidates, design.n_criteria, design.n_raters)[facet]


def subset(design: Design, keep: BoolArray) -> tuple[Design, list[IntArray]]:
    """The kept ratings, re-indexed so that every facet's elements are 0..n-1; and, per facet, the original indices."""
    originals, columns = [], []
    for facet in range(3):
        used, compact = np.unique(facet_index(design, facet)[keep], return_inverse=True)
        originals.append(used.astype(np.int64))
        columns.append(compact.astype(np.int64))
    smaller = Design(
        columns[0],
        columns[1],
        columns[2],
        design.score[keep],
        originals[0].size,
        originals[1].size,
        originals[2].size,
        design.categories,
    )
    return smaller, originals


class DisconnectedDesign(ValueError):
    """Ratings that fall into subsets whose measures cannot be compared with each other."""

    def __init__(self, criterion_subsets: list[list[Hashable]], rater_subsets: list[list[Hashable]]) -> None:
        self.criterion_subsets = criterion_subsets
        self.rater_subsets = rater_subsets
        parts = [
            f"{name}: " + " | ".join("{" + ", ".join(map(str, group)) + "}" for group in groups)
            for name, groups in (("raters", rater_subsets), ("criteria", criterion_subsets))
            if len(groups) > 1
        ]
        super().__init__(
            "the design is disconnected: these subsets share no candidates, directly or through others, "
            "so their measures cannot be compared (have some portfolios rated across subsets): " + "; ".join(parts)
        )


def _group_rows(rows: FloatArray) -> list[list[int]]:
    scale = max(1.0, float(np.abs(rows).max(initial=0.0)))
    groups: list[list[int]] = []
    for index, row in enumerate(rows):
        home = next((g for g in groups if np.abs(rows[g[0]] - row).max(initial=0.0) < 1e-6 * scale), None)
        if home is None:
            groups.append([index])
        else:
            home.append(index)
    return groups


def check_connected(design: Design, criterion_ids: Sequence[Hashable], rater_ids: Sequence[Hashable]) -> None:
    """Raise DisconnectedDesign unless every difference between criteria and between raters is estimable.

    In eta = theta - delta - rho the only changes that leave every rating's eta unchanged should be
    the two the centring removes (all deltas up, or all rhos up, with theta following). Eliminating
    theta from the design's Gram matrix leaves a matrix on (delta, rho) whose null space holds every
    such change; extra null directions mean subsets. Two elements are comparable exactly when they
    move together in every null direction, so equal rows of the null basis form a subset.
    """
    c, i, j = design.candidate, design.criterion, design.rater
    n_c, n_i, n_r = design.n_candidates, design.n_criteria, design.n_raters
    ones = np.ones(c.size)
    cross = np.zeros((n_c, n_i + n_r))
    cross[:, :n_i] = -np.bincount(c * n_i + i, ones, n_c * n_i).reshape(n_c, n_i)
    cross[:, n_i:] = -np.bincount(c * n_r + j, ones, n_c * n_r).reshape(n_c, n_r)
    gram = np.zeros((n_i + n_r, n_i + n_r))
    gram[:n_i, :n_i] = np.diag(np.bincount(i, ones, n_i))
    gram[n_i:, n_i:] = np.diag(np.bincount(j, ones, n_r))
    gram[:n_i, n_i:] = np.bincount(i * n_r + j, ones, n_i * n_r).reshape(n_i, n_r)
    gram[n_i:, :n_i] = gram[:n_i, n_i:].T
    reduced = gram - cross.T @ (cross / np.bincount(c, ones, n_c)[:, None])
    values, vectors = np.linalg.eigh(reduced)
    null = vectors[:, values < 1e-9 * max(1.0, float(values.max()))]
    if null.shape[1] <= 2:
        return
    trivial = np.zeros((n_i + n_r, 2))
    trivial[:n_i, 0], trivial[n_i:, 1] = 1.0, 1.0
    residual = null - trivial @ np.linalg.lstsq(trivial, null, rcond=None)[0]
    left, sizes, _ = np.linalg.svd(residual, full_matrices=False)
    basis = left[:, sizes > 1e-6]
    criterion_groups = [[criterion_ids[e] for e in g] for g in _group_rows(basis[:n_i])]
    rater_groups = [[rater_ids[e] for e in g] for g in _group_rows(basis[n_i:])]
    raise DisconnectedDesign(criterion_groups, rater_groups)
