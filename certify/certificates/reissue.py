"""Re-issuing a certificate's credential when what it may carry changes: the holder's attested outcome.

The certificate keeps its serial, code, dates and status slot; its credential is rebuilt from the stored one
(so the competencies stay as certified), carries the outcome or not, and is signed again. The PDF, which
embeds the credential, is rendered again; every earlier PDF stays genuine (`pdf_history`).
"""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives import serialization

from certify.audit import services as audit
from certify.auth.models import User
from certify.certificates import keys
from certify.certificates.credential import outcome_of_credential, timestamp, with_outcome
from certify.certificates.issuing import store
from certify.certificates.models import Certificate
from certify.certificates.production import Job, produce
from certify.database import utcnow
from certify.extensions import db
from certify.outcomes.evidence import attested_outcome
from certify.urls import external_url


def _job(certificate: Certificate, credential: dict[str, object], now: datetime) -> Job:
    alignment = certificate.credential["credentialSubject"]["achievement"].get("alignment", [])
    return Job(
        credential=credential,
        verification_method=keys.verification_method(),
        created=timestamp(now),
        holder_name=certificate.holder.name,
        serial=certificate.serial,
        issued_on=certificate.issued_at.date(),
        expires_on=certificate.expires_at.date(),
        verification_url=external_url("certificates.verify", code=certificate.code),
        competencies=tuple((a["targetCode"], a["targetName"]) for a in alignment),
    )


def refresh_credential(certificate: Certificate, actor: User | None, reason: str, now: datetime | None = None) -> bool:
    """Re-sign the certificate's credential so it carries exactly its current consented attested outcome.

    Call it after the holder gives or withdraws consent, or after a sponsor attests or disputes a value.
    Returns False, and changes nothing, when the credential already says what it should; otherwise the
    credential and PDF are replaced and "certificate.credential_reissued" is audited with `reason`.
    Flushes, never commits.
    """
    if not certificate.credential:
        return False  # not produced yet: issuing will build it
    current = {key: value for key, value in certificate.credential.items() if key != "proof"}
    wanted = with_outcome(certificate.credential, attested_outcome(certificate))
    if wanted == current:
        return False
    moment = now or utcnow()
    key = keys.signing_key().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    before = outcome_of_credential(certificate.credential)
    store(certificate, *produce(_job(certificate, wanted, moment), key))
    audit.record(
        actor,
        "certificate.credential_reissued",
        "certificate",
        certificate.serial,
        before={"outcome": before},
        after={"outcome": outcome_of_credential(certificate.credential)},
        note=reason,
    )
    db.session.flush()
    return True
