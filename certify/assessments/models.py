"""Competencies, banks, items with immutable versions, assessments, their cut-score versions and equating rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.auth.models import User
from certify.core.assessment_spec import launch_blocker
from certify.core.imports import needs_rationale
from certify.core.items import STATUSES
from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db


class Competency(db.Model):
    __tablename__ = "competencies"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class Bank(db.Model):
    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(20), default="certification")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    items: Mapped[list[Item]] = relationship(back_populates="bank")


class Item(db.Model):
    """An item's identity; what it says lives in its versions, which never change."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"), index=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    bank: Mapped[Bank] = relationship(back_populates="items")
    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", order_by="ItemVersion.version", cascade="all"
    )

    def current(self) -> ItemVersion:
        """The version `current_version` numbers: the one new attempts draw and exports write."""
        return next(v for v in self.versions if v.version == self.current_version)


class ItemVersion(db.Model):
    __tablename__ = "item_versions"
    __table_args__ = (
        UniqueConstraint("item_id", "version", name="uq_item_versions_item_version"),
        Index("ix_item_versions_pool", "competency_code", "status", "bloom"),
        one_of("status", STATUSES, "status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(30))
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"))
    bloom: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10))
    stem: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(300), default="")
    # Who wrote this version: the user who imported or created it; None for the command line (and the seed).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[Item] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()

    @property
    def written_by(self) -> str:
        """Who wrote this version, in words: the author's name, or the file the command line imported it from."""
        if self.author is not None:
            return self.author.name
        return f"imported from {self.source or 'a bank file'} by the command line"

    @property
    def rationale_text(self) -> str:
        return str((self.content or {}).get("rationale", ""))

    @property
    def needs_rationale(self) -> bool:
        """Imported without a rationale: the item cannot move on from draft until one is written."""
        return needs_rationale(self.rationale_text)


# The same pairing in SQL: join items to their current versions with `.join(Item, AT_CURRENT_VERSION)`.
AT_CURRENT_VERSION = (ItemVersion.item_id == Item.id) & (ItemVersion.version == Item.current_version)


class ItemMedia(db.Model):
    """A file an item shows (an image in a stem or an option), kept as a blob; only these are served as media."""

    __tablename__ = "item_media"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assessment(db.Model):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))
    time_limit_minutes: Mapped[int]
    max_attempts: Mapped[int | None]
    cooldown_days: Mapped[int] = mapped_column(default=0)
    requires_course_completion: Mapped[bool] = mapped_column(default=False)
    review_policy: Mapped[str] = mapped_column(String(30))
    pilot_items: Mapped[int] = mapped_column(default=0)
    # An optional window: attempts start inside it, and no deadline runs past its end.
    available_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    available_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    banks: Mapped[list[str]] = mapped_column(JSON)
    blueprint: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    mastery: Mapped[dict[str, float]] = mapped_column(JSON)
    # Form assembly settings (core.assessment_spec.AssemblySettings.as_dict); {} means the defaults.
    assembly: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    spec_hash: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cut_scores: Mapped[list[CutScore]] = relationship(back_populates="assessment", order_by="CutScore.version")

    @property
    def item_count(self) -> int:
        return sum(int(cell["count"]) for cell in self.blueprint)

    @property
    def cut_score(self) -> CutScore | None:
        return self.cut_scores[-1] if self.cut_scores else None

    @property
    def launch_blocker(self) -> str | None:
        """Why candidates cannot start this exam yet whatever their own standing (a placeholder cut); or None."""
        cut = self.cut_score
        return launch_blocker(self.kind, cut.method if cut else None)


class CutScore(db.Model):
    """A cut-score version: adopting a new one never rewrites earlier ones."""

    __tablename__ = "cut_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "version", name="uq_cut_scores_assessment_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    version: Mapped[int]
    method: Mapped[str] = mapped_column(String(30))
    percent: Mapped[float]
    rationale: Mapped[str] = mapped_column(Text, default="")
    panel: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assessment: Mapped[Assessment] = relationship(back_populates="cut_scores")


class CutEquating(db.Model):
    """A cut-score version placed on one IRT calibration's ability scale: the rule equated decisions rest on.

    Made when a calibration is stored or a cut adopted (equating.py), never changed afterwards; results record
    which rule decided them. `theta_cut` is the cut-level ability on the blueprint's expected form
    (`reference_items` calibrated live items); `parameters` keeps the calibration's item parameters that the
    rule may use, {item version id: [a, [step thresholds]]}, so every decision can be recomputed from this row.
    """

    __tablename__ = "cut_equatings"
    __table_args__ = (
        UniqueConstraint("cut_score_id", "calibration_id", name="uq_cut_equatings_cut_score_calibration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cut_score_id: Mapped[int] = mapped_column(ForeignKey("cut_scores.id"), index=True)
    calibration_id: Mapped[int]  # the irt_calibrations row (reports) its parameters were copied from
    model: Mapped[str] = mapped_column(String(10))
    attempts_used: Mapped[int]
    theta_cut: Mapped[float]
    reference_items: Mapped[int]
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cut_score: Mapped[CutScore] = relationship()
