"""eddsa-rdfc-2022 against the W3C vc-di-eddsa test vectors (read in place from ../shared/fixtures)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from certify.credentials.canonical import canonicalize
from certify.credentials.dataintegrity import Failure, hash_data, proof_configuration, sign, verify
from certify.credentials.multibase import BASE58_ALPHABET, encode_base58btc
from certify.credentials.multikey import private_key_from_multibase, resolve_did_key
from tests.support.credentials import ISSUER_KEY, VC_DI_EDDSA, read_json, read_text

# (name, unsigned document, directory of the expected intermediate values)
VECTORS = [
    ("alumni", "unsigned.json", "eddsa-rdfc-2022"),
    ("employment", "employmentAuth.json", "eddsa-rdfc-2022/employ"),
]


class Vector:
    def __init__(self, unsigned: str, directory: str) -> None:
        self.dir: Path = VC_DI_EDDSA / directory
        self.unsigned: dict[str, Any] = read_json(VC_DI_EDDSA / unsigned)
        self.signed: dict[str, Any] = read_json(self.dir / "signedDataInt.json")
        proof = self.signed["proof"]
        self.verification_method: str = proof["verificationMethod"]
        self.created: str = proof["created"]
        self.key = private_key_from_multibase(read_json(VC_DI_EDDSA / "keyPair.json")["privateKeyMultibase"])

    def text(self, name: str) -> str:
        return read_text(self.dir / name)

    def hex(self, name: str) -> bytes:
        return bytes.fromhex(self.text(name).strip())

    def proof_config(self) -> dict[str, Any]:
        return proof_configuration(self.unsigned, self.verification_method, self.created)


@pytest.fixture(params=VECTORS, ids=[name for name, _, _ in VECTORS])
def vector(request: pytest.FixtureRequest) -> Vector:
    _, unsigned, directory = request.param
    return Vector(unsigned, directory)


def test_canonical_document_matches_vector(vector: Vector):
    assert canonicalize(vector.unsigned) == vector.text("canonDocDataInt.txt")


def test_proof_configuration_matches_vector(vector: Vector):
    assert vector.proof_config() == read_json(vector.dir / "proofConfigDataInt.json")


def test_canonical_proof_configuration_matches_vector(vector: Vector):
    assert canonicalize(vector.proof_config()) == vector.text("proofCanonDataInt.txt")


def test_hashes_match_vector(vector: Vector):
    document_hash = hashlib.sha256(canonicalize(vector.unsigned).encode()).digest()
    proof_hash = hashlib.sha256(canonicalize(vector.proof_config()).encode()).digest()
    assert document_hash == vector.hex("docHashDataInt.txt")
    assert proof_hash == vector.hex("proofHashDataInt.txt")
    assert hash_data(vector.unsigned, vector.proof_config()) == vector.hex("combinedHashDataInt.txt")


def test_signature_matches_vector(vector: Vector):
    signature = vector.key.sign(hash_data(vector.unsigned, vector.proof_config()))
    assert signature == vector.hex("sigHexDataInt.txt")
    assert encode_base58btc(signature) == vector.text("sigBTC58DataInt.txt").strip()


def test_sign_reproduces_signed_vector(vector: Vector):
    signed = sign(vector.unsigned, vector.key, vector.verification_method, vector.created)
    assert signed == vector.signed
    assert "proof" not in vector.unsigned  # the input is left alone


def test_verify_accepts_signed_vector(vector: Vector):
    result = verify(vector.signed, resolve_did_key)
    assert result.verified, result.detail
    assert result.failure is None
    assert result.verification_method == vector.verification_method


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    elif isinstance(node, str):
        yield path


def _changed(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    parent: Any = changed
    for step in path[:-1]:
        parent = parent[step]
    value = parent[path[-1]]
    parent[path[-1]] = value[:-1] + ("0" if value[-1] != "0" else "1")
    return changed


def test_verify_rejects_any_changed_claim(vector: Vector):
    claims = [path for path in _leaves(vector.signed) if path[0] != "proof"]
    assert len(claims) >= 8
    for path in claims:
        result = verify(_changed(vector.signed, path), resolve_did_key)
        # A changed type can also leave other terms undefined, which is refused as malformed.
        expected = {Failure.SIGNATURE_MISMATCH, Failure.MALFORMED} if "type" in path else {Failure.SIGNATURE_MISMATCH}
        assert result.failure in expected, f"changing {path} gave {result}"


def test_verify_rejects_changed_created(vector: Vector):
    tampered = copy.deepcopy(vector.signed)
    tampered["proof"]["created"] = "2023-02-24T23:36:39Z"
    assert verify(tampered, resolve_did_key).failure is Failure.SIGNATURE_MISMATCH


@pytest.mark.parametrize("position", [1, 20, 44, -1])
def test_verify_rejects_one_changed_character_of_proof_value(vector: Vector, position: int):
    tampered = copy.deepcopy(vector.signed)
    value = tampered["proof"]["proofValue"]
    index = position % len(value)
    replacement = next(char for char in BASE58_ALPHABET[1:] if char != value[index])
    tampered["proof"]["proofValue"] = value[:index] + replacement + value[index + 1 :]
    result = verify(tampered, resolve_did_key)
    assert not result.verified
    assert result.failure in {Failure.SIGNATURE_MISMATCH, Failure.MALFORMED}


def test_verify_rejects_another_key(vector: Vector):
    result = verify(vector.signed, lambda method: ISSUER_KEY.public_key())
    assert result.failure is Failure.SIGNATURE_MISMATCH


@pytest.mark.parametrize(
    ("field", "value", "failure"),
    [
        ("type", "Ed25519Signature2020", Failure.UNSUPPORTED_PROOF),
        ("cryptosuite", "ecdsa-rdfc-2019", Failure.UNSUPPORTED_PROOF),
        ("proofPurpose", "authentication", Failure.WRONG_PURPOSE),
        ("verificationMethod", "did:example:unknown#key-1", Failure.UNKNOWN_KEY),
        ("created", "24 February 2023", Failure.MALFORMED),
        ("proofValue", "uNotBase58", Failure.MALFORMED),
        ("proofValue", "z2YwC8z3ap7yx1nZ", Failure.MALFORMED),
    ],
)
def test_verify_names_the_reason(vector: Vector, field: str, value: str, failure: Failure):
    tampered = copy.deepcopy(vector.signed)
    tampered["proof"][field] = value
    result = verify(tampered, resolve_did_key)
    assert result.failure is failure
    assert result.detail


@pytest.mark.parametrize(
    "document",
    [
        "not a credential",
        {"@context": "https://www.w3.org/ns/credentials/v2"},
        {"@context": "https://www.w3.org/ns/credentials/v2", "proof": "z123"},
        {"@context": "https://www.w3.org/ns/credentials/v2", "proof": [{}, {}]},
    ],
)
def test_verify_rejects_malformed_input_without_raising(document: Any):
    assert verify(document, resolve_did_key).failure is Failure.MALFORMED


def test_verify_accepts_a_proof_in_a_one_element_list(vector: Vector):
    listed = copy.deepcopy(vector.signed)
    listed["proof"] = [listed["proof"]]
    assert verify(listed, resolve_did_key).verified
