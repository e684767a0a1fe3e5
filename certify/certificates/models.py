"""Issued certificates, the serial counter, continuing-development activity and renewal requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.auth.models import User
from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db

STATUSES = ("active", "suspended", "revoked")
ACTIVITY_KINDS = ("activity", "attested_outcome")  # logged by the holder; a sponsor-attested outcome
RENEWAL_STATUSES = ("pending", "more_information_requested", "approved", "refused")
STATUS_LIST_SIZE = 131_072  # entries per status list (16 KB of bits), the minimum the spec allows


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        one_of("status", STATUSES, "status_known"),
        UniqueConstraint("status_list", "status_index", name="uq_certificates_status_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(20), unique=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # random, >= 128 bits: the public verification key
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who made the last status change (None: the command line, or before this was recorded).
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"), index=True)
    # The slot in the status lists, set from the id right after insert (hence nullable; unique once set).
    status_list: Mapped[int | None] = mapped_column()
    status_index: Mapped[int | None] = mapped_column()
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    credential: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the signed Open Badges 3.0 credential
    pdf_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    template_version: Mapped[int] = mapped_column(default=0)
    pdf_history: Mapped[list[str]] = mapped_column(JSON, default=list)  # every PDF ever issued for it, by SHA-256
    reminders_sent: Mapped[list[int]] = mapped_column(JSON, default=list)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    status_changed_by: Mapped[User | None] = relationship(foreign_keys=[status_changed_by_id])
    predecessor: Mapped[Certificate | None] = relationship(remote_side=[id])

    def state(self, now: datetime) -> str:
        """active, suspended, revoked or expired (revocation and suspension take precedence over expiry)."""
        if self.status != "active":
            return self.status
        return "expired" if now >= self.expires_at else "active"


class SerialCounter(db.Model):
    """The last serial number used in a year; incremented under the write lock."""

    __tablename__ = "serial_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class DevelopmentActivity(db.Model):
    """Continuing professional development logged by a certificate holder, for renewal.

    An `attested_outcome` activity credits the sponsor-attested outcome of one of the holder's outcome plans
    (at most once per plan); an admin reviews it with the rest of the evidence.
    """

    __tablename__ = "development_activities"
    __table_args__ = (one_of("kind", ACTIVITY_KINDS, "kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    activity_on: Mapped[date] = mapped_column(Date)
    points: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default="activity", server_default="activity")
    outcome_plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("outcome_plans.id", ondelete="SET NULL"), unique=True
    )


class RenewalRequest(db.Model):
    """A holder's request to renew a certificate, with the development activity logged as its evidence.

    An admin approves it (a successor certificate is issued), asks for more (the holder adds activity and
    resubmits) or refuses it. `open_marker` is 1 while the request awaits a decision or more information and
    NULL once decided, so a certificate has at most one open request (the unique constraint guards races).
    """

    __tablename__ = "renewal_requests"
    __table_args__ = (
        one_of("status", RENEWAL_STATUSES, "status_known"),
        UniqueConstraint("certificate_id", "open_marker", name="uq_renewal_requests_one_open"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="pending", index=True)
    open_marker: Mapped[int | None] = mapped_column(default=1)
    # The activities as they stood when (re)submitted: [{title, activity_on, points, kind}], and the rule's verdict.
    activities: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    basis: Mapped[str] = mapped_column(Text, default="")
    holder_note: Mapped[str] = mapped_column(Text, default="")
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    certificate: Mapped[Certificate] = relationship(foreign_keys=[certificate_id])
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    successor: Mapped[Certificate | None] = relationship(foreign_keys=[successor_id])
