"""A certificate's life after issue: revocation, suspension, reinstatement, renewal and expiry reminders."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment
from certify.audit import services as audit
from certify.auth.models import User
from certify.certificates.issuing import CertificateError, issue
from certify.certificates.models import Certificate, DevelopmentActivity, RenewalRequest
from certify.core.eligibility import RecertificationRule, recertification, reminder_due
from certify.extensions import db
from certify.outbox import services as outbox
from certify.urls import external_url

MIN_REASON = 10


def _reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise CertificateError(f"Give the reason in at least {MIN_REASON} characters; it is shown publicly.")
    if len(reason) > 500:
        raise CertificateError("Keep the reason to 500 characters.")
    return reason


def _tell(certificate: Certificate, subject: str, text: str) -> None:
    holder = certificate.holder
    outbox.queue(
        holder.email,
        subject,
        f"Hello {holder.name},\n\n{text}\n\nVerification page: "
        f"{external_url('certificates.verify', code=certificate.code)}\n",
    )


def revoke(actor: User | None, certificate: Certificate, reason: str, now: datetime) -> None:
    if certificate.status == "revoked":
        raise CertificateError(f"{certificate.serial} is already revoked.", 409)
    why = _reason(reason)
    before = certificate.status
    certificate.status, certificate.status_reason, certificate.status_changed_at = "revoked", why, now
    certificate.status_changed_by_id = actor.id if actor else None
    audit.record(
        actor,
        "certificate.revoked",
        "certificate",
        certificate.serial,
        before={"status": before},
        after={"status": "revoked", "reason": why},
    )
    _tell(certificate, f"Your certificate {certificate.serial} has been revoked", f"Reason: {why}")


def suspend(actor: User | None, certificate: Certificate, reason: str, now: datetime) -> None:
    if certificate.status != "active":
        raise CertificateError(
            f"Only an active certificate can be suspended; {certificate.serial} is {certificate.status}.", 409
        )
    why = _reason(reason)
    certificate.status, certificate.status_reason, certificate.status_changed_at = "suspended", why, now
    certificate.status_changed_by_id = actor.id if actor else None
    audit.record(actor, "certificate.suspended", "certificate", certificate.serial, after={"reason": why})
    _tell(certificate, f"Your certificate {certificate.serial} is suspended", f"Reason: {why}")


def reinstate(actor: User | None, certificate: Certificate, now: datetime) -> None:
    if certificate.status != "suspended":
        raise CertificateError("Only a suspended certificate can be reinstated.", 409)
    certificate.status, certificate.status_reason, certificate.status_changed_at = "active", "", now
    certificate.status_changed_by_id = actor.id if actor else None
    audit.record(actor, "certificate.reinstated", "certificate", certificate.serial)
    _tell(certificate, f"Your certificate {certificate.serial} is active again", "The suspension has been lifted.")


def rule() -> RecertificationRule:
    config = current_app.config
    return RecertificationRule(
        points=int(config.get("RECERTIFICATION_POINTS", 40)),
        window_years=int(config.get("RECERTIFICATION_WINDOW_YEARS", 3)),
    )


def renewal_check(certificate: Certificate, now: datetime) -> tuple[bool, str]:
    """Whether the holder meets the recertification rule now."""
    if certificate.status != "active":
        return False, f"Only a certificate in good standing can be renewed (this one is {certificate.status})."
    if db.session.scalar(select(Certificate.id).where(Certificate.predecessor_id == certificate.id)):
        return False, "This certificate has already been renewed."
    activities = db.session.execute(
        select(DevelopmentActivity.activity_on, DevelopmentActivity.points).where(
            DevelopmentActivity.user_id == certificate.holder_id
        )
    ).all()
    exam_day = db.session.scalar(
        select(AttemptScore.scored_at)
        .join(Attempt, Attempt.id == AttemptScore.attempt_id)
        .join(Assessment, Assessment.id == Attempt.assessment_id)
        .where(
            Attempt.user_id == certificate.holder_id,
            Assessment.kind == "certification",  # sitting the current exam again is the recertification exam
            AttemptScore.passed,
            AttemptScore.scored_at > certificate.issued_at,
        )
        .order_by(AttemptScore.scored_at.desc())
        .limit(1)
    )
    return recertification(
        [(day, int(points)) for day, points in activities],
        now.date(),
        rule(),
        exam_passed_since=exam_day.date() if exam_day else None,
    )


def renew(actor: User | None, certificate: Certificate, now: datetime, *, message: str = "") -> Certificate:
    """Issue the successor of a certificate whose holder meets the recertification rule; `message` goes in the mail."""
    allowed, why = renewal_check(certificate, now)
    if not allowed:
        raise CertificateError(why, 409)
    successor = issue(actor, certificate.holder, now, predecessor=certificate)
    successor.evidence = {**successor.evidence, "recertification": why}
    # An admin renewing from the certificate page settles the holder's open request too.
    for request in db.session.scalars(
        select(RenewalRequest).where(RenewalRequest.certificate_id == certificate.id, RenewalRequest.open_marker == 1)
    ):
        request.status, request.open_marker, request.successor_id = "approved", None, successor.id
        request.decided_by_id, request.decided_at = (actor.id if actor else None), now
    _tell(
        successor,
        f"Your certificate has been renewed as {successor.serial}",
        f"It replaces {certificate.serial} and is valid until {successor.expires_at:%d %B %Y}."
        + (f"\n\n{message}" if message else ""),
    )
    return successor


def log_activity(holder: User, title: str, day: object, points: object, now: datetime) -> DevelopmentActivity:
    title = title.strip()
    if not title or len(title) > 200:
        raise CertificateError("Describe the activity in 1 to 200 characters.")
    if not isinstance(day, date) or day > now.date():
        raise CertificateError("Give the date of the activity (not in the future).")
    if not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= 40:
        raise CertificateError("Points are a whole number from 1 to 40.")
    activity = DevelopmentActivity(user_id=holder.id, title=title, activity_on=day, points=points)
    db.session.add(activity)
    db.session.flush()
    return activity


def remind(now: datetime) -> int:
    """Queue the 90-, 30- and 7-day expiry reminders that are due; returns how many."""
    sent = 0
    horizon = now.replace(microsecond=0)
    for certificate in db.session.scalars(
        select(Certificate).where(Certificate.status == "active", Certificate.expires_at > horizon)
    ):
        due = reminder_due(certificate.expires_at.date(), now.date(), set(certificate.reminders_sent))
        if due is None or (certificate.expires_at - now).days > 90:
            continue
        if db.session.scalar(select(Certificate.id).where(Certificate.predecessor_id == certificate.id)):
            continue  # already renewed
        _tell(
            certificate,
            f"Your MID certificate expires in {due} days",
            f"Certificate {certificate.serial} expires on {certificate.expires_at:%d %B %Y}. To renew it, log your "
            f"continuing-development activity (at least {rule().points} points in {rule().window_years} years) "
            "or pass the recertification exam, then ask for renewal.",
        )
        certificate.reminders_sent = [*certificate.reminders_sent, due]
        sent += 1
    return sent
