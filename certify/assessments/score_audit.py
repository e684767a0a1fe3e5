"""The audit trail of exam scores: every score and outcome when an attempt is scored,
and every later change to it, with what the decision rested on (the cut-score version,
the pass rule and each item's version, scoring rule and credit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import CutEquating
from certify.audit import services as audit
from certify.auth.models import User
from certify.extensions import db

OUTCOME_RULE = "overall percentage at the cut score and every competency at its mastery level"


def item_record(
    position: int, ref: str, version: int, content: Mapping[str, Any], scored: bool, credit: float | None
) -> dict[str, Any]:
    """One item of a score record: which version was scored by which rule, and the credit it gave."""
    return {
        "position": position,
        "item": ref,
        "version": version,
        "type": content["type"],
        "scoring": content.get("body", {}).get("scoring"),
        "scored": scored,
        "credit": credit,
    }


def score_record(attempt: Attempt, items: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The attempt's current score and outcome, and what they were computed from (`items`: the items' records
    when the caller has them, as scoring does; otherwise read from the attempt's items)."""
    score = db.session.get(AttemptScore, attempt.id)
    assert score is not None, "only a scored attempt has a score record"
    cut = attempt.cut_score
    return {
        "assessment": attempt.assessment.slug,
        "attempt_number": attempt.number,
        "points": score.points,
        "max_points": score.max_points,
        "percent": score.percent,
        "passed": score.passed,
        "competencies": [dict(c) for c in score.competencies],
        "cut_score": {"id": cut.id, "version": cut.version, "method": cut.method, "percent": cut.percent},
        "scoring_rule": {"pass": OUTCOME_RULE, "mastery": dict(attempt.assessment.mastery)},
        "decision": decision_record(score),
        "items": items
        if items is not None
        else [
            item_record(
                row.position, row.version.item.ref, row.version.version, row.version.content, row.scored, row.credit
            )
            for row in attempt.items
        ],
        "finalised_by": score.finalised_by,
    }


def decision_record(score: AttemptScore) -> dict[str, Any]:
    """Which cut decided the total: the rule, the form's pass mark and, when equated, the rule's ability and scale."""
    record: dict[str, Any] = {
        "rule": score.decision_rule,
        "cut_percent": score.cut_percent,
        "cut_points": score.cut_points,
        "note": score.decision_note,
    }
    rule = None if score.cut_equating_id is None else db.session.get(CutEquating, score.cut_equating_id)
    if rule is not None:
        record |= {
            "cut_equating_id": rule.id,
            "calibration_id": rule.calibration_id,
            "theta_cut": rule.theta_cut,
            "theta": score.theta,
            "scaled_score": score.scaled_score,
        }
    return record


def record_scored(attempt: Attempt, by: str, items: list[dict[str, Any]] | None = None) -> None:
    """Audit an attempt that has just been scored, on submission or at its deadline.

    The candidate is the actor of their own submission; finalising an overdue attempt
    is the system's doing (no actor), whoever's request or command triggered it.
    """
    actor = db.session.get(User, attempt.user_id) if by == "candidate" else None
    audit.record(
        actor, "attempt.scored", "attempt", attempt.id, after=score_record(attempt, items), note=f"finalised by {by}"
    )
