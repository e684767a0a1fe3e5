"""Versions of an assessment's blueprint: what the file gave, and each blueprint adopted from a job-task analysis."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db

SOURCES = ("file", "job_analysis")


class BlueprintVersion(db.Model):
    """One adopted blueprint of an assessment; the newest is the one `Assessment.blueprint` holds.

    `source` is "file" for the blueprint as loaded before the first adoption (kept as version 1 so
    the history starts from it) and "job_analysis" for a blueprint adopted from a study, whose id is
    `source_study_id` (a `jta_studies` row; no foreign key, so this feature does not depend on that one).
    """

    __tablename__ = "blueprint_versions"
    __table_args__ = (
        UniqueConstraint("assessment_id", "version", name="uq_blueprint_versions_assessment_version"),
        one_of("source", SOURCES, "source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    version: Mapped[int]
    cells: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(20))
    source_study_id: Mapped[int | None]
    rationale: Mapped[str] = mapped_column(Text, default="")
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
