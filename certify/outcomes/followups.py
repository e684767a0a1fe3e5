"""The holder's follow-up reports, re-sent sponsor links, and the reminders `flask outcomes remind` queues."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select

from certify.audit import services as audit
from certify.auth.models import User
from certify.core.outcome_plan import parse_number
from certify.extensions import db
from certify.outbox import services as outbox
from certify.outcomes import sponsor
from certify.outcomes.models import FollowUp
from certify.outcomes.services import OutcomeError, followup_state, holder_of
from certify.urls import external_url

MAX_TEXT_CHARS = 4000
MAX_REMINDERS = 3
REMINDER_GAP = timedelta(days=7)


def parse_report(raw: Mapping[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    """The holder's report checked: the metric's current value, what was implemented, what got in the way."""
    errors: dict[str, str] = {}
    value, problem = parse_number(raw.get("value"), "metric's current value")
    if problem:
        errors["value"] = problem
    implemented = str(raw.get("implemented") or "").strip()
    obstacles = str(raw.get("obstacles") or "").strip()
    if not implemented:
        errors["implemented"] = "Say what was implemented from your design, even if it was little."
    for name, text in (("implemented", implemented), ("obstacles", obstacles)):
        if len(text) > MAX_TEXT_CHARS and name not in errors:
            errors[name] = f"Keep this to {MAX_TEXT_CHARS:,} characters (it has {len(text):,})."
    return {"value": value, "implemented": implemented, "obstacles": obstacles}, errors


def report(holder: User, followup: FollowUp, raw: Mapping[str, object], now: datetime) -> None:
    """Record the holder's report and email the sponsor a link to attest it.

    A report may be corrected until the sponsor answers; a correction sends a new link (the old one stops).
    """
    if followup.plan.holder_id != holder.id:
        raise OutcomeError("No such follow-up.", 404)
    state = followup_state(followup, now)
    if state == "upcoming":
        raise OutcomeError(f"This follow-up is due on {followup.due_at:%d %B %Y}; report it then.", 409)
    if state in ("attested", "disputed"):
        raise OutcomeError("Your sponsor has already answered this follow-up; it can no longer change.", 409)
    answer, errors = parse_report(raw)
    if errors:
        raise OutcomeError("Your report has a problem; see the fields marked.", 400, errors)
    before = {"value": followup.holder_value} if followup.reported_at else None
    followup.holder_value = answer["value"]  # type: ignore[assignment]
    followup.implemented = str(answer["implemented"])
    followup.obstacles = str(answer["obstacles"])
    followup.reported_at = now
    db.session.flush()
    audit.record(
        holder,
        "outcome.reported",
        "outcome_followup",
        followup.id,
        before=before,
        after={"value": followup.holder_value},
    )
    sponsor.send_request(followup, now, first=True)


def resend_link(holder: User, followup: FollowUp, now: datetime) -> None:
    """A new link for the sponsor (the earlier one stops working), within the cap on requests."""
    if followup.plan.holder_id != holder.id:
        raise OutcomeError("No such follow-up.", 404)
    if followup_state(followup, now) != "awaiting_sponsor":
        raise OutcomeError("Only a reported follow-up your sponsor has not answered can be sent again.", 409)
    if followup.sponsor_requests >= sponsor.MAX_REQUESTS:
        raise OutcomeError(f"Your sponsor has had {sponsor.MAX_REQUESTS} requests already; contact them directly.", 409)
    sponsor.send_request(followup, now, first=False)


def _due_holder_reminders(now: datetime) -> list[FollowUp]:
    rows = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.due_at <= now, FollowUp.reported_at.is_(None), FollowUp.holder_reminders < MAX_REMINDERS)
        .order_by(FollowUp.due_at, FollowUp.id)
    )
    return [f for f in rows if f.holder_reminded_at is None or now - f.holder_reminded_at >= REMINDER_GAP]


def _due_sponsor_requests(now: datetime) -> list[FollowUp]:
    rows = db.session.scalars(
        select(FollowUp)
        .where(FollowUp.reported_at.is_not(None), FollowUp.sponsor_requests < sponsor.MAX_REQUESTS)
        .order_by(FollowUp.reported_at, FollowUp.id)
    )
    return [
        f
        for f in rows
        if f.response is None and (f.sponsor_requested_at is None or now - f.sponsor_requested_at >= REMINDER_GAP)
    ]


def remind(now: datetime) -> list[str]:
    """Queue the holder reminders and sponsor requests that are due; one line per message queued.

    Each kind goes at most three times per follow-up and a week apart, so running it again the same day
    (or every day) queues nothing new.
    """
    lines = []
    for followup in _due_holder_reminders(now):
        plan, holder = followup.plan, holder_of(followup.plan)
        followup.holder_reminders += 1
        followup.holder_reminded_at = now
        outbox.queue(
            holder.email,
            f"Your {followup.months}-month follow-up: {plan.metric}",
            f"Dear {holder.name},\n\n"
            f"It is {followup.months} months since your certification. Your design set out to move "
            f"{plan.metric} from {sponsor.fmt(plan.baseline)} to {sponsor.fmt(plan.target)}"
            f"{sponsor.unit_suffix(plan.unit)}.\n"
            "Please tell us where it stands now, what you put in place and what got in the way. "
            f"{plan.sponsor_name} will then be asked to confirm the value.\n\n"
            f"{external_url('outcomes.followup', followup_id=followup.id)}\n",
        )
        audit.record(
            None,
            "outcome.holder_reminded",
            "outcome_followup",
            followup.id,
            after={"reminder": followup.holder_reminders},
        )
        lines.append(
            f"holder reminder {followup.holder_reminders} to {holder.email} ({followup.months}-month follow-up)"
        )
    for followup in _due_sponsor_requests(now):
        sponsor.send_request(followup, now, first=followup.sponsor_requests == 0)
        lines.append(
            f"sponsor request {followup.sponsor_requests} to {followup.plan.sponsor_email} "
            f"({followup.months}-month follow-up)"
        )
    db.session.flush()
    return lines
