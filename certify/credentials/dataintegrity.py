"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

Signing: the proof configuration (the proof options plus the document's @context) and the
document without its proof are each canonicalised with RDFC-1.0 and hashed with SHA-256;
Ed25519 signs proof-configuration hash + document hash (64 bytes), and `proofValue` is the
signature in multibase base58btc.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from certify.credentials.canonical import CanonicalizationError, canonicalize
from certify.credentials.loader import ContextNotBundledError
from certify.credentials.multibase import MultibaseError, decode_base58btc, encode_base58btc

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
SIGNATURE_LENGTH = 64

# xsd:dateTime, which `created` and `expires` are typed as by the contexts.
_DATETIME = re.compile(r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")

KeyResolver = Callable[[str], Ed25519PublicKey | None]


class Failure(StrEnum):
    """Why a proof was not accepted."""

    MALFORMED = "malformed"
    UNSUPPORTED_PROOF = "unsupported_proof"
    WRONG_PURPOSE = "wrong_purpose"
    CONTEXT_NOT_BUNDLED = "context_not_bundled"
    UNKNOWN_KEY = "unknown_key"
    SIGNATURE_MISMATCH = "signature_mismatch"


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of `verify`: `verified`, or a `failure` with a readable `detail`."""

    verified: bool
    failure: Failure | None = None
    detail: str = ""
    verification_method: str | None = None


def _rejected(failure: Failure, detail: str, verification_method: str | None = None) -> VerificationResult:
    return VerificationResult(False, failure, detail, verification_method)


def is_datetime(value: object) -> bool:
    """True for an xsd:dateTime string such as 2023-02-24T23:36:38Z."""
    return isinstance(value, str) and _DATETIME.fullmatch(value) is not None


def proof_configuration(
    document: Mapping[str, Any],
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """The proof options that get signed, with the document's @context (spec §3.3.5)."""
    if not is_datetime(created):
        raise ValueError(f"created must be an xsd:dateTime such as 2024-01-31T12:00:00Z, not {created!r}")
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        "@context": copy.deepcopy(document["@context"]),
    }


def hash_data(unsecured_document: Mapping[str, Any], proof_config: Mapping[str, Any]) -> bytes:
    """SHA-256(canonical proof configuration) + SHA-256(canonical document): what is signed."""
    proof_hash = hashlib.sha256(canonicalize(proof_config).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonicalize(unsecured_document).encode("utf-8")).digest()
    return proof_hash + document_hash


def sign(
    document: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
    *,
    proof_as_list: bool = False,
) -> dict[str, Any]:
    """A copy of `document` with an embedded `eddsa-rdfc-2022` proof.

    `proof_as_list` puts the proof in a one-element list, as the Open Badges 3.0 JSON
    schema requires; the W3C examples use a single object. Both verify the same way.
    Raises ValueError for a document that already has a proof or cannot be canonicalised.
    """
    if "proof" in document:
        raise ValueError("document already has a proof; chained proofs are not supported")
    if "@context" not in document:
        raise ValueError("document has no @context")
    config = proof_configuration(document, verification_method, created, proof_purpose)
    signature = private_key.sign(hash_data(document, config))
    proof = {key: value for key, value in config.items() if key != "@context"}
    proof["proofValue"] = encode_base58btc(signature)
    secured = copy.deepcopy(document)
    secured["proof"] = [proof] if proof_as_list else proof
    return secured


def _single_proof(document: Mapping[str, Any]) -> dict[str, Any] | str:
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            return f"expected one proof, found {len(proof)} (proof sets and chains are not supported)"
        proof = proof[0]
    if not isinstance(proof, dict):
        return "document has no proof object"
    return proof


def _check_proof_options(proof: Mapping[str, Any], expected_purpose: str) -> VerificationResult | None:
    method = proof.get("verificationMethod")
    if proof.get("type") != PROOF_TYPE:
        return _rejected(Failure.UNSUPPORTED_PROOF, f"proof type is {proof.get('type')!r}, expected {PROOF_TYPE!r}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        detail = f"cryptosuite is {proof.get('cryptosuite')!r}, expected {CRYPTOSUITE!r}"
        return _rejected(Failure.UNSUPPORTED_PROOF, detail)
    if not isinstance(method, str) or not method:
        return _rejected(Failure.MALFORMED, "proof has no verificationMethod")
    if proof.get("proofPurpose") != expected_purpose:
        detail = f"proofPurpose is {proof.get('proofPurpose')!r}, expected {expected_purpose!r}"
        return _rejected(Failure.WRONG_PURPOSE, detail, method)
    for field in ("created", "expires"):
        if field in proof and not is_datetime(proof[field]):
            return _rejected(Failure.MALFORMED, f"proof {field} {proof[field]!r} is not an xsd:dateTime", method)
    return None


def verify(
    document_with_proof: Mapping[str, Any],
    resolve_key: KeyResolver,
    expected_proof_purpose: str = "assertionMethod",
) -> VerificationResult:
    """Check the document's `eddsa-rdfc-2022` proof; never raises for bad input.

    `resolve_key` maps the proof's verificationMethod to a trusted public key, or None when
    the method is unknown or not trusted for this issuer. Validity dates and status are
    the caller's to check: this answers only "was this signed by that key".
    """
    if not isinstance(document_with_proof, Mapping):
        return _rejected(Failure.MALFORMED, "credential is not a JSON object")
    proof = _single_proof(document_with_proof)
    if isinstance(proof, str):
        return _rejected(Failure.MALFORMED, proof)
    problem = _check_proof_options(proof, expected_proof_purpose)
    if problem is not None:
        return problem
    method: str = proof["verificationMethod"]
    try:
        signature = decode_base58btc(proof.get("proofValue", ""))
    except MultibaseError as exc:
        return _rejected(Failure.MALFORMED, f"proofValue: {exc}", method)
    if len(signature) != SIGNATURE_LENGTH:
        return _rejected(Failure.MALFORMED, f"proofValue holds {len(signature)} bytes, not 64", method)

    unsecured = {key: value for key, value in document_with_proof.items() if key != "proof"}
    if "@context" not in unsecured:
        return _rejected(Failure.MALFORMED, "credential has no @context", method)
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in options:
        # A proof with its own @context must name a prefix of the document's contexts.
        wanted, have = _as_list(options["@context"]), _as_list(unsecured["@context"])
        if have[: len(wanted)] != wanted:
            return _rejected(Failure.MALFORMED, "proof @context does not match the credential's", method)
        unsecured["@context"] = options["@context"]
    options["@context"] = unsecured["@context"]

    key = resolve_key(method)
    if key is None:
        return _rejected(Failure.UNKNOWN_KEY, f"verification method {method!r} is not a known key", method)
    try:
        signed_bytes = hash_data(unsecured, options)
    except ContextNotBundledError as exc:
        return _rejected(Failure.CONTEXT_NOT_BUNDLED, str(exc), method)
    except CanonicalizationError as exc:
        return _rejected(Failure.MALFORMED, str(exc), method)
    try:
        key.verify(signature, signed_bytes)
    except InvalidSignature:
        return _rejected(Failure.SIGNATURE_MISMATCH, "signature does not match the credential's content", method)
    return VerificationResult(True, None, "", method)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
