"""Starting an exam: who may start, when, and drawing the form from the blueprint."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, insert, literal, select
from sqlalchemy.exc import IntegrityError

from certify.assessments.attempt_models import Attempt, AttemptItem, Response
from certify.assessments.attempts import AttemptRefused, finalise_if_overdue, is_overdue, multiplier_for, open_attempt
from certify.assessments.exam_pool import ExamPool, blueprint_cells, exam_pool
from certify.assessments.models import Assessment, ItemVersion
from certify.assessments.serialise import Header, Placed, attempt_state, state_of
from certify.auth.models import User
from certify.core.assembly import AssemblyError, Slot, assemble, information_at_cut
from certify.core.assessment_spec import AssemblySettings
from certify.course.services import course_completed_at, has_completed_course
from certify.extensions import db


@dataclass(frozen=True)
class Availability:
    can_start: bool
    reason: str
    open_attempt: Attempt | None = None


def availability(user: User, assessment: Assessment, now: datetime) -> Availability:
    """Whether `user` may start (or resume) `assessment` now, and if not, why, in plain words."""
    return _availability(user, assessment, now, open_attempt(user, assessment))[0]


def _availability(
    user: User, assessment: Assessment, now: datetime, current: Attempt | None
) -> tuple[Availability, Sequence[Attempt]]:
    """Availability given the open attempt (`current`), and the user's finished attempts when they were read."""
    if current is not None and not is_overdue(current, now):
        return Availability(True, "You have an attempt in progress; continue it.", current), ()
    if not user.has_role("candidate"):
        return Availability(False, "Only candidates can sit exams."), ()
    if assessment.launch_blocker:
        closed = "This exam is not open yet: its pass mark is still being set by a standard-setting panel."
        return Availability(False, closed), ()
    if assessment.available_from and now < assessment.available_from:
        opens = f"This exam opens on {assessment.available_from.strftime('%d %B %Y, %H:%M')} UTC."
        return Availability(False, opens), ()
    if assessment.available_until and now >= assessment.available_until:
        closed = f"This exam closed on {assessment.available_until.strftime('%d %B %Y, %H:%M')} UTC."
        return Availability(False, closed), ()
    if assessment.requires_course_completion and not has_completed_course(user):
        return Availability(False, "Complete every module of the MID course first."), ()
    if assessment.kind == "diagnostic" and _course_done_by(user, now):
        # A pre-test measures the starting point; taken after the course it would measure nothing.
        too_late = "This pre-test is taken before the course, and you have completed the course already."
        return Availability(False, too_late), ()
    finished = db.session.scalars(
        select(Attempt)
        .where(Attempt.user_id == user.id, Attempt.assessment_id == assessment.id, Attempt.status != "in_progress")
        .order_by(Attempt.number)
    ).all()
    if assessment.max_attempts is not None and len(finished) >= assessment.max_attempts:
        return Availability(False, f"You have used all {assessment.max_attempts} attempts at this exam."), finished
    if finished and assessment.cooldown_days:
        last = max(a.submitted_at or a.deadline for a in finished)
        ready = last + timedelta(days=assessment.cooldown_days)
        if now < ready:
            wait = (
                f"You can try again from {ready.strftime('%d %B %Y, %H:%M')} UTC "
                f"({assessment.cooldown_days} days after your last attempt)."
            )
            return Availability(False, wait), finished
    return Availability(True, ""), finished


def _course_done_by(user: User, now: datetime) -> bool:
    completed = course_completed_at(user)
    return isinstance(completed, datetime) and completed <= now


def deadline_for(assessment: Assessment, started: datetime, multiplier: float) -> datetime:
    """Start + time limit x the candidate's multiplier, never past the end of the availability window."""
    deadline = started + timedelta(minutes=assessment.time_limit_minutes * multiplier)
    if assessment.available_until is not None:
        deadline = min(deadline, assessment.available_until)
    return deadline


def _seen_items(user: User, assessment: Assessment) -> set[int]:
    return set(
        db.session.scalars(
            select(ItemVersion.item_id)
            .join(AttemptItem)
            .join(Attempt)
            .where(Attempt.user_id == user.id, Attempt.assessment_id == assessment.id)
        )
    )


def _check_precision(assessment: Assessment, form: list[Slot], pool: ExamPool, settings: AssemblySettings) -> None:
    """Log a calibrated form whose information at the cut falls short of the target (the item report counts them)."""
    if pool.theta_cut is None:
        return
    information, uncalibrated = information_at_cut(form, pool.items)
    if information < settings.target_information:
        current_app.logger.warning(
            "form for %s: information %.2f at the cut (theta %.2f) is below the target %.2f (CSEM %.2f); "
            "%d scored item(s) without parameters",
            assessment.slug,
            information,
            pool.theta_cut,
            settings.target_information,
            settings.target_csem,
            uncalibrated,
        )


@dataclass(frozen=True)
class Started:
    """A start's outcome: the attempt, and for a new one what its state shows (read before the commit)."""

    attempt: Attempt
    header: Header | None = None  # None: an open attempt was resumed
    placed: list[Placed] = field(default_factory=list)

    def state(self, now: datetime) -> dict[str, Any]:
        """The attempt's state; for a new attempt, from memory, so nothing is read again after the commit."""
        if self.header is None:
            return attempt_state(self.attempt, now)
        return state_of(self.header, self.placed, now)


def start(user: User, assessment: Assessment, now: datetime, *, seed: str | None = None) -> Attempt:
    """Start an attempt, or return the open one (starting twice resumes).

    `seed` (form draw and option order) is random unless given; only generated demo data passes one.
    """
    return begin(user, assessment, now, seed=seed).attempt


def begin(user: User, assessment: Assessment, now: datetime, *, seed: str | None = None) -> Started:
    """`start`, keeping what the new attempt's state needs (see Started)."""
    current = open_attempt(user, assessment)
    if current is not None and not finalise_if_overdue(current, now):
        return Started(current)
    state, finished = _availability(user, assessment, now, None)
    if not state.can_start:
        raise AttemptRefused(state.reason, 403)
    if assessment.cut_score is None:
        raise AttemptRefused("This exam has no cut score yet; ask the certification office.", 409)
    seed = seed or secrets.token_hex(16)
    settings = AssemblySettings.from_dict(assessment.assembly)
    pool = exam_pool(assessment)
    try:
        form = assemble(
            blueprint_cells(assessment),
            pool.items,
            seed=seed,
            seen_item_ids=_seen_items(user, assessment) if finished else set(),
            pilot_count=assessment.pilot_items,
            max_exposure=settings.max_exposure,
        )
    except AssemblyError as exc:
        current_app.logger.error("cannot assemble %s: %s", assessment.slug, exc)
        raise AttemptRefused(
            "This exam cannot be started right now; the certification office has been told.", 503
        ) from None
    _check_precision(assessment, form, pool, settings)
    # No attempt is in progress here (an overdue one was finalised above): the finished ones hold every number
    number = max((a.number for a in finished), default=0) + 1
    multiplier = multiplier_for(user)
    attempt = Attempt(
        user_id=user.id,
        assessment_id=assessment.id,
        number=number,
        seed=seed,
        started_at=now,
        deadline=deadline_for(assessment, now, multiplier),
        time_multiplier=multiplier,
        cut_score_id=assessment.cut_score.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
            _insert_form(attempt.id, form)
    except IntegrityError:  # another request opened one at the same moment: resume it
        existing = open_attempt(user, assessment)
        if existing is None:
            raise
        return Started(existing)
    refs = {i.version_id: i.ref for i in pool.items}
    placed = [Placed(s.position, refs[s.version_id], s.version_id, pool.hashes[s.version_id]) for s in form]
    return Started(attempt, Header.of(attempt), placed)


def _insert_form(attempt_id: int, form: list[Slot]) -> None:
    """The attempt's items and their empty responses: two statements whatever the length of the form."""
    connection = db.session.connection()
    connection.execute(
        _INSERT_ITEMS,
        [
            {"attempt_id": attempt_id, "position": s.position, "item_version_id": s.version_id, "scored": s.scored}
            for s in form
        ],
    )
    connection.execute(_INSERT_RESPONSES, {"the_attempt": attempt_id})


# Built once (Core, not the ORM's bulk insert): a start at 09:00 is one of a thousand.
_INSERT_ITEMS = AttemptItem.__table__.insert().values(flagged=False)
_INSERT_RESPONSES = insert(Response).from_select(
    ["attempt_item_id", "seq"],
    select(AttemptItem.id, literal(0)).where(AttemptItem.attempt_id == bindparam("the_attempt")),
)
