"""Arithmetic of the outcome dashboards: the certification funnel, mastery shares and learning gain.

Conventions (so every figure can be checked by hand):
* Funnel: a candidate reaches a step only once every earlier step is done too, so the counts never
  grow down the funnel. The date a step is reached is the later of its own date and the date the
  previous step was reached (a portfolio passed before the exam counts as reached when the exam
  passes). The time between two steps is the median, in days, over the candidates who reached both.
* Median: the middle value, or the mean of the two middle values of an even count.
* Normalised gain (Hake 1998) of one candidate in one competency, with percents pre and post:
      g = (post - pre) / (100 - pre)
  undefined (and skipped) when pre is 100, since there was nothing left to gain. The summary gives
  the mean of the per-candidate g and also the gain of the means,
      <g> = (mean post - mean pre) / (100 - mean pre),
  both over the same candidates (those with pre below 100). It is kept as a legacy figure: skipping
  everyone at the ceiling overstates gain; `certify.core.gain` has the figures the reports lead with.
* Retake change: among candidates with two or more scored certification attempts, the mean of
  (latest percent - first percent), beside the two means it is the difference of.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

FUNNEL_STEPS = ("registered", "course_complete", "exam_passed", "portfolio_passed", "certified")
FUNNEL_LABELS = {
    "registered": "Registered",
    "course_complete": "Course complete",
    "exam_passed": "Exam passed",
    "portfolio_passed": "Portfolio passed",
    "certified": "Certified",
}
SECONDS_PER_DAY = 86_400.0


def median(values: Sequence[float]) -> float | None:
    """The median of `values`, or None when there are none."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    if n % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean of `values`, or None when there are none."""
    return sum(values) / len(values) if values else None


def share(part: int, whole: int) -> float | None:
    """part / whole as a fraction, or None when whole is 0."""
    return part / whole if whole else None


def days_between(start: datetime, end: datetime) -> float:
    """Elapsed days (fractional) from `start` to `end`."""
    return (end - start).total_seconds() / SECONDS_PER_DAY


@dataclass(frozen=True)
class FunnelStep:
    step: str
    label: str
    count: int
    share_of_registered: float | None  # fraction of the first step
    median_days: float | None  # from the previous step; None for the first step or when nobody reached it


def reached_dates(dates: Sequence[datetime | None]) -> list[datetime | None]:
    """When each step was reached, under the funnel convention (None from the first missing step on)."""
    reached: list[datetime | None] = []
    previous: datetime | None = None
    for position, own in enumerate(dates):
        if own is None:
            reached.extend([None] * (len(dates) - position))
            break
        previous = own if previous is None else max(previous, own)
        reached.append(previous)
    return reached


def funnel(journeys: Sequence[Sequence[datetime | None]], steps: Sequence[str] = FUNNEL_STEPS) -> list[FunnelStep]:
    """Counts and median days between steps; each journey holds one date (or None) per step, in order."""
    for journey in journeys:
        if len(journey) != len(steps):
            raise ValueError(f"a journey has {len(journey)} dates for {len(steps)} steps")
    reached = [reached_dates(journey) for journey in journeys]
    result: list[FunnelStep] = []
    first = sum(1 for dates in reached if dates and dates[0] is not None)
    for position, step in enumerate(steps):
        count = 0
        gaps: list[float] = []
        for dates in reached:
            here = dates[position]
            if here is None:
                continue
            count += 1
            before = dates[position - 1] if position else None
            if before is not None:
                gaps.append(days_between(before, here))
        result.append(
            FunnelStep(
                step,
                FUNNEL_LABELS.get(step, step),
                count,
                share(count, first),
                median(gaps) if position else None,
            )
        )
    return result


def normalised_gain(pre: float, post: float) -> float | None:
    """Hake's normalised gain for percents pre and post; None when pre is 100 (or above)."""
    if pre >= 100.0:
        return None
    return (post - pre) / (100.0 - pre)


@dataclass(frozen=True)
class GainSummary:
    n: int  # candidates counted (pre below 100)
    skipped: int  # candidates with pre = 100
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None  # mean of the per-candidate g
    gain_of_means: float | None  # <g> from the mean pre and post


def summarise_gain(pairs: Sequence[tuple[float, float]]) -> GainSummary:
    """Summarise (pre, post) percent pairs of one competency, one pair per candidate."""
    counted = [(pre, post) for pre, post in pairs if pre < 100.0]
    gains = [g for pre, post in counted if (g := normalised_gain(pre, post)) is not None]
    mean_pre = mean([pre for pre, _ in counted])
    mean_post = mean([post for _, post in counted])
    of_means = None
    if mean_pre is not None and mean_post is not None:
        of_means = normalised_gain(mean_pre, mean_post)
    return GainSummary(len(counted), len(pairs) - len(counted), mean_pre, mean_post, mean(gains), of_means)


@dataclass(frozen=True)
class RetakeChange:
    n: int  # candidates who retook (one (first, latest) pair each)
    mean_first: float | None
    mean_latest: float | None
    mean_change: float | None  # mean of latest - first, in percentage points


def summarise_retakes(pairs: Sequence[tuple[float, float]]) -> RetakeChange:
    """(first, latest) percents of the candidates who retook, one pair per candidate."""
    return RetakeChange(
        len(pairs),
        mean([first for first, _ in pairs]),
        mean([latest for _, latest in pairs]),
        mean([latest - first for first, latest in pairs]),
    )


@dataclass(frozen=True)
class MasteryCell:
    n: int  # candidates with a result in the competency
    met: int  # of whom met the mastery threshold
    share_met: float | None  # met / n
    mean_percent: float | None


def mastery_cell(results: Sequence[tuple[float, bool]]) -> MasteryCell:
    """Summarise (percent, met) results, one per candidate, of one competency."""
    met = sum(1 for _, ok in results if ok)
    return MasteryCell(len(results), met, share(met, len(results)), mean([p for p, _ in results]))
