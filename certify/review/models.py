"""The portfolio rubric as loaded from question_banks/rubrics."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
