"""Cut scores: the modified Angoff method and the Hofstee compromise as a check on it.

Angoff (Angoff 1971, modified with rounds of discussion): each panellist rates every item with the
share of minimally competent candidates who would answer it correctly (0..1). A panellist's summed
ratings are the raw score they expect from such a candidate; the cut is the mean of those sums.
The spread of the sums uses the *sample* SD (the panel stands for a wider pool of experts) and the
standard error of the cut is SD / sqrt(panel size). Every item is worth 1 point, so the maximum is
the number of items and percent = 100 * raw / items.

Hofstee (1983): each panellist gives the lowest and highest acceptable cut (% of the maximum) and the
lowest and highest acceptable fail rate (% of candidates). With the panel means, the line from
(highest cut, lowest fail rate) to (lowest cut, highest fail rate) is drawn over the observed fail-rate
curve F(c) = % of candidates scoring below c (a staircase, its risers included); where they meet is the
compromise cut. The curve rises and the line falls, so they meet at most once; if they do not meet
inside the box, there is no compromise (None).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MIN_PANEL = 6  # fewer panellists than this makes an Angoff cut unstable

# panellist -> item key -> rating in [0, 1]
Ratings = Mapping[str, Mapping[str, float]]


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _sample_sd(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    if min(values) == max(values):
        return 0.0  # exactly, not a rounding residue
    mean = _mean(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


@dataclass(frozen=True)
class ItemRatings:
    """The panel's ratings of one item."""

    item_key: str
    mean: float
    sd: float | None  # sample SD; None for a panel of one
    minimum: float
    maximum: float


@dataclass(frozen=True)
class AngoffRound:
    """One round of ratings: the panel's cut and how far panellists and items disagree."""

    panel: int
    max_score: float
    panellist_scores: dict[str, float]  # summed ratings: expected raw score of a minimally competent candidate
    cut: float | None
    cut_percent: float | None
    sd: float | None
    se: float | None
    sd_percent: float | None
    se_percent: float | None
    items: tuple[ItemRatings, ...]
    warnings: tuple[str, ...]


def angoff_round(ratings: Ratings, items: Sequence[str], *, min_panel: int = MIN_PANEL) -> AngoffRound:
    """Summarise one round; ValueError when a panellist skips an item, rates an unknown one, or leaves [0, 1]."""
    wanted = set(items)
    for panellist, given in ratings.items():
        if set(given) != wanted:
            raise ValueError(f"{panellist} must rate exactly the items of the test")
        if any(not 0.0 <= rating <= 1.0 for rating in given.values()):
            raise ValueError(f"{panellist} gave a rating outside [0, 1]")
    panel, max_score = len(ratings), float(len(items))
    sums = {panellist: math.fsum(given[item] for item in items) for panellist, given in ratings.items()}
    cut = _mean(list(sums.values())) if panel else None
    sd = _sample_sd(list(sums.values()))
    se = sd / math.sqrt(panel) if sd is not None else None

    def percent(raw: float | None) -> float | None:
        return 100.0 * raw / max_score if raw is not None and max_score else None

    per_item = []
    for item in items if panel else ():
        column = [given[item] for given in ratings.values()]
        per_item.append(ItemRatings(item, _mean(column), _sample_sd(column), min(column), max(column)))
    warnings = [f"panel of {panel} is below the minimum of {min_panel}"] if panel < min_panel else []
    return AngoffRound(
        panel=panel,
        max_score=max_score,
        panellist_scores=sums,
        cut=cut,
        cut_percent=percent(cut),
        sd=sd,
        se=se,
        sd_percent=percent(sd),
        se_percent=percent(se),
        items=tuple(per_item),
        warnings=tuple(warnings),
    )


def angoff(rounds: Sequence[Ratings], items: Sequence[str], *, min_panel: int = MIN_PANEL) -> list[AngoffRound]:
    """Every round in order (round 1 = independent ratings, later rounds after discussion and data)."""
    return [angoff_round(ratings, items, min_panel=min_panel) for ratings in rounds]


@dataclass(frozen=True)
class HofsteeJudgement:
    """One panellist's acceptable ranges, all in percent."""

    min_cut: float
    max_cut: float
    min_fail: float
    max_fail: float


@dataclass(frozen=True)
class HofsteeResult:
    min_cut: float  # panel means of the judgements
    max_cut: float
    min_fail: float
    max_fail: float
    cut: float | None  # compromise cut, % of the maximum; None when line and curve do not meet
    fail_rate: float | None  # observed % failing at that cut
    angoff_fail_rate: float | None  # observed % failing at the Angoff cut, when one was given
    angoff_inside: bool | None  # the Angoff cut and its fail rate lie inside the box


def fail_rate(scores: Sequence[float], cut: float) -> float | None:
    """% of scores below the cut (scores sorted or not)."""
    if not scores:
        return None
    return 100.0 * sum(1 for score in scores if score < cut) / len(scores)


def hofstee(
    judgements: Sequence[HofsteeJudgement], scores: Sequence[float], *, angoff_cut_percent: float | None = None
) -> HofsteeResult:
    """The Hofstee compromise for observed percent scores; ValueError without judgements or with a reversed range."""
    if not judgements:
        raise ValueError("no Hofstee judgements")
    for j in judgements:
        if not (0.0 <= j.min_cut <= j.max_cut <= 100.0 and 0.0 <= j.min_fail <= j.max_fail <= 100.0):
            raise ValueError(f"inconsistent Hofstee judgement {j}")
    low_cut, high_cut = _mean([j.min_cut for j in judgements]), _mean([j.max_cut for j in judgements])
    low_fail, high_fail = _mean([j.min_fail for j in judgements]), _mean([j.max_fail for j in judgements])
    ordered = sorted(scores)
    cut = _compromise(ordered, low_cut, high_cut, low_fail, high_fail)
    inside = angoff_rate = None
    if angoff_cut_percent is not None:
        angoff_rate = fail_rate(ordered, angoff_cut_percent)
        inside = (
            angoff_rate is not None
            and low_cut <= angoff_cut_percent <= high_cut
            and low_fail <= angoff_rate <= high_fail
        )
    return HofsteeResult(
        min_cut=low_cut,
        max_cut=high_cut,
        min_fail=low_fail,
        max_fail=high_fail,
        cut=cut,
        fail_rate=fail_rate(ordered, cut) if cut is not None else None,
        angoff_fail_rate=angoff_rate,
        angoff_inside=inside,
    )


def _compromise(
    ordered: Sequence[float], low_cut: float, high_cut: float, low_fail: float, high_fail: float
) -> float | None:
    """Where the falling line meets the rising staircase, walking right from the lowest acceptable cut."""
    n = len(ordered)
    if n == 0:
        return None

    def below(c: float) -> float:  # % strictly below c: the foot of a riser at c
        return 100.0 * bisect.bisect_left(ordered, c) / n

    def up_to(c: float) -> float:  # % at or below c: the top of a riser at c, and the flat to its right
        return 100.0 * bisect.bisect_right(ordered, c) / n

    if below(low_cut) > high_fail:
        return None  # the curve starts above the line, and stays above it
    if high_cut == low_cut:
        return low_cut if up_to(low_cut) >= low_fail else None
    slope = (high_fail - low_fail) / (high_cut - low_cut)
    c = low_cut
    while True:
        level = up_to(c)
        if level >= high_fail - slope * (c - low_cut):
            return c  # the riser at c (or the curve at c) reaches the line
        following = bisect.bisect_right(ordered, c)
        next_score = ordered[following] if following < n else math.inf
        if slope > 0:
            meets = low_cut + (high_fail - level) / slope  # the line comes down to this flat here
            if meets < next_score and meets <= high_cut:
                return meets
        if next_score > high_cut:
            return None
        c = next_score
