"""Sparse response data: validation, and the one-hot layout the estimation arithmetic runs on.

Responses arrive as three parallel arrays (person index, item index, score) plus each item's
maximum score; an item a person did not see is simply absent (missing, not wrong). Scores are
integers 0..max_score[item].

For the arithmetic the responses become a person x category indicator matrix: column
``offset[j] + k`` is 1 where the person scored ``k`` on item ``j``. The marginal likelihood at
every quadrature node is then one matrix product with the (category x node) log-probabilities, and
the expected counts of the EM algorithm the transposed product; BLAS does in milliseconds what a
scatter/gather over 128,000 responses does in tens. The matrix is kept as uint8 (persons x
categories bytes: 2,000 x 700 is 1.4 MB) and converted block by block.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from certify.core.irt.model import BoolArray, FloatArray, IntArray

# Rows converted to float64 at a time (bounds the temporary memory whatever the number of persons).
BLOCK_CELLS = 4_000_000


def _integer_vector(values: ArrayLike, name: str) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional sequence of integers")
    whole = np.issubdtype(array.dtype, np.integer) or (
        np.issubdtype(array.dtype, np.floating) and bool(np.all(np.isfinite(array) & (array == np.round(array))))
    )
    if array.size and not whole:
        raise ValueError(f"{name} must hold whole numbers")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must not be negative (found {array.min()} at position {int(np.argmin(array))})")
    return array.astype(np.int64)


@dataclass(frozen=True)
class ResponseData:
    """Validated sparse responses: parallel arrays person, item, score; max_score per item; n_persons."""

    person: IntArray
    item: IntArray
    score: IntArray
    max_score: IntArray
    n_persons: int

    @property
    def n_items(self) -> int:
        """Number of items in the pool (the length of max_score)."""
        return int(self.max_score.size)

    @property
    def offsets(self) -> IntArray:
        """First indicator column of each item; item j owns columns offsets[j] .. offsets[j] + max_score[j]."""
        return np.concatenate(([0], np.cumsum(self.max_score + 1)[:-1])).astype(np.int64)

    @property
    def n_columns(self) -> int:
        """Total number of indicator columns (sum over items of max_score + 1)."""
        return int((self.max_score + 1).sum())

    def respondents(self) -> IntArray:
        """Number of persons who responded to each item."""
        return np.bincount(self.item, minlength=self.n_items).astype(np.int64)

    def category_counts(self) -> IntArray:
        """Observed count of each score on each item: shape (n_items, 1 + max over items of max_score)."""
        width = int(self.max_score.max()) + 1
        flat = np.bincount(self.item * width + self.score, minlength=self.n_items * width)
        return flat.reshape(self.n_items, width).astype(np.int64)

    def indicator_blocks(self) -> Iterator[tuple[slice, FloatArray]]:
        """Blocks of rows of the person x category indicator matrix, as float64, with the rows they cover."""
        rows = max(1, BLOCK_CELLS // max(1, self.n_columns))
        indicator = self.indicator()
        for start in range(0, self.n_persons, rows):
            block = slice(start, min(start + rows, self.n_persons))
            yield block, indicator[block].astype(np.float64)

    def indicator(self) -> NDArray[np.uint8]:
        """The person x category indicator matrix (uint8)."""
        matrix = np.zeros((self.n_persons, self.n_columns), dtype=np.uint8)
        matrix[self.person, self.offsets[self.item] + self.score] = 1
        return matrix

    def dense_scores(self) -> tuple[IntArray, BoolArray]:
        """Person x item scores (0 where missing) and the mask of responses that exist."""
        scores = np.zeros((self.n_persons, self.n_items), dtype=np.int64)
        seen = np.zeros((self.n_persons, self.n_items), dtype=np.bool_)
        scores[self.person, self.item] = self.score
        seen[self.person, self.item] = True
        return scores, seen


def validate_responses(
    person_index: ArrayLike,
    item_index: ArrayLike,
    score: ArrayLike,
    max_score: ArrayLike,
    n_persons: int | None = None,
) -> ResponseData:
    """Check sparse responses and return them as :class:`ResponseData`; any problem is a ValueError naming it."""
    person = _integer_vector(person_index, "person_index")
    item = _integer_vector(item_index, "item_index")
    points = _integer_vector(score, "score")
    maxima = _integer_vector(max_score, "max_score")
    if not (person.size == item.size == points.size):
        raise ValueError(
            "person_index, item_index and score must have the same length "
            f"(got {person.size}, {item.size}, {points.size})"
        )
    if person.size == 0:
        raise ValueError("there are no responses")
    if maxima.size == 0 or maxima.min() < 1:
        raise ValueError("max_score needs one entry per item, each at least 1")
    if item.max() >= maxima.size:
        raise ValueError(f"item_index {item.max()} is out of range: max_score describes {maxima.size} items")
    over = points > maxima[item]
    if over.any():
        at = int(np.argmax(over))
        raise ValueError(f"score {points[at]} at position {at} is above item {item[at]}'s maximum {maxima[item[at]]}")
    persons = int(person.max()) + 1 if n_persons is None else n_persons
    if persons <= person.max():
        raise ValueError(f"person_index {person.max()} is out of range for n_persons={persons}")
    pairs = person * maxima.size + item
    unique = np.unique(pairs)
    if unique.size != pairs.size:
        first = int(unique[np.nonzero(np.bincount(np.searchsorted(unique, pairs)) > 1)[0][0]])
        raise ValueError(f"person {first // maxima.size} has more than one response to item {first % maxima.size}")
    return ResponseData(person=person, item=item, score=points, max_score=maxima, n_persons=persons)
