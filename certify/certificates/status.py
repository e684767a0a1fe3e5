"""Status: the signed Bitstring Status List credentials, and checking any credential a visitor brings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select

from certify.certificates import keys
from certify.certificates.credential import issuer_profile, status_list_url, timestamp
from certify.certificates.models import STATUS_LIST_SIZE, Certificate
from certify.credentials.dataintegrity import sign, verify
from certify.credentials.multikey import resolve_did_key
from certify.credentials.statuslist import StatusBitstring, status_list_credential
from certify.extensions import db

LIST_NAME = re.compile(r"^(revocation|suspension)-([1-9][0-9]{0,5})$")
PURPOSE_STATUS = {"revocation": "revoked", "suspension": "suspended"}


def parse_list_name(name: str) -> tuple[str, int] | None:
    match = LIST_NAME.fullmatch(name)
    return (match.group(1), int(match.group(2))) if match else None


def status_list_document(purpose: str, number: int) -> dict[str, Any] | None:
    """The signed list, or None when no certificate uses it. Built from the database on every request."""
    used = db.session.scalar(select(func.count()).where(Certificate.status_list == number))
    if not used:
        return None
    bits = StatusBitstring(STATUS_LIST_SIZE)
    for index in db.session.scalars(
        select(Certificate.status_index).where(
            Certificate.status_list == number, Certificate.status == PURPOSE_STATUS[purpose]
        )
    ):
        if index is not None:
            bits.set(index)
    changed = db.session.scalar(
        select(func.max(func.coalesce(Certificate.status_changed_at, Certificate.issued_at))).where(
            Certificate.status_list == number
        )
    )
    moment = changed if isinstance(changed, datetime) else datetime.now(UTC)
    unsigned = status_list_credential(
        list_url=status_list_url(purpose, number),
        issuer=issuer_profile()["id"],
        purpose=purpose,  # type: ignore[arg-type]
        bitstring=bits,
        valid_from=timestamp(moment),
    )
    return sign(unsigned, keys.signing_key(), keys.verification_method(), timestamp(moment))


def resolve(method: str) -> Ed25519PublicKey | None:
    """Keys we can trust without the network: our own, and did:key identifiers (the key is in the name)."""
    if method == keys.verification_method():
        return keys.public_key()
    return resolve_did_key(method)


@dataclass
class CredentialCheck:
    """What the 'check a credential' form reports."""

    signature_ok: bool
    problems: list[str] = field(default_factory=list)
    issuer: str = ""
    ours: bool = False
    certificate: Certificate | None = None
    state: str = ""
    name: str = ""

    @property
    def genuine(self) -> bool:
        return self.signature_ok and not self.problems


def _moment(value: Any) -> datetime | None:
    """An xsd:dateTime as an aware datetime (no zone means UTC), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_credential(document: Any, now: datetime) -> CredentialCheck:
    if not isinstance(document, dict):
        return CredentialCheck(False, ["This is not a credential: expected a JSON object."])
    result = verify(document, resolve)
    issuer = document.get("issuer")
    issuer_id = issuer.get("id", "") if isinstance(issuer, dict) else str(issuer or "")
    check = CredentialCheck(result.verified, issuer=issuer_id, name=str(document.get("name", "")))
    if not result.verified:
        check.problems.append(f"The signature does not verify: {result.detail}.")
        return check
    method_owner = (result.verification_method or "").split("#")[0]
    if method_owner != issuer_id and not (method_owner.startswith("did:key:") and issuer_id == method_owner):
        check.problems.append("The credential was signed with a key that does not belong to its issuer.")
    check.ours = issuer_id == keys.issuer_id()
    start, until = _moment(document.get("validFrom")), _moment(document.get("validUntil"))
    if document.get("validFrom") is not None and start is None:
        check.problems.append("Its validFrom is not a date and time.")
    elif start is not None and start > now:
        check.problems.append(f"The credential is not valid until {start:%d %B %Y}.")
    if document.get("validUntil") is not None and until is None:
        check.problems.append("Its validUntil is not a date and time.")
    elif until is not None and until <= now:
        check.problems.append(f"The credential expired on {until:%d %B %Y}.")
    if check.ours:
        code = str(document.get("id", "")).rsplit("/", 1)[-1].removesuffix(".json")
        certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
        if certificate is None or certificate.credential.get("proof") != document.get("proof"):
            check.problems.append("We have no record of issuing this credential.")
        else:
            check.certificate, check.state = certificate, certificate.state(now)
            if check.state == "revoked":
                check.problems.append(f"The certificate was revoked: {certificate.status_reason}")
            elif check.state == "suspended":
                check.problems.append("The certificate is suspended.")
    elif document.get("credentialStatus"):
        check.problems.append(
            "Its status list is published by another issuer and cannot be fetched from here; the signature is "
            "valid, but check the issuer for revocation."
        )
    return check
