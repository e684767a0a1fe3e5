"""The Open Badges 3.0 AchievementCredential of a certificate, and the issuer profile that vouches for it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from certify.certificates import keys
from certify.credentials.loader import OB_V3P0, VC_V2
from certify.credentials.statuslist import status_list_entry
from certify.urls import base_url

ISSUER_NAME = "Certify: the MID Certification Body"
ACHIEVEMENT_NAME = "Measurable Instructional Design (MID) Certification"
ACHIEVEMENT_DESCRIPTION = (
    "Certifies competence in performance consulting and learning design that produces measurable business "
    "outcomes: linking learning to business results, diagnosing performance problems, choosing solutions, "
    "writing measurable objectives, assessment, practice design, evaluation and client partnership."
)
CRITERIA = (
    "Completed the ten-module MID course; passed the MID Certification Exam at the cut score with every "
    "competency at mastery; and submitted a design portfolio that two independent, calibrated assessors scored "
    "at level 3 or above on every rubric criterion."
)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_url(purpose: str, number: int) -> str:
    return f"{base_url()}/credentials/status/{purpose}-{number}"


def issuer_profile() -> dict[str, Any]:
    """The issuer, as embedded in credentials (without keys) and served at /issuer (with them)."""
    return {"id": keys.issuer_id(), "type": ["Profile"], "name": ISSUER_NAME, "url": f"{base_url()}/"}


def issuer_document() -> dict[str, Any]:
    """The public issuer profile: who we are, and the key that signs our credentials (a Multikey)."""
    method = keys.verification_method()
    return {
        "@context": [VC_V2, OB_V3P0, "https://w3id.org/security/multikey/v1"],
        **issuer_profile(),
        "description": "Runs the Measurable Instructional Design certification and signs its credentials.",
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": keys.issuer_id(),
                "publicKeyMultibase": keys.public_key_multibase(),
            }
        ],
        "assertionMethod": [method],
    }


def unsigned_credential(
    *,
    code: str,
    serial: str,
    holder_name: str,
    issued_at: datetime,
    expires_at: datetime,
    competencies: list[tuple[str, str]],
    status_list: int,
    status_index: int,
) -> dict[str, Any]:
    base = base_url()
    return {
        "@context": [VC_V2, OB_V3P0],
        "id": f"{base}/credentials/{code}.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": ACHIEVEMENT_NAME,
        "description": f"Certificate {serial}, awarded to {holder_name}.",
        "issuer": issuer_profile(),
        "validFrom": timestamp(issued_at),
        "validUntil": timestamp(expires_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # Open Badges names the holder with an IdentityObject; "name" identities are not hashed.
            "identifier": [
                {"type": "IdentityObject", "identityHash": holder_name, "identityType": "name", "hashed": False}
            ],
            "achievement": {
                "id": f"{base}/achievements/mid",
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": ACHIEVEMENT_NAME,
                "description": ACHIEVEMENT_DESCRIPTION,
                "criteria": {"id": f"{base}/achievements/mid#criteria", "narrative": CRITERIA},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": title,
                        "targetUrl": f"{base}/achievements/mid#{code_}",
                        "targetCode": code_,
                        "targetFramework": "MID competency framework",
                        "targetType": "ceasn:Competency",
                    }
                    for code_, title in competencies
                ],
            },
        },
        # One entry, as the Open Badges schema allows: revocation. Suspension is published in a parallel
        # list at the same index (see /credentials/status/suspension-N), which our verifier checks too.
        "credentialStatus": status_list_entry(
            list_url=status_list_url("revocation", status_list), index=status_index, purpose="revocation"
        ),
    }
