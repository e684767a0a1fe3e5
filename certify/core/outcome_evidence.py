"""Arithmetic of outcome evidence (issue 17): attainment of a target, the share that moved toward it with its
interval, the response rate, the Success Case Method's choice of cases, and the roll-up of interview themes.

Definitions shared by the whole feature (DESIGN of issue 17):
* Attainment of a follow-up = (value - baseline) / (target - baseline): 1 = target reached, 0 = no change,
  negative = moved away from the target. It works for metrics that should fall as for those that should
  rise, since target - baseline carries the sign. Only a SPONSOR-ATTESTED value is ever passed in.
* Moved toward target = attainment > 0.
* The share that moved toward target carries a 95 % Wilson score interval (Wilson 1927), computed by
  `certify.core.intervals.wilson_interval`. It stays within [0, 1] and keeps its coverage near 95 % for the
  small numbers of attested holders a cohort has, where the Wald interval (p +- 1.96 se) does not.
* Median: the middle value, or the mean of the two middle values of an even count.
* Success Case Method (Brinkerhoff): among the plans with an attested outcome, the k most successful (highest
  attainment) and the k least successful (lowest) are proposed for interview. Ties are broken by plan id
  (the earlier plan first), and no plan is proposed as both.
* Themes of interview findings are compared case-insensitively with runs of spaces collapsed; a theme counts
  once per case however often the case names it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from certify.core.intervals import wilson_interval

CONFIDENCE = 0.95  # the level of every interval in the impact report
DEFAULT_CASES = 3  # k: success cases proposed at each extreme
RATING_SCALE = (1, 5)  # Level-3 behaviour ratings
THEME_MAX = 80  # characters of one theme
_THEME_SPLIT = re.compile(r"[,\n;]+")


def attainment(baseline: float, target: float, value: float) -> float:
    """(value - baseline) / (target - baseline); raises ValueError when target equals baseline."""
    for name, number in (("baseline", baseline), ("target", target), ("value", value)):
        if not math.isfinite(number):
            raise ValueError(f"the {name} must be a finite number, not {number!r}")
    if target == baseline:
        raise ValueError("the target equals the baseline, so there is no change to attain")
    return (value - baseline) / (target - baseline)


def moved_toward_target(baseline: float, target: float, value: float) -> bool:
    """True when the value moved from the baseline toward the target (attainment > 0)."""
    return attainment(baseline, target, value) > 0


@dataclass(frozen=True)
class Share:
    """A count out of n with its Wilson score interval (`confidence`, 95 % by default); share None when n is 0."""

    count: int
    n: int
    share: float | None
    low: float | None
    high: float | None
    confidence: float = CONFIDENCE


def wilson_share(count: int, n: int, confidence: float = CONFIDENCE) -> Share:
    """The share count / n with its Wilson score interval at `confidence` (95 %)."""
    if n < 0 or count < 0 or count > n:
        raise ValueError(f"a share needs 0 <= count <= n, not {count} of {n}")
    if n == 0:
        return Share(0, 0, None, None, None, confidence)
    interval = wilson_interval(count / n, n, confidence)
    return Share(count, n, count / n, interval.low, interval.high, confidence)


def median(values: Iterable[float]) -> float | None:
    """The median, or None when there are no values."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2.0


def response_rate(responded: int, followed_up: int) -> float | None:
    """responded / followed_up, or None when nobody has been followed up yet."""
    if responded < 0 or followed_up < 0 or responded > followed_up:
        raise ValueError(f"a response rate needs 0 <= responded <= followed up, not {responded} of {followed_up}")
    return responded / followed_up if followed_up else None


@dataclass(frozen=True)
class AttestedCase:
    plan_id: int
    attainment: float


@dataclass(frozen=True)
class CaseProposal:
    """The cases proposed for interview, most successful first and least successful first.

    `short` is True when there were fewer than 2k attested cases: every case is then proposed, the upper half
    (the odd one included) as success cases, and `note` says so.
    """

    success: tuple[AttestedCase, ...]
    non_success: tuple[AttestedCase, ...]
    k: int
    short: bool
    note: str


def propose_cases(cases: Iterable[AttestedCase], k: int = DEFAULT_CASES) -> CaseProposal:
    """The k most and k least successful of the attested cases (by attainment; ties by plan id), never both."""
    if k < 1:
        raise ValueError(f"propose at least one case at each extreme, not {k}")
    unique = {case.plan_id: case for case in cases}
    best_first = sorted(unique.values(), key=lambda c: (-c.attainment, c.plan_id))
    worst_first = sorted(unique.values(), key=lambda c: (c.attainment, c.plan_id))
    n = len(best_first)
    if n >= 2 * k:
        return CaseProposal(tuple(best_first[:k]), tuple(worst_first[:k]), k, False, "")
    upper = n - n // 2
    success = tuple(best_first[:upper])
    chosen = {c.plan_id for c in success}
    non_success = tuple(c for c in worst_first if c.plan_id not in chosen)
    note = (
        f"Only {n} plan{'s have' if n != 1 else ' has'} an attested outcome, fewer than the {2 * k} needed for "
        f"{k} success and {k} non-success cases: every one is proposed"
        + (", the upper half as success cases." if n > 1 else ".")
    )
    return CaseProposal(success, non_success, k, True, note)


def theme_key(theme: str) -> str:
    """The form themes are compared in: spaces collapsed, case folded."""
    return " ".join(theme.split()).casefold()


def parse_themes(text: str) -> list[str]:
    """Themes typed one per line or separated by commas (or semicolons): trimmed, de-duplicated, in order."""
    seen: dict[str, str] = {}
    for piece in _THEME_SPLIT.split(text):
        theme = " ".join(piece.split())
        if theme and theme_key(theme) not in seen:
            seen[theme_key(theme)] = theme
    return list(seen.values())


@dataclass(frozen=True)
class ThemeCount:
    theme: str  # the spelling met first
    cases: int  # how many cases named it


def theme_rollup(per_case: Iterable[Sequence[str]]) -> list[ThemeCount]:
    """Themes counted per case, compared case-insensitively; most frequent first, then alphabetically."""
    counts: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for themes in per_case:
        for key in {theme_key(t) for t in themes if t.strip()}:
            counts[key] = counts.get(key, 0) + 1
        for theme in themes:
            spelling.setdefault(theme_key(theme), " ".join(theme.split()))
    ordered = sorted(counts, key=lambda key: (-counts[key], key))
    return [ThemeCount(spelling[key], counts[key]) for key in ordered]


@dataclass(frozen=True)
class RatingSummary:
    objective: str  # the spelling met first
    mean: float
    n: int


def rating_value(raw: object) -> int | None:
    """A Level-3 rating as stored (int or digit string) on the 1-5 scale, or None when it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if isinstance(raw, int) and RATING_SCALE[0] <= raw <= RATING_SCALE[1]:
        return raw
    return None


def rating_summaries(rated: Iterable[tuple[Sequence[str], Mapping[str, object]]]) -> list[RatingSummary]:
    """Mean Level-3 rating per objective over (objectives, ratings by objective index) pairs.

    Objectives of different plans are pooled when their wording matches (compared as themes are); ratings off
    the 1-5 scale or naming no objective are ignored. Most rated first, then alphabetically.
    """
    totals: dict[str, list[int]] = {}
    spelling: dict[str, str] = {}
    for objectives, ratings in rated:
        for index, raw in ratings.items():
            value = rating_value(raw)
            position = int(index) if str(index).isdigit() else -1
            if value is None or not 0 <= position < len(objectives) or not objectives[position].strip():
                continue
            key = theme_key(objectives[position])
            spelling.setdefault(key, " ".join(objectives[position].split()))
            totals.setdefault(key, []).append(value)
    ordered = sorted(totals, key=lambda key: (-len(totals[key]), key))
    return [RatingSummary(spelling[key], sum(totals[key]) / len(totals[key]), len(totals[key])) for key in ordered]
