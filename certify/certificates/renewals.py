"""Renewal requests: a holder asks with their logged development activity as evidence; an admin decides.

The decision is one of approve (a successor certificate is issued), ask for more (the holder adds activity
and resubmits) or refuse. Each decision is audited and mailed to the holder. The decider must not have
assessed the holder, as for issuing. With CERTIFY_RENEWAL_AUTO_APPROVE on, a request that meets the
recertification rule is approved at once, with no one deciding (the behaviour before requests existed).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from certify.audit import services as audit
from certify.auth.models import User
from certify.certificates import lifecycle
from certify.certificates.evidence import candidates_assessed_by
from certify.certificates.issuing import CertificateError
from certify.certificates.models import Certificate, DevelopmentActivity, RenewalRequest
from certify.core.eligibility import assessed_the_candidate
from certify.extensions import db
from certify.outbox import services as outbox
from certify.urls import external_url

DECISIONS = {"approve": "approved", "more": "more_information_requested", "refuse": "refused"}
NOTE_LENGTH = (10, 2000)
HOLDER_NOTE_LENGTH = 2000


def auto_approve() -> bool:
    return bool(current_app.config.get("RENEWAL_AUTO_APPROVE", False))


def open_request(certificate: Certificate) -> RenewalRequest | None:
    """The request awaiting a decision or more information, if any (at most one per certificate)."""
    return db.session.scalar(
        select(RenewalRequest).where(RenewalRequest.certificate_id == certificate.id, RenewalRequest.open_marker == 1)
    )


def latest_requests(holder_id: int) -> dict[int, RenewalRequest]:
    """Each of the holder's certificates (by id) with its most recent renewal request."""
    latest: dict[int, RenewalRequest] = {}
    for row in db.session.scalars(
        select(RenewalRequest).where(RenewalRequest.holder_id == holder_id).order_by(RenewalRequest.id)
    ):
        latest[row.certificate_id] = row
    return latest


def awaiting_review_count() -> int:
    return int(db.session.scalar(select(func.count()).where(RenewalRequest.status == "pending")) or 0)


def awaiting_review() -> list[RenewalRequest]:
    """Pending requests, oldest first: the admin queue."""
    return list(
        db.session.scalars(
            select(RenewalRequest).where(RenewalRequest.status == "pending").order_by(RenewalRequest.submitted_at)
        )
    )


def recently_decided(limit: int = 50) -> list[RenewalRequest]:
    return list(
        db.session.scalars(
            select(RenewalRequest)
            .where(RenewalRequest.status != "pending")
            .order_by(RenewalRequest.decided_at.desc(), RenewalRequest.id.desc())
            .limit(limit)
        )
    )


def _activities(holder_id: int) -> list[dict[str, object]]:
    return [
        {"title": a.title, "activity_on": a.activity_on.isoformat(), "points": a.points, "kind": a.kind}
        for a in db.session.scalars(
            select(DevelopmentActivity)
            .where(DevelopmentActivity.user_id == holder_id)
            .order_by(DevelopmentActivity.activity_on.desc(), DevelopmentActivity.id)
        )
    ]


def submit(holder: User, certificate: Certificate, now: datetime, note: str = "") -> RenewalRequest:
    """Ask for renewal, or resubmit after an admin asked for more; approved at once when auto-approval is on."""
    if certificate.holder_id != holder.id:
        raise CertificateError("Only the holder can ask to renew a certificate.", 404)
    note = note.strip()
    if len(note) > HOLDER_NOTE_LENGTH:
        raise CertificateError(f"Keep the message to the reviewer to {HOLDER_NOTE_LENGTH} characters.")
    allowed, why = lifecycle.renewal_check(certificate, now)
    if not allowed:
        raise CertificateError(why, 409)
    request = open_request(certificate)
    if request is not None and request.status == "pending":
        raise CertificateError("Your renewal request is already waiting for an administrator's decision.", 409)
    if request is None:
        request = RenewalRequest(certificate_id=certificate.id, holder_id=holder.id, created_at=now)
        db.session.add(request)
    request.status, request.submitted_at = "pending", now
    request.activities, request.basis, request.holder_note = _activities(holder.id), why, note
    db.session.flush()
    audit.record(
        holder,
        "certificate.renewal_requested",
        "certificate",
        certificate.serial,
        after={"request": request.id, "basis": why, "activities": len(request.activities)},
    )
    if auto_approve():
        decide(None, request, "approve", "Approved automatically: the recertification rule is met.", now)
    return request


def _note(decision: str, note: str) -> str:
    note = note.strip()
    low, high = NOTE_LENGTH
    if len(note) > high:
        raise CertificateError(f"Keep the message to the holder to {high} characters.")
    if decision != "approve" and len(note) < low:
        raise CertificateError(
            f"Tell the holder what is missing or why, in at least {low} characters; they receive it by mail."
        )
    return note


def decide(actor: User | None, request: RenewalRequest, decision: str, note: str, now: datetime) -> Certificate | None:
    """Approve (returns the successor), ask for more information, or refuse a pending request."""
    if decision not in DECISIONS:
        raise CertificateError("Choose approve, ask for more information, or refuse.")
    if request.status != "pending":
        raise CertificateError("This request is not waiting for a decision.", 409)
    holder = request.holder
    if actor is not None and assessed_the_candidate(holder.id, candidates_assessed_by(actor.id)):
        raise CertificateError(
            f"You assessed {holder.name}'s portfolio (or declared a conflict with them), so another admin "
            "must decide this renewal.",
            403,
        )
    message = _note(decision, note)
    successor = None
    if decision == "approve":
        successor = lifecycle.renew(actor, request.certificate, now, message=message)
        request.successor_id = successor.id
    request.status, request.decision_note = DECISIONS[decision], message
    request.decided_by_id, request.decided_at = (actor.id if actor else None), now
    request.open_marker = 1 if decision == "more" else None
    audit.record(
        actor,
        f"certificate.renewal_{DECISIONS[decision]}",
        "certificate",
        request.certificate.serial,
        after={"request": request.id, "note": message, **({"successor": successor.serial} if successor else {})},
    )
    if decision != "approve":  # an approval is announced by the renewal itself, with the note
        _tell(request, decision, message)
    db.session.flush()
    return successor


def _tell(request: RenewalRequest, decision: str, note: str) -> None:
    holder, serial = request.holder, request.certificate.serial
    if decision == "more":
        subject = f"More information needed to renew {serial}"
        text = (
            f"An administrator needs more before deciding on the renewal of {serial}:\n\n{note}\n\n"
            "Log the activity in your certificates page, then resubmit the request there."
        )
    else:
        subject = f"Your request to renew {serial} was refused"
        text = f"An administrator refused the renewal of {serial}:\n\n{note}"
    outbox.queue(
        holder.email,
        subject,
        f"Hello {holder.name},\n\n{text}\n\nYour certificates: {external_url('certificates.wallet')}\n",
    )
