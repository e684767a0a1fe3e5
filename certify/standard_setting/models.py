"""Modified-Angoff standard-setting studies: the study, its panel and each panellist's ratings per round."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db

STUDY_STATES = ("round1", "round2", "closed", "adopted")


class AngoffStudy(db.Model):
    """A modified-Angoff study of one assessment's items, in two rounds, by an invited panel."""

    __tablename__ = "angoff_studies"
    __table_args__ = (one_of("state", STUDY_STATES, "state_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), default="round1")
    item_version_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    adopted_cut_score_id: Mapped[int | None] = mapped_column(ForeignKey("cut_scores.id"))

    panellists: Mapped[list[AngoffPanellist]] = relationship(back_populates="study", cascade="all, delete-orphan")


class AngoffPanellist(db.Model):
    __tablename__ = "angoff_panellists"

    study_id: Mapped[int] = mapped_column(ForeignKey("angoff_studies.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Hofstee judgements (percent): the lowest and highest acceptable cut, and fail rate.
    hofstee: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    study: Mapped[AngoffStudy] = relationship(back_populates="panellists")


class AngoffRating(db.Model):
    """One panellist's estimate, in one round, that a minimally competent candidate answers an item correctly."""

    __tablename__ = "angoff_ratings"
    __table_args__ = (
        UniqueConstraint("study_id", "user_id", "round", "item_version_id", name="uq_angoff_ratings_one"),
        CheckConstraint("rating >= 0 AND rating <= 1", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("angoff_studies.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    round: Mapped[int]
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"))
    rating: Mapped[float]
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
