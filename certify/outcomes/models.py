"""Outcome evidence for the credential (issue 17): what each holder's design set out to move, and what
happened to it months later, in the holder's words and their sponsor's.

- `OutcomePlan`: recorded when a certificate is issued, from the portfolio's key performance metric (KPM):
  the metric, its unit and direction, baseline and target, when the target is expected, and the sponsor who
  can attest it. The holder decides whether an attested outcome may be shown publicly (`consent_public`).
- `FollowUp`: one per measurement point (3 and 6 months after issue by default): the holder's report of the
  metric's current value, what was implemented and what got in the way.
- `SponsorLink`: a single-use, expiring link emailed to the sponsor for one follow-up (only its hash is kept).
- `SponsorResponse`: the sponsor's attestation of the value with Level-3 ratings of job behaviour against the
  design's objectives, or their dispute. A disputed value never counts as attested.
- `SuccessCase`: a case the Success Case Method proposes for interview (most or least successful) and the
  programme team's findings: what enabled, what blocked, by theme.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.database import UTCDateTime, one_of, utcnow
from certify.extensions import db

DIRECTIONS = ("increase", "decrease")
DECISIONS = ("attested", "disputed")
CASE_KINDS = ("success", "non_success")


class OutcomePlan(db.Model):
    __tablename__ = "outcome_plans"
    __table_args__ = (one_of("direction", DIRECTIONS, "direction_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), unique=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    direction: Mapped[str] = mapped_column(String(10))
    baseline: Mapped[float]
    target: Mapped[float]
    expected_by: Mapped[date] = mapped_column(Date)
    sponsor_name: Mapped[str] = mapped_column(String(120))
    sponsor_email: Mapped[str] = mapped_column(String(254))
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)  # the behaviours the design targets (L3)
    consent_public: Mapped[bool] = mapped_column(default=False)  # an attested outcome may be shown publicly
    consent_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    followups: Mapped[list[FollowUp]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="FollowUp.months"
    )


class FollowUp(db.Model):
    __tablename__ = "outcome_followups"
    __table_args__ = (UniqueConstraint("plan_id", "months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("outcome_plans.id", ondelete="CASCADE"), index=True)
    months: Mapped[int]  # after issue
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    holder_value: Mapped[float | None] = mapped_column()
    implemented: Mapped[str] = mapped_column(Text, default="")
    obstacles: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    holder_reminders: Mapped[int] = mapped_column(default=0)
    holder_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sponsor_requests: Mapped[int] = mapped_column(default=0)
    sponsor_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    plan: Mapped[OutcomePlan] = relationship(back_populates="followups")
    response: Mapped[SponsorResponse | None] = relationship(back_populates="followup", cascade="all, delete-orphan")


class SponsorLink(db.Model):
    __tablename__ = "sponsor_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    followup_id: Mapped[int] = mapped_column(ForeignKey("outcome_followups.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token; the token is emailed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SponsorResponse(db.Model):
    __tablename__ = "sponsor_responses"
    __table_args__ = (one_of("decision", DECISIONS, "decision_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    followup_id: Mapped[int] = mapped_column(ForeignKey("outcome_followups.id", ondelete="CASCADE"), unique=True)
    decision: Mapped[str] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column()  # the value the sponsor attests (None when disputed without one)
    behaviour_ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # objective index -> 1..5
    comment: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    followup: Mapped[FollowUp] = relationship(back_populates="response")


class SuccessCase(db.Model):
    __tablename__ = "success_cases"
    __table_args__ = (one_of("kind", CASE_KINDS, "kind_known"), UniqueConstraint("plan_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("outcome_plans.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    interviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    enablers: Mapped[list[str]] = mapped_column(JSON, default=list)  # themes
    barriers: Mapped[list[str]] = mapped_column(JSON, default=list)  # themes
    notes: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[OutcomePlan] = relationship()
