"""Producing a certificate's artefacts from plain data: the signed credential and the PDF.

No database and no Flask here, so a bulk issue can run it in worker processes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certify.certificates.pdf import TEMPLATE_VERSION, CertificateDocument, render_pdf
from certify.credentials.dataintegrity import sign


@dataclass(frozen=True)
class Job:
    credential: dict[str, Any]
    verification_method: str
    created: str
    holder_name: str
    serial: str
    issued_on: date
    expires_on: date
    verification_url: str
    competencies: tuple[tuple[str, str], ...]


def signed(job: Job, key: bytes) -> dict[str, Any]:
    private = Ed25519PrivateKey.from_private_bytes(key)
    return sign(job.credential, private, job.verification_method, job.created, proof_as_list=True)


def document(job: Job, credential: dict[str, Any] | None) -> CertificateDocument:
    return CertificateDocument(
        holder_name=job.holder_name,
        credential_title=str(job.credential["name"]),
        serial=job.serial,
        issued_on=job.issued_on,
        expires_on=job.expires_on,
        verification_url=job.verification_url,
        competencies=list(job.competencies),
        issuer_name=str(job.credential["issuer"]["name"]),
        credential_json=json.dumps(credential, indent=2, ensure_ascii=False).encode() if credential else None,
    )


def produce(job: Job, key: bytes) -> tuple[dict[str, Any], bytes, int]:
    """The signed credential, the PDF/A-3 with that credential attached, and the template version used."""
    credential = signed(job, key)
    return credential, render_pdf(document(job, credential), pdfa=True), TEMPLATE_VERSION


def document_for(certificate: Any) -> CertificateDocument:
    """The PDF content of an issued certificate, rebuilt from its stored credential (for re-rendering)."""
    credential = certificate.credential
    alignment = credential["credentialSubject"]["achievement"].get("alignment", [])
    job = Job(
        credential=credential,
        verification_method=credential["proof"][0]["verificationMethod"],
        created=credential["proof"][0]["created"],
        holder_name=certificate.holder.name,
        serial=certificate.serial,
        issued_on=certificate.issued_at.date(),
        expires_on=certificate.expires_at.date(),
        verification_url=credential["id"].replace("/credentials/", "/verify/").removesuffix(".json"),
        competencies=tuple((a["targetCode"], a["targetName"]) for a in alignment),
    )
    return document(job, credential)
