"""Time accommodations: set by an admin, audited, and applied to attempts already in progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from certify.assessments.attempt_models import Accommodation, Attempt
from certify.assessments.starting import deadline_for
from certify.audit import services as audit
from certify.auth.models import User
from certify.extensions import db

MIN_MULTIPLIER, MAX_MULTIPLIER = 1.0, 4.0


class AccommodationError(ValueError):
    pass


def accommodation_for(user: User) -> Accommodation | None:
    return db.session.get(Accommodation, user.id)


def set_accommodation(actor: User, user: User, multiplier: float, notes: str, now: datetime) -> list[Attempt]:
    """Record a time multiplier; attempts in progress get the new deadline. Returns those changed."""
    if not MIN_MULTIPLIER <= multiplier <= MAX_MULTIPLIER:
        raise AccommodationError(f"The time multiplier must be between {MIN_MULTIPLIER:g} and {MAX_MULTIPLIER:g}.")
    row = db.session.get(Accommodation, user.id)
    before = {"time_multiplier": row.time_multiplier, "notes": row.notes} if row else None
    if row is None:
        row = Accommodation(user_id=user.id)
        db.session.add(row)
    row.time_multiplier, row.notes, row.updated_at, row.updated_by_id = multiplier, notes.strip(), now, actor.id
    db.session.flush()
    audit.record(
        actor,
        "accommodation.set",
        "user",
        user.id,
        before=before,
        after={"time_multiplier": multiplier, "notes": row.notes},
    )
    changed = []
    for attempt in db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.status == "in_progress")
    ):
        deadline = deadline_for(attempt.assessment, attempt.started_at, multiplier)
        if deadline != attempt.deadline:
            audit.record(
                actor,
                "attempt.deadline_changed",
                "attempt",
                attempt.id,
                before={"deadline": attempt.deadline.isoformat(), "time_multiplier": attempt.time_multiplier},
                after={"deadline": deadline.isoformat(), "time_multiplier": multiplier},
            )
            attempt.deadline, attempt.time_multiplier = deadline, multiplier
            changed.append(attempt)
    db.session.flush()
    return changed
