"""The rubric and its anchor portfolios, allocations, reviews and resolutions, conflicts, calibration and appeals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db


class Rubric(db.Model):
    __tablename__ = "rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    pass_min_level: Mapped[int] = mapped_column(default=3)
    level_names: Mapped[dict[str, Any]] = mapped_column(JSON)

    criteria: Mapped[list[RubricCriterion]] = relationship(back_populates="rubric", order_by="RubricCriterion.position")


class RubricCriterion(db.Model):
    __tablename__ = "rubric_criteria"
    __table_args__ = (UniqueConstraint("rubric_id", "code", name="uq_rubric_criteria_rubric_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    title: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")
    descriptors: Mapped[dict[str, Any]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")


class AnchorPortfolio(db.Model):
    """A calibration portfolio with the certification committee's reference levels."""

    __tablename__ = "anchor_portfolios"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    reference_levels: Mapped[dict[str, Any]] = mapped_column(JSON)
    justification: Mapped[dict[str, Any]] = mapped_column(JSON)


ALLOCATION_ROLES = ("first", "second", "adjudicator", "appeal")


class Allocation(db.Model):
    """An assessor's assignment to a portfolio version; the lock keeps two people from overwriting each other."""

    __tablename__ = "allocations"
    __table_args__ = (
        UniqueConstraint("version_id", "assessor_id", name="uq_allocations_version_assessor"),
        one_of("role", ALLOCATION_ROLES, "role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("portfolio_versions.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default="allocated")  # allocated | submitted | withdrawn
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lock_token: Mapped[str | None] = mapped_column(String(64))
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    review: Mapped[Review | None] = relationship(back_populates="allocation", uselist=False)


class Review(db.Model):
    __tablename__ = "reviews"

    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id", ondelete="CASCADE"), primary_key=True)
    levels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comments: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    allocation: Mapped[Allocation] = relationship(back_populates="review")


class Resolution(db.Model):
    """The final levels of a version and the rule that produced them."""

    __tablename__ = "resolutions"

    version_id: Mapped[int] = mapped_column(ForeignKey("portfolio_versions.id", ondelete="CASCADE"), primary_key=True)
    final_levels: Mapped[dict[str, Any]] = mapped_column(JSON)
    passed: Mapped[bool]
    rule: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConflictOfInterest(db.Model):
    """An assessor who must never be allocated this candidate (declared, or recorded as their trainer)."""

    __tablename__ = "conflicts_of_interest"

    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConflictDeclaration(db.Model):
    """An email address an assessor declared a conflict with, kept whether or not it has an account.

    Allocation matches it against candidates' addresses, so a declaration made before the person
    registers still holds; the declaring assessor only ever sees the address they typed.
    """

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("assessor_id", "email", name="uq_conflict_declarations_assessor_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CalibrationAttempt(db.Model):
    __tablename__ = "calibration_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)  # anchor slug -> {criterion: level}
    share: Mapped[float]
    calibrated: Mapped[bool]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


APPEAL_STATES = ("lodged", "in_review", "upheld", "dismissed")


class Appeal(db.Model):
    """A candidate's appeal against a portfolio decision, re-marked by a fresh assessor."""

    __tablename__ = "appeals"
    __table_args__ = (one_of("status", APPEAL_STATES, "status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("portfolio_versions.id", ondelete="CASCADE"), unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="lodged")
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id", ondelete="SET NULL"))
    original_levels: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    original_passed: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
