"""Rubric decisions: double marking, adjudication and assessor calibration.

Two assessors score each criterion from 1 to 4 independently. When every
criterion is within the tolerance and both reach the same pass/fail decision,
the final level per criterion follows the configured rule; otherwise a third
assessor adjudicates. Which rule applied is part of the result, so it can be
recorded and explained.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

LEVELS = (1, 2, 3, 4)
COMBINE_RULES = {
    "mean_floor": "the mean of the two levels, rounded down",
    "mean_round": "the mean of the two levels, rounded half up",
    "lower": "the lower of the two levels",
    "higher": "the higher of the two levels",
}


class RubricError(ValueError):
    """Scores that do not fit the rubric (a missing criterion, a level outside 1-4)."""


@dataclass(frozen=True)
class ResolutionRules:
    tolerance: int = 1
    combine: str = "mean_floor"
    pass_min_level: int = 3
    calibration_tolerance: int = 0
    calibration_share: float = 0.8

    def __post_init__(self) -> None:
        if self.combine not in COMBINE_RULES:
            raise RubricError(f"unknown combination rule {self.combine!r}; use one of {', '.join(COMBINE_RULES)}")


@dataclass(frozen=True)
class Resolution:
    """The outcome of double marking (or of an adjudication)."""

    needs_adjudication: bool
    final_levels: Mapping[str, int] = field(default_factory=dict)
    passed: bool | None = None
    rule: str = ""
    reasons: tuple[str, ...] = ()


def check_levels(levels: Mapping[str, int], criteria: Sequence[str]) -> None:
    """Every criterion scored, nothing else, each with a level from 1 to 4."""
    missing = [c for c in criteria if c not in levels]
    extra = [c for c in levels if c not in criteria]
    if missing or extra:
        raise RubricError(
            f"scores must cover exactly the rubric's criteria (missing: {', '.join(missing) or '-'}; "
            f"unknown: {', '.join(extra) or '-'})"
        )
    bad = [c for c, level in levels.items() if level not in LEVELS]
    if bad:
        raise RubricError(f"levels must be 1, 2, 3 or 4 (check {', '.join(bad)})")


def passes(levels: Mapping[str, int], pass_min_level: int) -> bool:
    """A portfolio passes when every criterion reaches the minimum level."""
    return all(level >= pass_min_level for level in levels.values())


def combine(first: int, second: int, rule: str) -> int:
    if rule == "lower":
        return min(first, second)
    if rule == "higher":
        return max(first, second)
    if rule == "mean_round":
        return math.floor((first + second) / 2 + 0.5)
    return (first + second) // 2


def resolve_double_marking(
    first: Mapping[str, int], second: Mapping[str, int], criteria: Sequence[str], rules: ResolutionRules
) -> Resolution:
    """Final levels from two independent reviews, or the reasons a third assessor must decide."""
    check_levels(first, criteria)
    check_levels(second, criteria)
    reasons = [
        f"{c}: levels {first[c]} and {second[c]} are more than {rules.tolerance} apart"
        for c in criteria
        if abs(first[c] - second[c]) > rules.tolerance
    ]
    first_passes, second_passes = passes(first, rules.pass_min_level), passes(second, rules.pass_min_level)
    if first_passes != second_passes:
        reasons.append("the two reviews reach different pass/fail decisions")
    if reasons:
        return Resolution(True, rule="adjudication required", reasons=tuple(reasons))
    final = {c: combine(first[c], second[c], rules.combine) for c in criteria}
    rule = (
        f"both reviews within {rules.tolerance} level(s) and agreeing on the decision: {COMBINE_RULES[rules.combine]}"
    )
    return Resolution(False, final, passes(final, rules.pass_min_level), rule)


def resolve_adjudication(levels: Mapping[str, int], criteria: Sequence[str], rules: ResolutionRules) -> Resolution:
    """The adjudicator's levels are final."""
    check_levels(levels, criteria)
    return Resolution(False, dict(levels), passes(levels, rules.pass_min_level), "decided by an adjudicator")


@dataclass(frozen=True)
class CalibrationResult:
    matched: int
    total: int
    share: float
    calibrated: bool
    mismatches: tuple[str, ...]


def calibration(
    scored: Sequence[Mapping[str, int]], references: Sequence[Mapping[str, int]], rules: ResolutionRules
) -> CalibrationResult:
    """How closely an assessor matched the anchor portfolios' reference levels, criterion by criterion."""
    if len(scored) != len(references) or not references:
        raise RubricError("score every anchor portfolio once")
    matched = total = 0
    mismatches = []
    for number, (mine, reference) in enumerate(zip(scored, references, strict=True), start=1):
        for criterion, expected in reference.items():
            total += 1
            given = mine.get(criterion)
            if given is not None and abs(given - expected) <= rules.calibration_tolerance:
                matched += 1
            else:
                mismatches.append(f"anchor {number}, {criterion}: {given} for reference {expected}")
    share = matched / total
    return CalibrationResult(matched, total, share, share + 1e-9 >= rules.calibration_share, tuple(mismatches))
