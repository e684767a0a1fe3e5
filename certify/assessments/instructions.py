"""What a candidate reads before an exam: its blueprint, their time, attempts left and accommodations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from certify.assessments.attempt_models import Accommodation, Attempt
from certify.assessments.attempts import grace
from certify.assessments.models import Assessment
from certify.assessments.services import competencies, pilots_per_form
from certify.assessments.starting import Availability, availability, deadline_for
from certify.auth.models import User
from certify.extensions import db


@dataclass(frozen=True)
class BlueprintRow:
    code: str
    title: str
    items: int


@dataclass(frozen=True)
class Briefing:
    """Everything the instructions page states before an attempt is created."""

    assessment: Assessment
    state: Availability
    blueprint: list[BlueprintRow]
    pilots: int  # unscored pilot items mixed into the form
    minutes: int  # the exam's own limit
    your_minutes: int  # with the candidate's accommodation and the availability window applied
    attempt_number: int
    attempts_left_after: int | None  # None: unlimited
    accommodation: Accommodation | None
    grace_seconds: int


def blueprint_rows(assessment: Assessment, titles: dict[str, str] | None = None) -> list[BlueprintRow]:
    """Items per competency in blueprint order (Bloom levels added up)."""
    titles = titles if titles is not None else competency_titles()
    counts: dict[str, int] = {}
    for cell in assessment.blueprint:
        counts[cell["competency"]] = counts.get(cell["competency"], 0) + int(cell["count"])
    return [BlueprintRow(code, titles.get(code, code), count) for code, count in counts.items()]


def competency_titles() -> dict[str, str]:
    return {c.code: c.title for c in competencies()}


def attempts_used(user: User, assessment: Assessment) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where(Attempt.user_id == user.id, Attempt.assessment_id == assessment.id)
        )
        or 0
    )


def briefing(user: User, assessment: Assessment, now: datetime) -> Briefing:
    """The instructions for `user` about to start `assessment` now."""
    accommodation = db.session.get(Accommodation, user.id)
    multiplier = float(accommodation.time_multiplier) if accommodation else 1.0
    your_deadline = deadline_for(assessment, now, multiplier)
    used = attempts_used(user, assessment)
    left = None if assessment.max_attempts is None else max(0, assessment.max_attempts - used - 1)
    return Briefing(
        assessment=assessment,
        state=availability(user, assessment, now),
        blueprint=blueprint_rows(assessment),
        pilots=pilots_per_form(assessment),
        minutes=assessment.time_limit_minutes,
        your_minutes=max(0, int((your_deadline - now) / timedelta(minutes=1))),
        attempt_number=used + 1,
        attempts_left_after=left,
        accommodation=accommodation if accommodation and (multiplier > 1 or accommodation.notes) else None,
        grace_seconds=int(grace().total_seconds()),
    )
