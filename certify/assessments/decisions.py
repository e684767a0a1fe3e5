"""Deciding a scored attempt: on its cut-score version's raw cut, or on that cut equated to the drawn form.

Equated rule: the rule in force for the attempt's cut-score version (equating.rule_in_force) gives the
cut-level ability; the form's pass mark is its scored items' expected points at that ability, the total
meets the standard when the candidate's points reach it, and the scaled score reads those points on the
MID scale (certify.core.irt.equating). Each competency's mastery is judged as before, its percent against
its threshold: a competency has only a handful of items on a form, too few to equate dependably, and the
threshold is a judgement about the content the candidate saw.

Raw rule (the cut version's percent on every form, as before equating): used when the cut version has no
rule yet, or when the rule's calibration lacks one of the form's scored items; `note` says which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.equating import parameters_of
from certify.assessments.models import CutEquating, Item, ItemVersion
from certify.core.irt import equate_total
from certify.core.scoring import AttemptResult, CompetencyResult, passes_on_percent, passes_on_points
from certify.extensions import db

NOT_EQUATED = "forms not yet equated: no sound calibration for this cut-score version yet"
NOTE_LENGTH = 300


@dataclass(frozen=True)
class Decision:
    """The pass/fail decision on an attempt's total and mastery, and the rule that made it."""

    passed: bool
    rule: str  # "raw" | "equated"
    cut_percent: float  # the pass mark this form was held to, in percent of its scored items
    cut_points: float  # ... in points
    equating_id: int | None = None
    theta: float | None = None
    scaled_score: int | None = None
    note: str | None = None

    def columns(self) -> dict[str, Any]:
        """The AttemptScore columns this decision sets."""
        return {
            "passed": self.passed,
            "cut_percent": self.cut_percent,
            "decision_rule": self.rule,
            "cut_points": self.cut_points,
            "cut_equating_id": self.equating_id,
            "theta": self.theta,
            "scaled_score": self.scaled_score,
            "decision_note": self.note,
        }


def raw(result: AttemptResult, note: str | None) -> Decision:
    """The decision `score_attempt` made on the cut version's percent."""
    return Decision(
        result.passed, "raw", result.cut_percent, round(result.cut_percent * result.max_points / 100, 4), note=note
    )


def decide(result: AttemptResult, version_ids: Sequence[int], rule: CutEquating | None) -> Decision:
    """Decide a result on its form (the scored items' version ids) by `rule`, or on the raw cut without one."""
    if rule is None:
        return raw(result, NOT_EQUATED)
    params = parameters_of(rule, version_ids)
    missing = [v for v in version_ids if v not in params]
    if not version_ids or missing:
        return raw(result, _missing_note(rule, missing, len(version_ids)))
    total = equate_total([params[v] for v in version_ids], result.points, rule.theta_cut)
    met = [c.met for c in result.competencies]
    return Decision(
        passed=passes_on_points(result.points, result.max_points, total.cut_points, met),
        rule="equated",
        cut_percent=round(100 * total.cut_points / result.max_points, 4),
        cut_points=round(total.cut_points, 4),
        equating_id=rule.id,
        theta=None if total.theta is None else round(total.theta, 4),
        scaled_score=total.scaled_score,
    )


def _missing_note(rule: CutEquating, missing: Sequence[int], scored: int) -> str:
    if not scored:
        return "no scored items to equate"
    names = [
        f"{ref} v{version}"
        for ref, version in db.session.execute(
            select(Item.ref, ItemVersion.version)
            .join(ItemVersion, ItemVersion.item_id == Item.id)
            .where(ItemVersion.id.in_(missing[:10]))
            .order_by(Item.ref)
        )
    ]
    note = (
        f"not equated: {len(missing)} of the form's {scored} scored items are not in calibration "
        f"#{rule.calibration_id} (new since, or seen too rarely): {', '.join(names)}"
        + (" …" if len(missing) > len(names) else "")
    )
    return note[:NOTE_LENGTH]


def form_of(attempt: Attempt) -> list[int]:
    """The item version ids of the attempt's scored items (pilot items do not count), in form order."""
    return [item.item_version_id for item in attempt.items if item.scored]


def recorded_rule(score: AttemptScore) -> CutEquating | None:
    """The rule a recorded result was decided by (None: the raw cut)."""
    return None if score.cut_equating_id is None else db.session.get(CutEquating, score.cut_equating_id)


def recorded_result(score: AttemptScore, raw_cut_percent: float) -> AttemptResult:
    """A recorded score as the result scoring made of it on the raw cut (for deciding it again by another rule)."""
    competencies = tuple(
        CompetencyResult(
            c["code"],
            float(c.get("points", 0.0)),
            float(c.get("max_points", 0.0)),
            float(c["percent"]),
            float(c.get("mastery", 0.0)),
            bool(c["met"]),
        )
        for c in score.competencies
    )
    passed = passes_on_percent(score.max_points > 0, score.percent, raw_cut_percent, [c.met for c in competencies])
    return AttemptResult(score.points, score.max_points, score.percent, raw_cut_percent, passed, competencies)
