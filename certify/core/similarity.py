"""Near-twin items: how alike two stems are, and the pairs above a threshold across a set of items.

Two items are near-twins when one is the other with small changes: a name swapped, a number moved,
a sentence reworded. Their stems then share most of their content words *and* most of their word
pairs, while two items that merely share a topic share some words but few pairs. The measure is the
cosine between the two stems' term-count vectors, where the terms are the content words (lower
case, stop words dropped, a plain plural 's' folded) and the pairs of adjacent content words:

    similarity(x, y) = sum_t x_t * y_t / (|x| * |y|)

It is 1 for the same stem, 0 for stems with no content word in common, and does not depend on the
order the two are given in. NEAR_TWIN (0.5) was set by reading the pairs the MID banks produce:
rewrites of one case sit above it, items on one topic in different cases below it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

NEAR_TWIN = 0.5
WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_STOP_WORDS = """
a about after all also an and any are as at be because been before being both but by can could did do does doing
for from had has have he her his how i if in into is it its itself just may might more most must my no nor not of
on once one only or other our out over own same she should so some such than that the their them then there these
they this those through to too under until up very was we were what when where which while who whom why will with
would you your
"""
STOP_WORDS = frozenset(re.findall(r"[a-z]+", _STOP_WORDS))


def terms(text: str) -> Counter[str]:
    """The stem's content words and adjacent content-word pairs, counted."""
    words = [_fold(w) for w in WORD.findall(text.lower()) if w not in STOP_WORDS]
    counts: Counter[str] = Counter(words)
    counts.update(f"{a} {b}" for a, b in pairwise(words))
    return counts


def _fold(word: str) -> str:
    """A plain plural folded onto its singular ('managers' -> 'manager'); short words and '-ss' kept."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def cosine(x: Counter[str], y: Counter[str]) -> float:
    """The cosine between two term-count vectors; 0 when either is empty."""
    if not x or not y:
        return 0.0
    small, large = (x, y) if len(x) <= len(y) else (y, x)
    dot = sum(count * large[term] for term, count in small.items() if term in large)
    norm = math.sqrt(sum(c * c for c in x.values())) * math.sqrt(sum(c * c for c in y.values()))
    return dot / norm


def similarity(a: str, b: str) -> float:
    """How alike two stems are, from 0 (no content word shared) to 1 (the same content)."""
    return cosine(terms(a), terms(b))


@dataclass(frozen=True)
class Stem:
    """An item's stem with where it lives: `group` is the pool (or bank) it belongs to."""

    ref: str
    group: str
    text: str


@dataclass(frozen=True)
class Twin:
    first: Stem
    second: Stem
    similarity: float


def near_twins(stems: Sequence[Stem], *, threshold: float = NEAR_TWIN, across_groups_only: bool = False) -> list[Twin]:
    """Every pair at or above `threshold`, most alike first; with `across_groups_only`, pairs from two groups only."""
    if not 0 < threshold <= 1:
        raise ValueError(f"the near-twin threshold must be above 0 and at most 1, not {threshold}")
    vectors = [terms(s.text) for s in stems]
    index = _inverted_index(vectors)
    found: list[Twin] = []
    for i, vector in enumerate(vectors):
        candidates = {j for term in vector for j in index[term] if j > i}
        for j in sorted(candidates):
            if across_groups_only and stems[i].group == stems[j].group:
                continue
            value = cosine(vector, vectors[j])
            if value >= threshold:
                found.append(Twin(stems[i], stems[j], round(value, 3)))
    return sorted(found, key=lambda t: (-t.similarity, t.first.ref, t.second.ref))


def _inverted_index(vectors: Iterable[Counter[str]]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for position, vector in enumerate(vectors):
        for term in vector:
            index.setdefault(term, []).append(position)
    return index
