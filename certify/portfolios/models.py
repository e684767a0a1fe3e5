"""A candidate's portfolio: an autosaved draft, evidence files, and immutable submitted versions."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db

VERSION_STATES = ("awaiting_review", "in_review", "adjudication", "resolved")
# No 0/O, 1/I/L or U: a reference read aloud or copied by hand stays unambiguous.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    """A random reference for a submitted version (`P-` and 8 characters, about 39 bits): nothing derives it."""
    return "P-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


class Portfolio(db.Model):
    __tablename__ = "portfolios"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    draft_sections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # criterion code -> Markdown
    draft_seq: Mapped[int] = mapped_column(default=0)
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The structured outcome plan as typed (field -> text), kept even when not valid yet
    draft_outcome_plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    versions: Mapped[list[PortfolioVersion]] = relationship(
        back_populates="portfolio", order_by="PortfolioVersion.number"
    )
    attachments: Mapped[list[Attachment]] = relationship(back_populates="portfolio", order_by="Attachment.id")


class PortfolioVersion(db.Model):
    """What the candidate submitted; never edited afterwards (a resubmission is a new version)."""

    __tablename__ = "portfolio_versions"
    __table_args__ = (
        UniqueConstraint("portfolio_id", "number", name="uq_portfolio_versions_portfolio_number"),
        one_of("state", VERSION_STATES, "state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    # What assessors, admins and the candidate call this version; random, so it reveals nothing.
    reference: Mapped[str] = mapped_column(String(12), unique=True, default=new_reference)
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    sections_html: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # sanitised when frozen
    attachment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The checked outcome plan (certify.portfolios.outcome_plan.PLAN_FIELDS), or None when none was written
    outcome_plan: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default="awaiting_review")

    portfolio: Mapped[Portfolio] = relationship(back_populates="versions")


class Attachment(db.Model):
    """An evidence file; its bytes are a blob. Assessors only ever see its generic label."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(ForeignKey("portfolios.id", ondelete="CASCADE"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    # The copy assessors download, identifying metadata removed (certify.security.scrub);
    # the candidate keeps the original.
    blind_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    kind: Mapped[str] = mapped_column(String(10))
    safe_name: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    criterion: Mapped[str] = mapped_column(String(64), default="")
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed: Mapped[bool] = mapped_column(default=False)

    portfolio: Mapped[Portfolio] = relationship(back_populates="attachments")
