"""Outcome plans, follow-ups and sponsor responses written straight to the models, for the evidence tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from certify.extensions import db
from certify.outcomes.models import FollowUp, OutcomePlan, SponsorResponse

SPONSOR_NAME = "Priya Ramaswamy"
SPONSOR_EMAIL = "priya.ramaswamy@harbourtelecom.example"


def add_plan(
    app: Flask,
    certificate_id: int,
    holder_id: int,
    *,
    consent: bool = True,
    metric: str = "first-contact resolution",
    unit: str = "%",
    direction: str = "increase",
    baseline: float = 61,
    target: float = 72,
) -> int:
    """An outcome plan for the certificate (a contact centre's first-contact resolution by default)."""
    with app.app_context():
        plan = OutcomePlan(
            certificate_id=certificate_id,
            holder_id=holder_id,
            metric=metric,
            unit=unit,
            direction=direction,
            baseline=baseline,
            target=target,
            expected_by=date(2027, 6, 30),
            sponsor_name=SPONSOR_NAME,
            sponsor_email=SPONSOR_EMAIL,
            objectives=["Resolve billing queries on the first call using the decision guide"],
            consent_public=consent,
        )
        db.session.add(plan)
        db.session.commit()
        return plan.id


def add_followup(
    app: Flask,
    plan_id: int,
    months: int,
    *,
    holder_value: float | None = None,
    decision: str | None = None,
    value: float | None = None,
    responded_at: datetime | None = None,
) -> int:
    """A follow-up at `months`, with the holder's report and the sponsor's response when given."""
    with app.app_context():
        plan = db.session.get(OutcomePlan, plan_id)
        assert plan is not None
        moment = responded_at or datetime(2027, 6, 14, 10, 0, tzinfo=UTC)
        followup = FollowUp(
            plan_id=plan_id,
            months=months,
            due_at=moment - timedelta(days=7),
            holder_value=holder_value,
            implemented="Rolled out the billing decision guide to both shifts." if holder_value is not None else "",
            reported_at=moment - timedelta(days=3) if holder_value is not None else None,
        )
        db.session.add(followup)
        db.session.flush()
        if decision is not None:
            db.session.add(
                SponsorResponse(
                    followup_id=followup.id,
                    decision=decision,
                    value=value,
                    behaviour_ratings={"0": 4},
                    comment="Checked against the June queue report.",
                    responded_at=moment,
                )
            )
        db.session.commit()
        return followup.id


def set_consent(app: Flask, plan_id: int, consent: bool) -> None:
    with app.app_context():
        plan = db.session.get(OutcomePlan, plan_id)
        assert plan is not None
        plan.consent_public = consent
        db.session.commit()


def plan_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(OutcomePlan.id).order_by(OutcomePlan.id)))
