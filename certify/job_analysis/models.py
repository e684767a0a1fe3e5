"""Job-task analysis studies: tasks grouped by competency, invited raters (SMEs) and their ratings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db

STATUSES = ("draft", "open", "closed")


class JtaStudy(db.Model):
    """A study of one assessment's job: drafted (tasks and raters), open for ratings, then closed."""

    __tablename__ = "jta_studies"
    __table_args__ = (one_of("status", STATUSES, "status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    adopted_version_id: Mapped[int | None] = mapped_column(ForeignKey("blueprint_versions.id"))

    tasks: Mapped[list[JtaTask]] = relationship(
        back_populates="study", cascade="all, delete-orphan", order_by="(JtaTask.position, JtaTask.id)"
    )
    raters: Mapped[list[JtaRater]] = relationship(back_populates="study", cascade="all, delete-orphan")


class JtaTask(db.Model):
    __tablename__ = "jta_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("jta_studies.id", ondelete="CASCADE"), index=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    statement: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    study: Mapped[JtaStudy] = relationship(back_populates="tasks")


class JtaRater(db.Model):
    """An invited subject-matter expert; `submitted_at` is set once they have rated every task."""

    __tablename__ = "jta_raters"

    study_id: Mapped[int] = mapped_column(ForeignKey("jta_studies.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    study: Mapped[JtaStudy] = relationship(back_populates="raters")


class JtaRating(db.Model):
    """One rater's three 1-5 ratings of one task."""

    __tablename__ = "jta_ratings"
    __table_args__ = (
        UniqueConstraint("user_id", "task_id", name="uq_jta_ratings_rater_task"),
        CheckConstraint("importance BETWEEN 1 AND 5", name="importance_range"),
        CheckConstraint("frequency BETWEEN 1 AND 5", name="frequency_range"),
        CheckConstraint("criticality BETWEEN 1 AND 5", name="criticality_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("jta_studies.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("jta_tasks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    importance: Mapped[int]
    frequency: Mapped[int]
    criticality: Mapped[int]
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
