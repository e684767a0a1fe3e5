"""Classical item analysis for one item version at a time: difficulty, discrimination, distractors.

Input model: one `Response` per candidate per item presented to them. `credit` is in [0, 1] (partial
credit allowed); `credit=None` means the candidate saw the item and left it blank, which scores 0
and counts towards the omit rate. A candidate with no `Response` for an item was not presented it:
the item's statistics leave that candidate out, and their totals get nothing for it.

Totals ("scored totals") add up the credit on scored items only. Pilot (unscored) items are
analysed against that total but never add to it, so they cannot move the statistics of the
scored items or of the test.

Choices made here (documented so the numbers can be reproduced):
* difficulty p = mean credit over the candidates presented the item;
* point-biserial = Pearson correlation of the item's credit with the *rest score* (scored total
  minus this item) for scored items, and with the scored total for pilot items;
* D = p in the upper group - p in the lower group (Kelley's 27 % groups); the groups are made once
  from the scored total (this item included), ties at a group boundary going by input order.
Every statistic that cannot be computed (no candidates, n < 2, no variance) is None.

Everything is a handful of passes over flat lists, so 10^6 responses stay within seconds.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import mul
from typing import Literal

from certify.core.distractors import DistractorRow, distractor_rows
from certify.core.sample_size import MIN_ATTEMPTS, MIN_ITEM_N

# Comparisons against band limits forgive this much rounding, so 0.3 computed as 0.29999999999999993 is "good".
EPS = 1e-12


@dataclass(frozen=True, slots=True)
class Response:
    """One candidate's answer to one item version (item_key such as "REF@v3")."""

    candidate_id: str
    item_key: str
    credit: float | None  # in [0, 1]; None = omitted (scores 0)
    choice: tuple[str, ...] | None = None  # option ids selected, for choice items
    seconds: float | None = None  # time spent on the item, if recorded


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """What the analysis needs to know about an item version."""

    item_key: str
    competency: str
    scored: bool = True
    options: tuple[str, ...] = ()  # option ids; empty for items without options
    key: tuple[str, ...] = ()  # the correct option ids


@dataclass(frozen=True)
class Thresholds:
    """Rule-of-thumb limits for the flags; every one can be changed."""

    too_hard: float = 0.20  # p below this is flagged
    too_easy: float = 0.80  # p above this is flagged
    optimal_low: float = 0.40
    optimal_high: float = 0.60
    excellent: float = 0.40  # discrimination at or above this is excellent
    good: float = 0.30
    revise: float = 0.20  # below this is poor; below zero: check the key
    group_share: float = 0.27  # size of the upper and lower groups for D
    discrimination: Literal["point_biserial", "upper_lower"] = "point_biserial"  # statistic the band uses
    min_item_n: int = MIN_ITEM_N  # below this many attempts an item's flags are not yet interpretable
    min_attempts: int = MIN_ATTEMPTS  # below this many attempts reliability, SEM and decision consistency are not


@dataclass(frozen=True)
class ItemStats:
    """Classical statistics and flags for one item version."""

    item_key: str
    competency: str
    scored: bool
    n: int  # candidates presented the item
    omitted: int
    omit_rate: float | None
    p: float | None
    point_biserial: float | None  # corrected (rest score) for scored items, against the scored total for pilots
    upper_p: float | None
    lower_p: float | None
    d: float | None  # upper_p - lower_p
    median_seconds: float | None
    difficulty_band: str | None  # "too hard", "acceptable", "optimal", "too easy"
    discrimination_band: str | None  # "excellent", "good", "revise", "poor", "negative"
    flags: tuple[str, ...]
    distractors: tuple[DistractorRow, ...]
    min_n: int = MIN_ITEM_N  # attempts needed before the bands and flags are read (Thresholds.min_item_n)

    @property
    def interpretable(self) -> bool:
        """Enough attempts were presented the item for its bands and flags to mean something."""
        return self.n >= self.min_n


@dataclass(frozen=True)
class ScoreMatrix:
    """Responses regrouped per item (parallel lists), plus every candidate's scored total."""

    candidates: list[str]  # candidate ids; position = candidate index
    items: list[ItemInfo]
    who: list[list[int]]  # per item: candidate indices presented it
    credit: list[list[float]]  # per item, aligned with who: credit, omits as 0.0
    choices: list[list[tuple[str, ...] | None]]  # per item, aligned with who
    seconds: list[list[float]]  # per item: recorded times (not aligned)
    omitted: list[int]  # per item
    totals: list[float]  # per candidate: credit summed over scored items


def build_matrix(responses: Iterable[Response], items: Sequence[ItemInfo]) -> ScoreMatrix:
    """Regroup responses per item in one pass; ValueError on unknown items, duplicates or credit outside [0, 1]."""
    position = {info.item_key: j for j, info in enumerate(items)}
    if len(position) != len(items):
        raise ValueError("duplicate item key")
    count = len(items)
    index: dict[str, int] = {}
    who: list[list[int]] = [[] for _ in range(count)]
    credit: list[list[float]] = [[] for _ in range(count)]
    choices: list[list[tuple[str, ...] | None]] = [[] for _ in range(count)]
    seconds: list[list[float]] = [[] for _ in range(count)]
    omitted = [0] * count
    for response in responses:
        j = position.get(response.item_key)
        if j is None:
            raise ValueError(f"response for unknown item {response.item_key!r}")
        i = index.get(response.candidate_id)
        if i is None:
            i = index[response.candidate_id] = len(index)
        value = response.credit
        if value is None:
            omitted[j] += 1
            value = 0.0
        elif not 0.0 <= value <= 1.0:  # also rejects NaN
            raise ValueError(f"credit {value!r} outside [0, 1] for {response.item_key!r}")
        who[j].append(i)
        credit[j].append(value)
        choices[j].append(response.choice)
        if response.seconds is not None:
            seconds[j].append(response.seconds)
    for j, indices in enumerate(who):
        if len(set(indices)) != len(indices):
            raise ValueError(f"a candidate answered {items[j].item_key!r} twice")
    totals = [0.0] * len(index)
    for j, info in enumerate(items):
        if info.scored:
            for i, value in zip(who[j], credit[j], strict=True):
                totals[i] += value
    return ScoreMatrix(list(index), list(items), who, credit, choices, seconds, omitted, totals)


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r by centred sums; None for fewer than two pairs or a variable without spread."""
    n = len(xs)
    if n < 2 or n != len(ys) or min(xs) == max(xs) or min(ys) == max(ys):
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    sxx, syy = math.fsum(map(mul, dx, dx)), math.fsum(map(mul, dy, dy))
    if sxx <= 0.0 or syy <= 0.0:
        return None
    return max(-1.0, min(1.0, math.fsum(map(mul, dx, dy)) / math.sqrt(sxx * syy)))


def upper_lower_groups(totals: Sequence[float], share: float = 0.27) -> tuple[list[int], list[int]]:
    """Indices of the top and bottom `share` of candidates by total (group size rounded, at most half)."""
    n = len(totals)
    size = min(int(share * n + 0.5), n // 2)
    if size <= 0 or min(totals) == max(totals):
        return [], []
    order = sorted(range(n), key=totals.__getitem__, reverse=True)  # stable: ties keep input order
    return order[:size], order[-size:]


def difficulty_band(p: float | None, limits: Thresholds = Thresholds()) -> str | None:
    if p is None:
        return None
    if p < limits.too_hard - EPS:
        return "too hard"
    if p > limits.too_easy + EPS:
        return "too easy"
    if limits.optimal_low - EPS <= p <= limits.optimal_high + EPS:
        return "optimal"
    return "acceptable"


def discrimination_band(value: float | None, limits: Thresholds = Thresholds()) -> str | None:
    if value is None:
        return None
    if value < -EPS:
        return "negative"
    for threshold, band in ((limits.excellent, "excellent"), (limits.good, "good"), (limits.revise, "revise")):
        if value >= threshold - EPS:
            return band
    return "poor"


def analyse_items(matrix: ScoreMatrix, limits: Thresholds = Thresholds()) -> list[ItemStats]:
    """Statistics for every item of the matrix, in the matrix's item order."""
    upper, lower = upper_lower_groups(matrix.totals, limits.group_share)
    in_upper = [False] * len(matrix.candidates)
    in_lower = [False] * len(matrix.candidates)
    for i in upper:
        in_upper[i] = True
    for i in lower:
        in_lower[i] = True
    return [_item_stats(matrix, j, in_upper, in_lower, limits) for j in range(len(matrix.items))]


def _item_stats(
    matrix: ScoreMatrix, j: int, in_upper: list[bool], in_lower: list[bool], limits: Thresholds
) -> ItemStats:
    info, who, xs = matrix.items[j], matrix.who[j], matrix.credit[j]
    n = len(xs)
    totals = matrix.totals
    p = sum(xs) / n if n else None
    against = [totals[i] for i in who]
    if info.scored:
        against = [t - x for t, x in zip(against, xs, strict=True)]
    r_pb = correlation(xs, against)
    upper_mask = [in_upper[i] for i in who]
    lower_mask = [in_lower[i] for i in who]
    n_upper, n_lower = sum(upper_mask), sum(lower_mask)
    upper_p = sum(compress(xs, upper_mask)) / n_upper if n_upper else None
    lower_p = sum(compress(xs, lower_mask)) / n_lower if n_lower else None
    d = upper_p - lower_p if upper_p is not None and lower_p is not None else None
    rows = distractor_rows(info.options, info.key, matrix.choices[j], upper_mask, lower_mask) if info.options else ()
    band_p = difficulty_band(p, limits)
    band_d = discrimination_band(r_pb if limits.discrimination == "point_biserial" else d, limits)
    flags: list[str] = []
    if n == 0:
        flags.append("no responses")
    if band_p in ("too easy", "too hard"):
        flags.append(band_p)
    flags += {"negative": ["check the key"], "poor": ["poor discrimination"], "revise": ["revise"]}.get(
        band_d or "", []
    )
    if any(row.never_chosen for row in rows):
        flags.append("option never chosen")
    if any(row.attracts_upper for row in rows):
        flags.append("distractor attracts high scorers")
    times = matrix.seconds[j]
    return ItemStats(
        item_key=info.item_key,
        competency=info.competency,
        scored=info.scored,
        n=n,
        omitted=matrix.omitted[j],
        omit_rate=matrix.omitted[j] / n if n else None,
        p=p,
        point_biserial=r_pb,
        upper_p=upper_p,
        lower_p=lower_p,
        d=d,
        median_seconds=float(statistics.median(times)) if times else None,
        difficulty_band=band_p,
        discrimination_band=band_d,
        flags=tuple(flags),
        distractors=rows,
        min_n=limits.min_item_n,
    )
