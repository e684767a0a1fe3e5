"""The Open Badges 3.0 AchievementCredential of a certificate, and the issuer profile that vouches for it."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from certify.certificates import keys
from certify.credentials.loader import OB_V3P0, VC_V2
from certify.credentials.statuslist import status_list_entry
from certify.urls import base_url

if TYPE_CHECKING:
    from certify.outcomes.evidence import AttestedOutcome

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


OUTCOME_EVIDENCE_NAME = "Sponsor-attested outcome"
OUTCOME_RESULT_NAME = "Sponsor-attested outcome: the key performance metric the holder's certification design targeted"


def outcome_result_description_id() -> str:
    return f"{base_url()}/achievements/mid#attested-outcome"


def with_outcome(credential: dict[str, Any], outcome: AttestedOutcome | None) -> dict[str, Any]:
    """The credential, without its proof, carrying `outcome` (or, with None, no outcome at all).

    The outcome goes in twice, as Open Badges 3.0 allows: an `evidence` entry with the sentence and a
    narrative, and a `result` of the subject linked to a `resultDescription` of the achievement. Neither
    names the sponsor. Anything an earlier outcome added is removed first, so this is idempotent.
    """
    document = copy.deepcopy({key: value for key, value in credential.items() if key != "proof"})
    subject = document["credentialSubject"]
    achievement = subject["achievement"]
    document.pop("evidence", None)
    subject.pop("result", None)
    achievement.pop("resultDescription", None)
    if outcome is None:
        return document
    description_id = outcome_result_description_id()
    document["evidence"] = [
        {
            "id": document["id"].replace("/credentials/", "/verify/").removesuffix(".json") + "#attested-outcome",
            "type": ["Evidence"],
            "name": OUTCOME_EVIDENCE_NAME,
            "description": outcome.sentence,
            "narrative": (
                f"The holder's certification design set out to move {outcome.metric} at work, from "
                f"{outcome.baseline_text} to {outcome.target_text} by {outcome.expected_by:%B %Y}. "
                f"{outcome.months} months after certification, their sponsor attested {outcome.value_text} "
                f"on {outcome.attested_on:%d %B %Y}. The holder agreed to publish this outcome."
            ),
            "genre": "Sponsor attestation",
        }
    ]
    achievement["resultDescription"] = [
        {
            "id": description_id,
            "type": ["ResultDescription"],
            "name": OUTCOME_RESULT_NAME,
            "resultType": "ext:SponsorAttestedOutcome",
        }
    ]
    subject["result"] = [
        {
            "type": ["Result"],
            "resultDescription": description_id,
            "value": f"{outcome.metric}: {outcome.change}",
        }
    ]
    return document


def outcome_of_credential(credential: dict[str, Any]) -> str | None:
    """The attested outcome sentence a credential carries, if any (for the audit trail)."""
    for entry in credential.get("evidence", []):
        if isinstance(entry, dict) and entry.get("name") == OUTCOME_EVIDENCE_NAME:
            return str(entry.get("description", ""))
    return None
