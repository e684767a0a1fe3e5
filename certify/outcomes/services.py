"""The outcomes feature's public surface: what other features (certificates, reports, evidence) call.

- `record_plan(certificate, holder, now)`: at issue, the plan from the holder's latest submitted portfolio version.
- `add_plan(holder, certificate_id, raw, now)`: a holder whose portfolio had no structured plan adds one later.
- `plans_of(holder)`, `plan_of(holder, plan_id)`, `followup_of(holder, followup_id)`: the holder's own rows only.
- `followup_state(followup, now)`: "upcoming", "due", "awaiting_sponsor", "attested" or "disputed".
- `latest_response(plan)`: the plan's latest sponsor response (attested or disputed), or None.
- `plan_outcome(plan)`: the latest follow-up whose sponsor response is attested (the plan's outcome), or None.
- `attested_value(followup)`: the sponsor-attested value, or None (a dispute or a holder-only report is never one).
- `set_consent(holder, plan, consent, now)`: the holder's choice to show an attested outcome publicly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from certify.audit import services as audit
from certify.auth.models import User
from certify.certificates.models import Certificate
from certify.core.outcome_plan import add_months, check_plan
from certify.extensions import db
from certify.outcomes.models import FollowUp, OutcomePlan, SponsorResponse
from certify.portfolios import services as portfolios

STATES = ("upcoming", "due", "awaiting_sponsor", "attested", "disputed")
STATE_LABELS = {
    "upcoming": "Not due yet",
    "due": "Due: report the metric's value",
    "awaiting_sponsor": "Reported; waiting for your sponsor",
    "attested": "Attested by your sponsor",
    "disputed": "Disputed by your sponsor",
}


class OutcomeError(ValueError):
    """A request about an outcome plan that cannot be carried out; safe to show. `errors`: field -> message."""

    def __init__(self, message: str, status: int = 400, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.errors = errors or {}


def followup_months() -> tuple[int, ...]:
    return tuple(current_app.config.get("OUTCOME_FOLLOWUP_MONTHS", (3, 6)))


def _create(certificate: Certificate, holder: User, plan: Mapping[str, Any], actor: User | None) -> OutcomePlan:
    row = OutcomePlan(
        certificate_id=certificate.id,
        holder_id=holder.id,
        metric=plan["metric"],
        unit=plan["unit"],
        direction=plan["direction"],
        baseline=float(plan["baseline"]),
        target=float(plan["target"]),
        expected_by=date.fromisoformat(plan["expected_by"]),
        sponsor_name=plan["sponsor_name"],
        sponsor_email=plan["sponsor_email"],
        objectives=list(plan["objectives"]),
        consent_public=False,
    )
    db.session.add(row)
    db.session.flush()
    for months in followup_months():
        db.session.add(FollowUp(plan_id=row.id, months=months, due_at=add_months(certificate.issued_at, months)))
    db.session.flush()
    audit.record(
        actor,
        "outcome.plan_recorded",
        "outcome_plan",
        row.id,
        after={
            "certificate": certificate.serial,
            "metric": row.metric,
            "baseline": row.baseline,
            "target": row.target,
            "followup_months": list(followup_months()),
        },
    )
    return row


def record_plan(certificate: Certificate, holder: User, now: datetime) -> OutcomePlan | None:
    """At issue: the plan from the holder's latest submitted version; None when it has no structured plan.

    The plan was checked when the version was submitted; it is recorded as submitted even if its expected
    date has passed since (the sponsor and the report then judge it as it was promised).
    """
    plan = portfolios.latest_outcome_plan(holder)
    if not plan:
        return None
    return _create(certificate, holder, plan, None)


def certificates_without_plan(holder: User) -> list[Certificate]:
    """The holder's active certificates that have no outcome plan yet (they may add one)."""
    planned = select(OutcomePlan.certificate_id)
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.holder_id == holder.id, Certificate.status == "active", Certificate.id.not_in(planned))
            .order_by(Certificate.issued_at)
        )
    )


def add_plan(holder: User, certificate_id: int, raw: Mapping[str, object], now: datetime) -> OutcomePlan:
    """The holder adds the plan their older portfolio lacked; follow-ups count from the certificate's issue."""
    certificate = next((c for c in certificates_without_plan(holder) if c.id == certificate_id), None)
    if certificate is None:
        raise OutcomeError("That certificate is not yours or already has an outcome plan.", 404)
    checked = check_plan(raw, now.date())
    if checked.plan is None:
        raise OutcomeError("The outcome plan has a problem; see the fields marked.", 400, checked.errors)
    return _create(certificate, holder, checked.plan, holder)


def plans_of(holder: User) -> list[OutcomePlan]:
    return list(
        db.session.scalars(select(OutcomePlan).where(OutcomePlan.holder_id == holder.id).order_by(OutcomePlan.id))
    )


def plan_of(holder: User, plan_id: int) -> OutcomePlan | None:
    """The holder's own plan, or None (answer 404)."""
    plan = db.session.get(OutcomePlan, plan_id)
    return plan if plan is not None and plan.holder_id == holder.id else None


def followup_of(holder: User, followup_id: int) -> FollowUp | None:
    """The holder's own follow-up, or None (answer 404)."""
    followup = db.session.get(FollowUp, followup_id)
    return followup if followup is not None and followup.plan.holder_id == holder.id else None


def followup_state(followup: FollowUp, now: datetime) -> str:
    if followup.response is not None:
        return followup.response.decision
    if followup.reported_at is not None:
        return "awaiting_sponsor"
    return "due" if followup.due_at <= now else "upcoming"


def latest_response(plan: OutcomePlan) -> SponsorResponse | None:
    answered = [f for f in plan.followups if f.response is not None]
    return max(answered, key=lambda f: (f.months, f.id)).response if answered else None


def plan_outcome(plan: OutcomePlan) -> FollowUp | None:
    """The plan's outcome: the follow-up of its latest sponsor response, when that response attests a value.

    A later dispute supersedes an earlier attestation: the sponsor's latest word stands, so a disputed value
    never counts, and neither does the attestation it replaced.
    """
    answered = [f for f in plan.followups if f.response is not None]
    if not answered:
        return None
    latest = max(answered, key=lambda f: (f.months, f.id))
    assert latest.response is not None
    return latest if latest.response.decision == "attested" and latest.response.value is not None else None


def attested_value(followup: FollowUp) -> float | None:
    response = followup.response
    return response.value if response is not None and response.decision == "attested" else None


def holder_of(plan: OutcomePlan) -> User:
    holder = db.session.get(User, plan.holder_id)
    assert holder is not None  # the plan is deleted with its holder
    return holder


def set_consent(holder: User, plan: OutcomePlan, consent: bool, now: datetime) -> bool:
    """Record the holder's choice; returns whether it changed (an unchanged choice is not audited again)."""
    if plan.holder_id != holder.id:
        raise OutcomeError("No such outcome plan.", 404)
    if plan.consent_public == consent:
        return False
    before = plan.consent_public
    plan.consent_public, plan.consent_changed_at = consent, now
    db.session.flush()
    audit.record(
        holder, "outcome.consent_changed", "outcome_plan", plan.id, before={"public": before}, after={"public": consent}
    )
    refresh_credential(plan, holder, "the holder gave consent" if consent else "the holder withdrew consent", now)
    return True


def refresh_credential(plan: OutcomePlan, actor: User | None, reason: str, now: datetime) -> None:
    """Re-sign the plan's certificate's credential so it carries exactly its consented attested outcome."""
    # Imported here: the certificates feature reads this one's evidence when it signs (a cycle at import time).
    from certify.certificates import services as certificates

    certificate = db.session.get(Certificate, plan.certificate_id)
    if certificate is not None:
        certificates.refresh_credential(certificate, actor, reason, now)
