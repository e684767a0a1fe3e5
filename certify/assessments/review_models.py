"""Review records of item versions: who reviewed, approved or sent back each version, and what they said."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.assessments.models import ItemVersion
from certify.auth.models import User
from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db

# Stored as plain words (the check constraint takes no spaces); shown as "changes requested".
DECISIONS = ("reviewed", "approved", "changes_requested")


class ItemReview(db.Model):
    """One decision on one item version; a version's records read in order are its review history."""

    __tablename__ = "item_reviews"
    __table_args__ = (one_of("decision", DECISIONS, "decision_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    version: Mapped[ItemVersion] = relationship()
    reviewer: Mapped[User] = relationship()

    @property
    def decision_label(self) -> str:
        return self.decision.replace("_", " ")
