"""Report caches and cohorts: the last item analysis of each assessment, and named groups of candidates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.database import UTCDateTime, utcnow
from certify.extensions import db


class AnalysisSnapshot(db.Model):
    """The last item and test analysis of an assessment, and what it was computed from (to know when it is stale)."""

    __tablename__ = "analysis_snapshots"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    scored_attempts: Mapped[int] = mapped_column(default=0)
    latest_scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seconds: Mapped[float] = mapped_column(default=0.0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Cohort(db.Model):
    """A group of candidates (an organisation, an intake) that every report can be filtered by."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[CohortMember]] = relationship(back_populates="cohort", cascade="all, delete-orphan")


class CohortMember(db.Model):
    __tablename__ = "cohort_members"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)

    cohort: Mapped[Cohort] = relationship(back_populates="members")


class IrtCalibration(db.Model):
    """An IRT calibration of an assessment's items (2PL/GPCM or Rasch/PCM), kept with the data it came from.

    `payload` holds one entry per item version: {item_version_id, item_ref, version, model, a, b, steps,
    se_a, se_b, n, infit, outfit, flags}. Made off the request path (`flask analysis calibrate`, `refresh`).
    """

    __tablename__ = "irt_calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    model: Mapped[str] = mapped_column(String(10))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts_used: Mapped[int] = mapped_column(default=0)
    first_attempts_only: Mapped[bool] = mapped_column(default=True)
    converged: Mapped[bool] = mapped_column(default=False)
    ability_sd: Mapped[float] = mapped_column(default=1.0)
    log_likelihood: Mapped[float] = mapped_column(default=0.0)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
