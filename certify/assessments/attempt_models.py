"""Attempts, their items and responses, and time accommodations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.assessments.models import Assessment, CutScore, ItemVersion
from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db

ATTEMPT_STATUSES = ("in_progress", "submitted", "expired", "scored")
# Which cut decided the total: the cut-score percent as it stands, or its equated cut on the drawn form.
DECISION_RULES = ("raw", "equated")


class Accommodation(db.Model):
    """Extra time (and notes) an admin grants a candidate; applies to attempts in progress too."""

    __tablename__ = "accommodations"
    __table_args__ = (CheckConstraint("time_multiplier >= 1 AND time_multiplier <= 4", name="multiplier_range"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    time_multiplier: Mapped[float] = mapped_column(default=1.0)
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "assessment_id", "number", name="uq_attempts_user_assessment_number"),
        # At most one open attempt per person and assessment: the marker is 1 while open and NULL
        # afterwards, and NULLs never collide in a unique constraint (SQLite and PostgreSQL alike).
        UniqueConstraint("user_id", "assessment_id", "open_marker", name="uq_attempts_one_open"),
        one_of("status", ATTEMPT_STATUSES, "status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    number: Mapped[int]
    open_marker: Mapped[int | None] = mapped_column(default=1)
    seed: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    time_multiplier: Mapped[float] = mapped_column(default=1.0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cut_score_id: Mapped[int] = mapped_column(ForeignKey("cut_scores.id"))

    assessment: Mapped[Assessment] = relationship()
    cut_score: Mapped[CutScore] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(back_populates="attempt", order_by="AttemptItem.position")
    score: Mapped[AttemptScore | None] = relationship(back_populates="attempt", uselist=False)


class AttemptItem(db.Model):
    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_attempt_items_attempt_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"), index=True)
    scored: Mapped[bool] = mapped_column(default=True)
    flagged: Mapped[bool] = mapped_column(default=False)
    credit: Mapped[float | None]
    first_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # for time on item

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[ItemVersion] = relationship()
    response: Mapped[Response] = relationship(back_populates="attempt_item", uselist=False)


class Response(db.Model):
    """The latest acknowledged answer to one attempt item; `seq` only ever grows."""

    __tablename__ = "responses"

    attempt_item_id: Mapped[int] = mapped_column(ForeignKey("attempt_items.id", ondelete="CASCADE"), primary_key=True)
    answer: Mapped[Any] = mapped_column(JSON, nullable=True)
    seq: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attempt_item: Mapped[AttemptItem] = relationship(back_populates="response")


class AttemptScore(db.Model):
    """The result of scoring an attempt; the primary key makes scoring happen once.

    `cut_percent` and `cut_points` are the pass mark this form was held to: the cut-score version's percent
    under the raw rule, its equated cut under the equated rule (`cut_equating_id`, with the ability `theta`
    and the scaled score). `decision_note` says why the raw rule decided when equating was not possible.
    """

    __tablename__ = "attempt_scores"
    __table_args__ = (one_of("decision_rule", DECISION_RULES, "decision_rule_known"),)

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    points: Mapped[float]
    max_points: Mapped[float]
    percent: Mapped[float]
    cut_percent: Mapped[float]
    passed: Mapped[bool]
    competencies: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finalised_by: Mapped[str] = mapped_column(String(20), default="candidate")  # candidate | deadline | regrade
    decision_rule: Mapped[str] = mapped_column(String(10), default="raw", server_default="raw")
    cut_points: Mapped[float | None]
    cut_equating_id: Mapped[int | None] = mapped_column(ForeignKey("cut_equatings.id"), index=True)
    theta: Mapped[float | None]
    scaled_score: Mapped[int | None]
    decision_note: Mapped[str | None] = mapped_column(String(300))

    attempt: Mapped[Attempt] = relationship(back_populates="score")
