"""Shared test data: fixture paths, a fixed issuer key and a sample Open Badges credential."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from certify.credentials.loader import OB_V3P0, VC_V2
from certify.credentials.statuslist import status_list_entry
from tests.support.shared_fixtures import SHARED_FIXTURES, require

# ../shared/fixtures beside the repository; read in place, never copied into it.
FIXTURES = SHARED_FIXTURES
VC_DI_EDDSA = FIXTURES / "vc-di-eddsa"
OB_SCHEMA = FIXTURES / "openbadges" / "ob_v3p0_achievementcredential_schema.json"

BASE_URL = "https://certify.example"
ISSUER_ID = f"{BASE_URL}/issuer"
KEY_ID = f"{ISSUER_ID}#key-1"
REVOCATION_LIST = f"{BASE_URL}/credentials/status/revocation"
CREATED = "2025-03-01T09:00:05Z"

# A fixed key so that signatures in failing tests are reproducible.
ISSUER_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"certify test issuer key").digest())


def fixture(path: Path) -> Path:
    """`path` under ../shared/fixtures; skips when the checkout has no shared/ beside it (fails in CI)."""
    return require(path)


def read_json(path: Path) -> Any:
    return json.loads(fixture(path).read_text(encoding="utf-8"))


def read_text(path: Path) -> str:
    return fixture(path).read_text(encoding="utf-8")


def issuer_keys(verification_method: str) -> Ed25519PublicKey | None:
    """The key resolver of a verifier that trusts only the test issuer."""
    return ISSUER_KEY.public_key() if verification_method == KEY_ID else None


def achievement_credential(*, status_index: int = 42) -> dict[str, Any]:
    """An unsigned Open Badges 3.0 credential for a certified candidate, as Certify would issue it."""
    salt = "b1946ac92492d2347c6235b4d2611184"
    email_hash = hashlib.sha256(("candidate@example.org" + salt).encode()).hexdigest()
    return {
        "@context": [VC_V2, OB_V3P0],
        "id": f"{BASE_URL}/credentials/3q5Zk7Vd1Jx2uR8sL0cT9w.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Measurable Instructional Design (MID) Certification",
        "description": "Awarded for passing the MID competency exams and portfolio review.",
        "issuer": {
            "id": ISSUER_ID,
            "type": ["Profile"],
            "name": "Certify",
            "url": f"{BASE_URL}/",
        },
        "validFrom": "2025-03-01T09:00:00Z",
        "validUntil": "2028-03-01T09:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": f"sha256${email_hash}",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": f"{BASE_URL}/achievements/mid",
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": "Measurable Instructional Design (MID)",
                "description": "Performance consulting and learning design that measures outcomes, not outputs.",
                "criteria": {
                    "id": f"{BASE_URL}/achievements/mid#criteria",
                    "narrative": "Pass every competency exam at mastery and a double-marked design portfolio.",
                },
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Performance analysis",
                        "targetUrl": f"{BASE_URL}/competencies/PA",
                        "targetCode": "PA",
                        "targetFramework": "MID competencies",
                        "targetType": "ceasn:Competency",
                    },
                    {
                        "type": ["Alignment"],
                        "targetName": "Measurable objectives",
                        "targetUrl": f"{BASE_URL}/competencies/MO",
                        "targetCode": "MO",
                        "targetFramework": "MID competencies",
                        "targetType": "ceasn:Competency",
                    },
                ],
            },
        },
        "credentialStatus": status_list_entry(list_url=REVOCATION_LIST, index=status_index, purpose="revocation"),
    }
