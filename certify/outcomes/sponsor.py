"""Sponsor links: single-use, expiring, bound to one follow-up; only the token's sha256 is stored.

A token is `secrets.token_urlsafe(32)` (256 bits), emailed once. A new link for a follow-up makes the
earlier ones invalid. Answering uses the link with a conditional UPDATE (`WHERE used_at IS NULL`), so two
submits of the same form cannot both count: the second finds the link used and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from certify.audit import services as audit
from certify.core.outcome_plan import parse_number
from certify.extensions import db
from certify.outbox import services as outbox
from certify.outcomes.models import FollowUp, SponsorLink, SponsorResponse
from certify.outcomes.services import OutcomeError, holder_of, refresh_credential
from certify.urls import external_url

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
MAX_COMMENT_CHARS, MIN_REASON_CHARS = 2000, 10
MAX_REQUESTS = 3  # sponsor requests per follow-up, a week apart (the first goes with the holder's report)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_days() -> int:
    return int(current_app.config.get("SPONSOR_LINK_DAYS", 30))


def issue_link(followup: FollowUp, now: datetime) -> str:
    """A fresh link for the follow-up; earlier unused ones stop working. Returns the token (never stored)."""
    db.session.execute(
        update(SponsorLink)
        .where(SponsorLink.followup_id == followup.id, SponsorLink.used_at.is_(None), SponsorLink.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        SponsorLink(
            followup_id=followup.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=link_days()),
        )
    )
    db.session.flush()
    return token


def send_request(followup: FollowUp, now: datetime, *, first: bool) -> str:
    """Email the sponsor a new link to attest the follow-up; counts the request. Returns the token."""
    plan = followup.plan
    token = issue_link(followup, now)
    holder = holder_of(plan).name
    expires = (now + timedelta(days=link_days())).strftime("%d %B %Y")
    opening = "" if first else "This is a reminder: we have not yet had your answer.\n\n"
    body = (
        f"Dear {plan.sponsor_name},\n\n{opening}"
        f"{holder} named you as the sponsor of their certified design, which set out to move "
        f"{plan.metric} from {fmt(plan.baseline)} to {fmt(plan.target)}{unit_suffix(plan.unit)}.\n"
        f"{followup.months} months after certification they report a value of "
        f"{fmt(followup.holder_value)}{unit_suffix(plan.unit)}.\n\n"
        "Please confirm the value you observe and rate the job behaviours the design targeted, "
        "or tell us if you disagree. It takes about three minutes and needs no account:\n\n"
        f"{external_url('outcomes.sponsor_link', token=token)}\n\n"
        f"The link works once and until {expires}. If you did not expect this message, you can ignore it.\n"
    )
    outbox.queue(plan.sponsor_email, f"Please confirm {holder}'s results: {plan.metric}", body)
    followup.sponsor_requests = 1 if first else followup.sponsor_requests + 1
    followup.sponsor_requested_at = now
    db.session.flush()
    audit.record(
        None,
        "outcome.sponsor_requested",
        "outcome_followup",
        followup.id,
        after={"request": followup.sponsor_requests},
        note=f"sponsor {plan.sponsor_email}",
    )
    return token


def fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def unit_suffix(unit: str) -> str:
    if not unit:
        return ""
    return unit if unit == "%" else f" {unit}"


def open_link(token: str, now: datetime) -> SponsorLink | None:
    """The link if it is known, unused and unexpired; otherwise None (all three answer the same)."""
    if not TOKEN_SHAPE.fullmatch(token or ""):
        return None
    link = db.session.scalar(select(SponsorLink).where(SponsorLink.token_hash == token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    return link


def _ratings(raw: Mapping[str, object], count: int) -> tuple[dict[str, int], dict[str, str]]:
    ratings, errors = {}, {}
    for index in range(count):
        value = str(raw.get(f"rating-{index}") or "").strip()
        if value not in {"1", "2", "3", "4", "5"}:
            errors[f"rating-{index}"] = f"Rate objective {index + 1} from 1 (not at all) to 5 (consistently)."
        else:
            ratings[str(index)] = int(value)
    return ratings, errors


def parse_answer(followup: FollowUp, raw: Mapping[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    """The sponsor's answer checked: decision, value, ratings and comment, or the problems by field."""
    errors: dict[str, str] = {}
    decision = str(raw.get("decision") or "")
    comment = str(raw.get("comment") or "").strip()
    answer: dict[str, object] = {"decision": decision, "comment": comment, "value": None, "ratings": {}}
    if decision not in ("attested", "disputed"):
        return answer, {"decision": "Choose whether you confirm the value or dispute it."}
    if len(comment) > MAX_COMMENT_CHARS:
        errors["comment"] = f"Keep the comment to {MAX_COMMENT_CHARS:,} characters (it has {len(comment):,})."
    raw_value = str(raw.get("value") or "").strip()
    if decision == "attested":
        value, problem = parse_number(raw_value, "value you observe")
        ratings, rating_errors = _ratings(raw, len(followup.plan.objectives))
        errors.update(rating_errors)
        answer["ratings"] = ratings
    else:
        value, problem = parse_number(raw_value, "value you observe") if raw_value else (None, None)
        if len(comment) < MIN_REASON_CHARS and "comment" not in errors:
            errors["comment"] = f"Say why you dispute the value, in at least {MIN_REASON_CHARS} characters."
    if problem:
        errors["value"] = problem
    answer["value"] = value
    return answer, errors


def respond(token: str, raw: Mapping[str, object], now: datetime) -> SponsorResponse:
    """Record the sponsor's attestation or dispute through the link, once. Raises OutcomeError: 404 when the
    link is unknown, expired or used (also when another submit used it first), 400 with field problems."""
    link = open_link(token, now)
    if link is None:
        raise OutcomeError("gone", 404)
    followup = db.session.get(FollowUp, link.followup_id)
    assert followup is not None
    answer, errors = parse_answer(followup, raw)
    if errors:
        raise OutcomeError("Your answer has a problem; see the fields marked.", 400, errors)
    used = db.session.execute(
        update(SponsorLink)
        .where(SponsorLink.id == link.id, SponsorLink.used_at.is_(None), SponsorLink.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if used != 1 or followup.response is not None:
        raise OutcomeError("gone", 404)
    response = SponsorResponse(
        followup=followup,  # through the relationship, so the plan's follow-ups see it before anything is reloaded
        decision=str(answer["decision"]),
        value=answer["value"],  # type: ignore[arg-type]
        behaviour_ratings=dict(answer["ratings"]),  # type: ignore[call-overload]
        comment=str(answer["comment"]),
        responded_at=now,
    )
    db.session.add(response)
    db.session.flush()
    audit.record(
        None,
        f"outcome.{response.decision}",
        "outcome_followup",
        followup.id,
        after={"value": response.value, "ratings": response.behaviour_ratings, "holder_value": followup.holder_value},
        note=f"by the sponsor {followup.plan.sponsor_email} through their emailed link",
    )
    refresh_credential(followup.plan, None, f"the sponsor {response.decision} the outcome", now)
    return response
