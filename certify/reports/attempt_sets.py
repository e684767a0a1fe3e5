"""Which scored attempts an analysis reads: each candidate's first (the default) or all of them.

A retake is not a fresh, independent sample: the candidate has seen the exam, studied the feedback and
is often drawn overlapping items, so counting it beside first attempts inflates item p-values and
reliability. Analyses therefore read each candidate's FIRST scored attempt (lowest attempt number among
the scored ones) unless asked for all; `retakes` reports how scores moved from the first to the latest.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment
from certify.extensions import db

FIRST, ALL = "first", "all"


def chosen_attempt_ids(assessment: Assessment, *, all_attempts: bool = False, people: Any = None) -> Select[Any]:
    """A SELECT of the ids of the scored attempts to analyse (portable SQL: a join on a grouped subquery)."""
    only = [Attempt.user_id.in_(people)] if people is not None else []
    scored = (
        select(Attempt.id)
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .where(Attempt.assessment_id == assessment.id, *only)
    )
    if all_attempts:
        return scored
    firsts = (
        select(Attempt.user_id.label("user_id"), func.min(Attempt.number).label("first"))
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .where(Attempt.assessment_id == assessment.id, *only)
        .group_by(Attempt.user_id)
        .subquery()
    )
    return scored.join(firsts, (firsts.c.user_id == Attempt.user_id) & (firsts.c.first == Attempt.number))


def retakes(assessment: Assessment, *, people: Any = None) -> dict[str, Any]:
    """Candidates with more than one scored attempt, and the mean change in percent from first to latest."""
    only = [Attempt.user_id.in_(people)] if people is not None else []
    rows = db.session.execute(
        select(Attempt.user_id, Attempt.number, AttemptScore.percent)
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .where(Attempt.assessment_id == assessment.id, *only)
        .order_by(Attempt.user_id, Attempt.number)
    ).all()
    by_person: dict[int, list[float]] = {}
    for user_id, _number, percent in rows:
        by_person.setdefault(user_id, []).append(float(percent))
    changes = [scores[-1] - scores[0] for scores in by_person.values() if len(scores) > 1]
    return {
        "candidates": len(changes),
        "mean_change": round(sum(changes) / len(changes), 4) if changes else None,
    }
