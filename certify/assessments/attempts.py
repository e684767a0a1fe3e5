"""Taking an exam: start or resume, save answers safely, submit once, finalise when time runs out.

Every function flushes and never commits. Time is passed in so tests (and the
lazy finaliser) decide what "now" is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import abort, current_app
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from certify.assessments import decisions, equating, score_audit
from certify.assessments.attempt_models import Accommodation, Attempt, AttemptItem, AttemptScore
from certify.assessments.models import Assessment, ItemVersion
from certify.auth.models import User
from certify.core.delivery import Presentation, present, to_internal
from certify.core.items import ItemError
from certify.core.scoring import AttemptResult, ItemScore, score_attempt, score_item
from certify.extensions import db
from certify.params import DATABASE_INT_MAX

# Sequence numbers are stored in a 32-bit integer column; anything larger is refused, not overflowed.
MAX_SEQ = DATABASE_INT_MAX


class AttemptRefused(Exception):
    """A request about an attempt that cannot be honoured; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 409, **detail: Any) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


def grace() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("EXAM_GRACE_SECONDS", 60)))


def multiplier_for(user: User) -> float:
    row = db.session.get(Accommodation, user.id)
    return float(row.time_multiplier) if row else 1.0


def open_attempt(user: User, assessment: Assessment) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(
            Attempt.user_id == user.id, Attempt.assessment_id == assessment.id, Attempt.status == "in_progress"
        )
    )


def attempt_for(user: User, attempt_id: int) -> Attempt | None:
    """The attempt if it belongs to `user`; None otherwise (so callers answer 404, revealing nothing)."""
    attempt = db.session.get(Attempt, attempt_id)
    return attempt if attempt is not None and attempt.user_id == user.id else None


def attempt_or_404(user: User, attempt_id: int) -> Attempt:
    """The user's own attempt, for the runner's pages and its API alike; anyone else's is a 404 revealing nothing."""
    attempt = attempt_for(user, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def is_overdue(attempt: Attempt, now: datetime) -> bool:
    return attempt.status == "in_progress" and now > attempt.deadline + grace()


def finalise_if_overdue(attempt: Attempt, now: datetime) -> bool:
    """Score an attempt whose time (and grace) is over, from the answers saved; True if it did."""
    if not is_overdue(attempt, now):
        return False
    _close(attempt, "expired", attempt.deadline, "deadline")
    return True


def presentation(attempt: Attempt, item: AttemptItem) -> Presentation:
    return present(item.version.content, f"{attempt.seed}:{item.position}")


def submit(attempt: Attempt, now: datetime) -> Attempt:
    """Close and score the attempt once; later calls (even concurrent ones) change nothing."""
    if attempt.status == "in_progress":
        if finalise_if_overdue(attempt, now):
            return attempt
        _close(attempt, "submitted", now, "candidate")
    return attempt


def _close(attempt: Attempt, status: str, at: datetime, by: str) -> None:
    # The conditional update is the lock: of many concurrent closers, exactly one changes the row.
    closed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == "in_progress")
        .values(status=status, open_marker=None, submitted_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if closed:
        _score(attempt, by)


def internal_answer(attempt: Attempt, item: AttemptItem) -> Any:
    stored = item.response.answer if item.response else None
    if stored is None:
        return None
    try:
        return to_internal(item.version.content, presentation(attempt, item), stored)
    except ItemError:
        return None


def _score(attempt: Attempt, by: str) -> None:
    # The items with their versions and responses in one statement (not two per item), then the collection.
    loaded = (
        db.session.scalars(  # held, so the identity map keeps them for `attempt.items`
            select(AttemptItem)
            .where(AttemptItem.attempt_id == attempt.id)
            .options(joinedload(AttemptItem.version).joinedload(ItemVersion.item), joinedload(AttemptItem.response))
        )
        .unique()
        .all()
    )
    assert len(loaded) == len(attempt.items)
    for item in attempt.items:
        item.credit = score_item(item.version.content, internal_answer(attempt, item))
    result = result_from_credits(attempt, {item.id: item.credit for item in attempt.items})
    decision = decisions.decide(result, decisions.form_of(attempt), equating.rule_in_force(attempt.cut_score_id))
    db.session.add(AttemptScore(attempt_id=attempt.id, finalised_by=by, **score_columns(result, decision)))
    attempt.status = "scored"
    db.session.flush()
    score_audit.record_scored(attempt, by)


def result_from_credits(attempt: Attempt, credits: dict[int, float]) -> AttemptResult:
    """Total, per-competency results and the pass decision for given item credits (by attempt item id)."""
    assessment = attempt.assessment
    return score_attempt(
        [ItemScore(i.version.competency_code, credits.get(i.id) or 0.0, i.scored) for i in attempt.items],
        cut_percent=attempt.cut_score.percent,
        mastery_percent=assessment.mastery,
        competency_order=[cell["competency"] for cell in assessment.blueprint],
    )


def score_columns(result: AttemptResult, decision: decisions.Decision) -> dict[str, Any]:
    """An AttemptScore's values for a result and the decision made on it (raw or equated cut)."""
    return {
        "points": result.points,
        "max_points": result.max_points,
        "percent": result.percent,
        **decision.columns(),
        "competencies": [
            {
                "code": c.code,
                "points": c.points,
                "max_points": c.max_points,
                "percent": c.percent,
                "mastery": c.mastery_percent,
                "met": c.met,
            }
            for c in result.competencies
        ],
    }


def finalise_overdue(now: datetime) -> int:
    """Finalise every attempt past its deadline and grace (the CLI and a periodic job call this)."""
    count = 0
    for attempt in db.session.scalars(
        select(Attempt).where(Attempt.status == "in_progress", Attempt.deadline < now - grace())
    ):
        count += finalise_if_overdue(attempt, now)
    return count
