"""Attested outcomes as continuing-development evidence for renewal.

A holder may add the sponsor-attested outcome of one of their outcome plans to their development log: once
per plan, dated the day the sponsor attested it, worth CERTIFY_RECERTIFICATION_OUTCOME_POINTS (10 by
default: a quarter of the 40 points the renewal rule asks over three years, for designing a solution that
a sponsor confirmed moved a business measure). Only a value whose latest sponsor response is an attestation
counts, never a dispute or the holder's own report. Consent to publish does not matter here: the log is
private, and an admin reviews it with the rest of the renewal evidence, as for any activity.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from certify.audit import services as audit
from certify.auth.models import User
from certify.certificates.issuing import CertificateError
from certify.certificates.models import DevelopmentActivity
from certify.extensions import db
from certify.outcomes.evidence import AttestedOutcome, attested_outcomes_of

KIND = "attested_outcome"


def outcome_points() -> int:
    return int(current_app.config.get("RECERTIFICATION_OUTCOME_POINTS", 10))


def creditable_outcomes(holder: User) -> list[AttestedOutcome]:
    """The holder's attested outcomes not yet in their development log."""
    logged = set(
        db.session.scalars(
            select(DevelopmentActivity.outcome_plan_id).where(
                DevelopmentActivity.user_id == holder.id, DevelopmentActivity.outcome_plan_id.is_not(None)
            )
        )
    )
    return [outcome for outcome in attested_outcomes_of(holder.id) if outcome.plan_id not in logged]


def log_attested_outcome(holder: User, plan_id: object, now: datetime) -> DevelopmentActivity:
    """Add the attested outcome of the holder's plan `plan_id` to their development log (flushes)."""
    outcome = next((o for o in creditable_outcomes(holder) if o.plan_id == plan_id), None)
    if outcome is None:
        raise CertificateError(
            "Choose one of your sponsor-attested outcomes that is not in your log yet. A value your sponsor "
            "disputed, or has not yet confirmed, cannot count.",
            409,
        )
    day = min(outcome.attested_on, now.date())
    activity = DevelopmentActivity(
        user_id=holder.id,
        title=outcome.sentence[:200],
        activity_on=day,
        points=outcome_points(),
        kind=KIND,
        outcome_plan_id=outcome.plan_id,
    )
    db.session.add(activity)
    db.session.flush()
    audit.record(
        holder,
        "certificate.development_outcome_logged",
        "development_activity",
        activity.id,
        after={"plan": outcome.plan_id, "follow_up": outcome.followup_id, "points": activity.points},
    )
    return activity
