"""Taking an exam: start or resume, save answers safely, submit once, finalise when time runs out.

Every function flushes and never commits. Time is passed in so tests (and the
lazy finaliser) decide what "now" is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import abort, current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from certify.assessments import decisions, equating, score_audit
from certify.assessments.attempt_models import Accommodation, Attempt, AttemptItem, AttemptScore, Response
from certify.assessments.item_content import contents
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.assessments.serialise import form_select
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
    if closed:  # the row now holds what this update wrote: no need to read it back
        for name, value in (("status", status), ("open_marker", None), ("submitted_at", at)):
            set_committed_value(attempt, name, value)
        _score(attempt, by)
    else:
        db.session.refresh(attempt)


def internal_answer(attempt: Attempt, item: AttemptItem) -> Any:
    return _internal(
        item.version.content, f"{attempt.seed}:{item.position}", item.response.answer if item.response else None
    )


# Scoring reads the form in one statement of plain rows (no ORM objects: a 74-item form cost more to load
# than to score), the content from item_content, and writes every item's credit in one executemany.
_FORM_ROWS = form_select(
    AttemptItem.id.label("attempt_item_id"),
    AttemptItem.position,
    AttemptItem.scored,
    ItemVersion.id.label("version_id"),
    ItemVersion.content_hash,
    ItemVersion.competency_code,
    ItemVersion.version,
    Item.ref,
    Response.answer,
)
_ITEMS = AttemptItem.__table__
_CREDIT = _ITEMS.update().where(_ITEMS.c.id == bindparam("the_item")).values(credit=bindparam("the_credit"))


def _score(attempt: Attempt, by: str) -> None:
    connection = db.session.connection()
    rows = connection.execute(_FORM_ROWS, {"the_attempt": attempt.id}).all()
    content = contents((row.version_id, row.content_hash) for row in rows)
    credits = {
        row.attempt_item_id: score_item(
            content[row.content_hash],
            _internal(content[row.content_hash], f"{attempt.seed}:{row.position}", row.answer),
        )
        for row in rows
    }
    connection.execute(_CREDIT, [{"the_item": item_id, "the_credit": c} for item_id, c in credits.items()])
    for item_id, credit in credits.items():  # items this session already holds see the new credit
        held = db.session.identity_map.get(identity_key(AttemptItem, item_id))
        if held is not None:
            set_committed_value(held, "credit", credit)
    result = _result(attempt, [ItemScore(r.competency_code, credits[r.attempt_item_id], r.scored) for r in rows])
    form = [row.version_id for row in rows if row.scored]
    decision = decisions.decide(result, form, equating.rule_in_force(attempt.cut_score_id))
    db.session.add(AttemptScore(attempt_id=attempt.id, finalised_by=by, **score_columns(result, decision)))
    attempt.status = "scored"
    db.session.flush()
    audited = [
        score_audit.item_record(
            r.position, r.ref, r.version, content[r.content_hash], r.scored, credits[r.attempt_item_id]
        )
        for r in rows
    ]
    score_audit.record_scored(attempt, by, audited)


def _internal(content: Any, seed: str, stored: Any) -> Any:
    if stored is None:
        return None
    try:
        return to_internal(content, present(content, seed), stored)
    except ItemError:
        return None


def _result(attempt: Attempt, scores: list[ItemScore]) -> AttemptResult:
    assessment = attempt.assessment
    return score_attempt(
        scores,
        cut_percent=attempt.cut_score.percent,
        mastery_percent=assessment.mastery,
        competency_order=[cell["competency"] for cell in assessment.blueprint],
    )


def result_from_credits(attempt: Attempt, credits: dict[int, float]) -> AttemptResult:
    """Total, per-competency results and the pass decision for given item credits (by attempt item id)."""
    return _result(
        attempt, [ItemScore(i.version.competency_code, credits.get(i.id) or 0.0, i.scored) for i in attempt.items]
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
