"""Deciding and issuing certificates: one at a time from the queue, or every eligible candidate at once.

Issuing is two steps. The decision (eligibility, the decider's independence, a
serial, a random verification code, a status-list slot) happens in the
database transaction. Production (signing the Open Badges credential and
rendering the PDF) is pure work on plain data, so a bulk run farms it out to a
process per core and stores the results in the same transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from typing import Any

from cryptography.hazmat.primitives import serialization
from flask import current_app
from sqlalchemy import insert, update

from certify import storage
from certify.assessments import services as bank_service
from certify.audit import services as audit
from certify.auth.models import User
from certify.certificates import keys
from certify.certificates.credential import timestamp, unsigned_credential
from certify.certificates.evidence import candidates_assessed_by, evidence_for
from certify.certificates.models import STATUS_LIST_SIZE, Certificate, SerialCounter
from certify.certificates.production import Job, produce
from certify.core.eligibility import Evidence, add_years, assess, assessed_the_candidate, serial
from certify.extensions import db
from certify.outcomes import services as outcomes
from certify.urls import external_url


class CertificateError(ValueError):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def validity_years() -> int:
    return int(current_app.config.get("CERTIFICATE_VALIDITY_YEARS", 3))


def next_serial(year: int) -> str:
    """The next serial of the year; the counter row is updated in place, so concurrent issuers never collide."""
    number = db.session.execute(
        update(SerialCounter)
        .where(SerialCounter.year == year)
        .values(last=SerialCounter.last + 1)
        .returning(SerialCounter.last)
    ).scalar()
    if number is None:
        db.session.execute(insert(SerialCounter).values(year=year, last=1))
        number = 1
    return serial(year, number)


def new_code() -> str:
    """The public verification code: 192 random bits, URL-safe.

    A code never begins with "-" or "_": people paste codes into commands
    (`flask certificates revoke <code>`), where a leading dash reads as an
    option, and a leading punctuation mark is easy to lose when copying.
    """
    while True:
        code = secrets.token_urlsafe(24)
        if code[0].isalnum():
            return code


OVERRIDE_REASON_LENGTH = (10, 500)


def _override(actor: User | None, reason: str) -> str:
    """The recorded override of a revocation bar: who, and why in their words."""
    if actor is None:
        raise CertificateError("Overriding a revocation needs a named deciding admin.")
    why = reason.strip()
    low, high = OVERRIDE_REASON_LENGTH
    if not low <= len(why) <= high:
        raise CertificateError(
            f"Give the reason for issuing despite the revocation in {low} to {high} characters; it is audited."
        )
    return f"Issued despite the revocation by {actor.name}: {why}"


@dataclass(frozen=True)
class Decision:
    certificate: Certificate
    job: Job


def decide(
    actor: User | None,
    candidate: User,
    now: datetime,
    *,
    predecessor: Certificate | None = None,
    known: Evidence | None = None,
    assessed: set[int] | None = None,
    override_reason: str | None = None,
) -> Decision:
    """Check eligibility and independence, then create the certificate row (not yet signed or rendered).

    A bulk run passes the evidence (`known`) and the decider's assessed candidates (`assessed`) it gathered
    for everyone at once, instead of two lookups per candidate. `override_reason` lets a named admin issue
    despite a revocation that bars the evidence (and nothing else); the reason is kept and audited.
    """
    if actor is not None and assessed_the_candidate(
        candidate.id, assessed if assessed is not None else candidates_assessed_by(actor.id)
    ):
        raise CertificateError(
            f"You assessed {candidate.name}'s portfolio (or declared a conflict with them), so another admin "
            "must make this decision.",
            403,
        )
    if predecessor is None:
        facts = known if known is not None else evidence_for([candidate.id], now)[candidate.id]
        eligibility = assess(facts)
        overridden = None
        if not eligibility.eligible:
            if override_reason is None or not eligibility.barred_only_by_revocation:
                raise CertificateError(f"{candidate.name} is not eligible: " + " ".join(eligibility.reasons), 409)
            overridden = _override(actor, override_reason)
        evidence = {check.name: check.detail for check in eligibility.checks}
        if eligibility.exam is not None:
            evidence["exam_attempt"] = str(eligibility.exam.attempt_id)
        if facts.portfolio is not None and facts.portfolio.version_id is not None:
            evidence["portfolio_version"] = str(facts.portfolio.version_id)
        if overridden is not None:
            evidence["revocation_override"] = overridden
    else:
        evidence = {"renewal_of": predecessor.serial}
    start = max(now, predecessor.expires_at) if predecessor is not None else now
    certificate = Certificate(
        serial=next_serial(now.year),
        code=new_code(),
        holder_id=candidate.id,
        issued_by_id=actor.id if actor else None,
        issued_at=now,
        expires_at=datetime.combine(add_years(start.date(), validity_years()), start.timetz()),
        status="active",
        evidence=evidence,
        predecessor_id=predecessor.id if predecessor else None,
    )
    db.session.add(certificate)
    db.session.flush()
    slot_list, slot_index = (certificate.id - 1) // STATUS_LIST_SIZE + 1, (certificate.id - 1) % STATUS_LIST_SIZE
    certificate.status_list, certificate.status_index = slot_list, slot_index
    certified = [(c.code, c.title) for c in bank_service.competencies()]
    credential = unsigned_credential(
        code=certificate.code,
        serial=certificate.serial,
        holder_name=candidate.name,
        issued_at=now,
        expires_at=certificate.expires_at,
        competencies=certified,
        status_list=slot_list,
        status_index=slot_index,
    )
    job = Job(
        credential=credential,
        verification_method=keys.verification_method(),
        created=timestamp(now),
        holder_name=candidate.name,
        serial=certificate.serial,
        issued_on=now.date(),
        expires_on=certificate.expires_at.date(),
        verification_url=external_url("certificates.verify", code=certificate.code),
        competencies=tuple(certified),
    )
    audit.record(
        actor,
        "certificate.renewed" if predecessor else "certificate.issued",
        "certificate",
        certificate.serial,
        after={"holder": candidate.id, "expires_at": certificate.expires_at.isoformat(), **evidence},
    )
    if predecessor is None:  # a renewal keeps the plan of the certificate it renews
        outcomes.record_plan(certificate, candidate, now)
    if "revocation_override" in evidence:
        audit.record(
            actor,
            "certificate.revocation_overridden",
            "certificate",
            certificate.serial,
            after={"holder": candidate.id, "override": evidence["revocation_override"]},
        )
    return Decision(certificate, job)


def store(certificate: Certificate, credential: dict[str, Any], pdf: bytes, template_version: int) -> None:
    certificate.credential = credential
    certificate.pdf_sha256 = storage.put(pdf, "application/pdf")
    certificate.pdf_history = [*(certificate.pdf_history or []), certificate.pdf_sha256]
    certificate.template_version = template_version


def _key_bytes() -> bytes:
    return keys.signing_key().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def issue(
    actor: User | None,
    candidate: User,
    now: datetime,
    *,
    predecessor: Certificate | None = None,
    override_reason: str | None = None,
) -> Certificate:
    decision = decide(actor, candidate, now, predecessor=predecessor, override_reason=override_reason)
    store(decision.certificate, *produce(decision.job, _key_bytes()))
    return decision.certificate


def eligible_candidates(now: datetime) -> list[User]:
    from certify.certificates.evidence import queue

    return [user for user, eligibility in queue(now) if eligibility.eligible]


def issue_all_steps(
    actor: User | None,
    now: datetime,
    *,
    workers: int = 2,
    candidates: Iterable[User] | None = None,
    skipped: list[str] | None = None,
) -> Iterator[tuple[int, int, Certificate]]:
    """Issue to every eligible candidate, yielding (done, total, certificate) as each one is produced.

    Signing and rendering run on `workers` processes. Candidates that cannot be issued (for example because
    the deciding admin assessed them) are appended to `skipped` with the reason.
    """
    people = list({p.id: p for p in (candidates if candidates is not None else eligible_candidates(now))}.values())
    evidence = evidence_for([p.id for p in people], now)
    assessed = candidates_assessed_by(actor.id) if actor is not None else set()
    decisions: list[Decision] = []
    for person in people:
        try:
            with db.session.begin_nested():
                decisions.append(decide(actor, person, now, known=evidence[person.id], assessed=assessed))
        except CertificateError as exc:
            if skipped is not None:
                skipped.append(f"{person.name} ({person.email}): {exc}")
    if not decisions:
        return
    key = _key_bytes()
    total = len(decisions)
    if workers <= 1 or total < 4:
        for done, decision in enumerate(decisions, start=1):
            store(decision.certificate, *produce(decision.job, key))
            yield done, total, decision.certificate
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        chunk = max(1, min(25, total // (workers * 4)))
        outputs = pool.map(produce, [d.job for d in decisions], [key] * total, chunksize=chunk)
        for done, (decision, output) in enumerate(zip(decisions, outputs, strict=True), start=1):
            store(decision.certificate, *output)
            yield done, total, decision.certificate


def issue_all(
    actor: User | None,
    now: datetime,
    *,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
    candidates: Iterable[User] | None = None,
) -> tuple[list[Certificate], list[str]]:
    """Issue to every eligible candidate; returns the certificates and the candidates skipped, with reasons."""
    skipped: list[str] = []
    issued = []
    for done, total, certificate in issue_all_steps(
        actor, now, workers=workers, candidates=candidates, skipped=skipped
    ):
        issued.append(certificate)
        if progress:
            progress(done, total)
    return issued, skipped
