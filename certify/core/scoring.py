"""Scoring an attempt: points per competency, the cut score and per-competency mastery."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from certify.core.items import item_type


@dataclass(frozen=True)
class ItemScore:
    competency: str
    credit: float  # 0..1, partial credit as the item defines
    scored: bool = True  # pilot items are answered but do not count


@dataclass(frozen=True)
class CompetencyResult:
    code: str
    points: float
    max_points: float
    percent: float
    mastery_percent: float
    met: bool


@dataclass(frozen=True)
class AttemptResult:
    points: float
    max_points: float
    percent: float
    cut_percent: float
    passed: bool
    competencies: tuple[CompetencyResult, ...]


def is_omitted(answer: object) -> bool:
    """Whether an answer (in any ids) leaves the item blank: nothing, an empty choice, blank text.

    The one definition of an omit: official scoring gives it 0 and item analysis counts it as omitted.
    """
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, (list, tuple, dict)):
        return not answer
    return False


def score_item(content: Mapping[str, object], answer: object) -> float:
    """Credit for an (internal) answer to an item version's content; an omit scores 0 under every rule."""
    if is_omitted(answer):
        return 0.0
    kind = str(content["type"])
    body = content["body"]
    assert isinstance(body, Mapping)
    return float(item_type(kind).score(body, answer))


def _percent(points: float, maximum: float) -> float:
    return round(100.0 * points / maximum, 4) if maximum else 0.0


def score_attempt(
    items: Sequence[ItemScore],
    *,
    cut_percent: float,
    mastery_percent: Mapping[str, float],
    competency_order: Sequence[str] = (),
) -> AttemptResult:
    """Pass = total at or above the cut score AND every competency at or above its mastery threshold."""
    scored = [item for item in items if item.scored]
    order = list(dict.fromkeys([*competency_order, *(item.competency for item in scored)]))
    results = []
    for code in order:
        mine = [item for item in scored if item.competency == code]
        if not mine:
            continue
        points = sum(item.credit for item in mine)
        percent = _percent(points, len(mine))
        threshold = float(mastery_percent.get(code, mastery_percent.get("default", 0.0)))
        results.append(
            CompetencyResult(code, round(points, 4), float(len(mine)), percent, threshold, percent + 1e-9 >= threshold)
        )
    total = sum(item.credit for item in scored)
    percent = _percent(total, len(scored))
    passed = passes_on_percent(bool(scored), percent, cut_percent, [r.met for r in results])
    return AttemptResult(round(total, 4), float(len(scored)), percent, cut_percent, passed, tuple(results))


def passes_on_percent(scored: bool, percent: float, cut_percent: float, competencies_met: Sequence[bool]) -> bool:
    """The pass rule on the cut-score percent: total at the cut AND every competency at mastery."""
    return scored and percent + 1e-9 >= cut_percent and all(competencies_met)


def passes_on_points(points: float, max_points: float, cut_points: float, competencies_met: Sequence[bool]) -> bool:
    """The pass rule on a cut in points (an equated form's own cut): total at the cut AND every competency met."""
    return max_points > 0 and points + 1e-9 >= cut_points and all(competencies_met)
