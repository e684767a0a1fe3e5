"""What the runner's question page needs, in one statement: the busiest page of an exam window.

A candidate reads every question on its own page, so the page is read as often as answers are saved. It
used to load the attempt item, its version, its response, the attempt's every item (to count them) and the
assessment, one lazy load after another, and the write of `first_seen_at` before rendering expired them all,
so they were read again. Here one statement returns the position's row with the form's length and the
exam's title, the content comes from `item_content` by its hash, and `first_seen_at` is one conditional
update issued after the page is rendered (on SQLite, the write lock is then held for that update alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.orm import aliased

from certify.assessments.attempt_models import Attempt, AttemptItem, Response
from certify.assessments.attempts import AttemptRefused
from certify.assessments.item_content import content_of
from certify.assessments.models import Assessment, ItemVersion
from certify.core.delivery import Presentation, present
from certify.extensions import db


@dataclass(frozen=True)
class SavedAnswer:
    answer: Any
    seq: int
    saved_at: datetime | None


@dataclass(frozen=True)
class Question:
    """One position of an attempt as its page shows it (the template reads `item.position`, `item.flagged`,
    `item.response.saved_at`)."""

    attempt_item_id: int
    position: int
    flagged: bool
    first_seen_at: datetime | None
    response: SavedAnswer | None
    total: int  # questions on the form
    title: str  # the exam's
    content: Mapping[str, Any]
    shown: Presentation

    @property
    def stored_answer(self) -> Any:
        return self.response.answer if self.response else None

    @property
    def next_seq(self) -> int:
        return (self.response.seq if self.response else 0) + 1


_Counted = aliased(AttemptItem)
_QUESTION = (
    select(
        AttemptItem.id,
        AttemptItem.position,
        AttemptItem.flagged,
        AttemptItem.first_seen_at,
        ItemVersion.id,
        ItemVersion.content_hash,
        Response.attempt_item_id,
        Response.answer,
        Response.seq,
        Response.saved_at,
        select(func.count(_Counted.id)).where(_Counted.attempt_id == bindparam("the_attempt")).scalar_subquery(),
        Assessment.title,
    )
    .select_from(AttemptItem)
    .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
    .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
    .join(Attempt, Attempt.id == AttemptItem.attempt_id)
    .join(Assessment, Assessment.id == Attempt.assessment_id)
    .where(AttemptItem.attempt_id == bindparam("the_attempt"), AttemptItem.position == bindparam("the_position"))
)
_SEEN = (
    update(AttemptItem)
    .where(and_(AttemptItem.id == bindparam("the_item"), AttemptItem.first_seen_at.is_(None)))
    .values(first_seen_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)


def question(attempt: Attempt, position: int) -> Question:
    """The attempt's question at `position` (the caller has checked the attempt is the user's); 404 if none."""
    row = db.session.connection().execute(_QUESTION, {"the_attempt": attempt.id, "the_position": position}).first()
    if row is None:
        raise AttemptRefused(f"This attempt has no question {position}.", 404)
    (item_id, at, flagged, first_seen, version_id, digest, responded, answer, seq, saved_at, total, title) = row
    content = content_of(version_id, digest)
    return Question(
        attempt_item_id=item_id,
        position=at,
        flagged=bool(flagged),
        first_seen_at=first_seen,
        response=SavedAnswer(answer, seq or 0, saved_at) if responded is not None else None,
        total=int(total),
        title=title,
        content=content,
        shown=present(content, f"{attempt.seed}:{at}"),
    )


def mark_seen(shown: Question, now: datetime) -> None:
    """Time on item runs from the first view to the last saved answer: record the first view, once."""
    if shown.first_seen_at is None:
        db.session.connection().execute(_SEEN, {"the_item": shown.attempt_item_id, "now": now})


@dataclass(frozen=True)
class Place:
    """One question of the form as the overview and the review page list it."""

    position: int
    flagged: bool
    answered: bool


_PLACES = (
    select(AttemptItem.position, AttemptItem.flagged, Response.answer)
    .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
    .where(AttemptItem.attempt_id == bindparam("the_attempt"))
    .order_by(AttemptItem.position)
)


def places(attempt: Attempt) -> list[Place]:
    """Every question of the attempt, answered or not and flagged or not: one statement, no ORM objects."""
    rows = db.session.connection().execute(_PLACES, {"the_attempt": attempt.id})
    return [Place(position, bool(flagged), answer is not None) for position, flagged, answer in rows]
