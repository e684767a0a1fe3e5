"""Item flags that rest on confidence intervals, not on point estimates alone.

The codes are those of item_analysis.py; each fires only when the whole interval lies beyond the limit
(`Thresholds`), so an item is not called "too hard" because 4 of 30 candidates got it right by chance:
* "too hard"                      Wilson upper bound of p  < too_hard
* "too easy"                      Wilson lower bound of p  > too_easy
* "check the key"                 upper bound of the discrimination < 0
* "poor discrimination"           upper bound < revise           (and not "check the key")
* "revise"                        upper bound < good             (and neither of the above)
  Discrimination is the corrected point-biserial with its Fisher z interval, or, when
  `Thresholds.discrimination` is "upper_lower", D = upper p - lower p with Newcombe's interval.
* "distractor attracts high scorers"  Newcombe lower bound of (upper share - lower share) > 0 for a wrong option
* "option never chosen"           no one chose a wrong option, and n is large enough that the Wilson upper bound
                                  of its share (0 of n) is below NEVER_CHOSEN_SHARE: a plausible distractor would
                                  have drawn someone by then (about 74 candidates at 5 %)
Upper and lower groups are taken to hold round(group_share * n) candidates each (at most n // 2), which
is exact when every candidate was presented the item (one fixed form).
Below the minimum n the answer is "insufficient_data" and no flags at all: "no responses" is that case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from certify.core.intervals import Interval, fisher_interval, newcombe_difference, wilson_interval
from certify.core.item_analysis import EPS, ItemStats, Thresholds

# A wrong option is "never chosen" once even this share of candidates choosing it would have shown by now.
NEVER_CHOSEN_SHARE = 0.05


@dataclass(frozen=True)
class Flag:
    """One flag, with the n and the interval it rests on (None for a plain count)."""

    code: str
    n: int
    ci: tuple[float, float] | None


@dataclass(frozen=True)
class ItemFlags:
    item_key: str
    status: Literal["insufficient_data", "ok", "flagged"]
    n: int
    min_n: int
    flags: tuple[Flag, ...]
    difficulty: Interval | None  # Wilson interval of p
    discrimination: Interval | None  # Fisher interval of r_pb, or Newcombe interval of D


def group_size(n: int, share: float) -> int:
    """Size of the upper (and lower) group among n candidates, as item_analysis.upper_lower_groups makes it."""
    return min(int(share * n + 0.5), n // 2)


def _discrimination(stats: ItemStats, limits: Thresholds, confidence: float) -> Interval | None:
    if limits.discrimination == "upper_lower":
        size = group_size(stats.n, limits.group_share)
        if stats.upper_p is None or stats.lower_p is None or size < 1:
            return None
        return newcombe_difference(stats.upper_p, size, stats.lower_p, size, confidence)
    if stats.point_biserial is None or stats.n < 4:
        return None
    return fisher_interval(stats.point_biserial, stats.n, confidence)


def ci_flags(
    stats: ItemStats, limits: Thresholds = Thresholds(), *, min_n: int | None = None, confidence: float = 0.95
) -> ItemFlags:
    """CI-aware flags for one item's statistics; "insufficient_data" below `min_n` (default limits.min_item_n)."""
    least = limits.min_item_n if min_n is None else min_n
    if least < 1:
        raise ValueError("the minimum n must be at least 1")
    if stats.n < least or stats.p is None:
        return ItemFlags(stats.item_key, "insufficient_data", stats.n, least, (), None, None)
    difficulty = wilson_interval(min(1.0, max(0.0, stats.p)), stats.n, confidence)
    flags: list[Flag] = []
    if difficulty.high < limits.too_hard - EPS:
        flags.append(Flag("too hard", stats.n, difficulty.bounds))
    elif difficulty.low > limits.too_easy + EPS:
        flags.append(Flag("too easy", stats.n, difficulty.bounds))
    discrimination = _discrimination(stats, limits, confidence)
    if discrimination is not None:
        for limit, code in ((0.0, "check the key"), (limits.revise, "poor discrimination"), (limits.good, "revise")):
            if discrimination.high < limit - EPS:
                flags.append(Flag(code, discrimination.n, discrimination.bounds))
                break
    if any(row.never_chosen for row in stats.distractors):
        unseen = wilson_interval(0.0, stats.n, confidence)
        if unseen.high < NEVER_CHOSEN_SHARE:
            flags.append(Flag("option never chosen", stats.n, unseen.bounds))
    size = group_size(stats.n, limits.group_share)
    for row in stats.distractors:
        if row.is_key or row.upper_share is None or row.lower_share is None or size < 1:
            continue
        gap = newcombe_difference(row.upper_share, size, row.lower_share, size, confidence)
        if gap.low > 0.0:
            flags.append(Flag("distractor attracts high scorers", gap.n, gap.bounds))
            break
    status: Literal["ok", "flagged"] = "flagged" if flags else "ok"
    return ItemFlags(stats.item_key, status, stats.n, least, tuple(flags), difficulty, discrimination)
