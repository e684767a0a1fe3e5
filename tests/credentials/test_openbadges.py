"""A signed Open Badges 3.0 credential: valid against the official schema, verifiable, tamper-evident."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from certify.credentials.canonical import canonicalize
from certify.credentials.dataintegrity import Failure, sign, verify
from certify.credentials.statuslist import status_list_entry
from tests.support.credentials import (
    CREATED,
    ISSUER_KEY,
    KEY_ID,
    OB_SCHEMA,
    achievement_credential,
    issuer_keys,
    read_json,
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = read_json(OB_SCHEMA)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(validator: Any, credential: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(credential)
    ]


def signed_credential() -> dict[str, Any]:
    return sign(achievement_credential(), ISSUER_KEY, KEY_ID, CREATED, proof_as_list=True)


def test_schema_is_draft_2019_09(validator):
    assert isinstance(validator, jsonschema.Draft201909Validator)


def test_sample_credential_is_valid_against_the_official_schema(validator):
    assert schema_errors(validator, achievement_credential()) == []


def test_signed_credential_is_valid_against_the_official_schema(validator):
    assert schema_errors(validator, signed_credential()) == []


def test_schema_wants_the_proof_as_a_list(validator):
    single = sign(achievement_credential(), ISSUER_KEY, KEY_ID, CREATED)
    assert any(error.startswith("proof:") for error in schema_errors(validator, single))


def test_schema_allows_one_credential_status_object_only(validator):
    # Worth knowing when adding suspension: VC 2.0 allows a list of status entries, this schema does not.
    credential = achievement_credential()
    credential["credentialStatus"] = [
        credential["credentialStatus"],
        status_list_entry(
            list_url="https://certify.example/credentials/status/suspension", index=42, purpose="suspension"
        ),
    ]
    assert any(error.startswith("credentialStatus:") for error in schema_errors(validator, credential))


def test_schema_rejects_a_credential_without_an_achievement(validator):
    credential = achievement_credential()
    del credential["credentialSubject"]["achievement"]
    assert schema_errors(validator, credential)


def test_every_property_of_the_credential_is_defined_by_its_contexts():
    quads = canonicalize(achievement_credential())
    assert "<https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement>" in quads
    assert '<https://www.w3.org/ns/credentials/status#statusListIndex> "42"' in quads


def test_signed_credential_verifies_with_the_issuer_key():
    result = verify(signed_credential(), issuer_keys)
    assert result.verified, result.detail
    assert result.verification_method == KEY_ID


def test_signing_twice_gives_the_same_credential():
    assert signed_credential() == signed_credential()


def test_credential_from_an_unknown_key_is_refused():
    result = verify(signed_credential(), lambda method: None)
    assert result.failure is Failure.UNKNOWN_KEY


@pytest.mark.parametrize(
    "path",
    [
        ("credentialSubject", "achievement", "name"),
        ("credentialSubject", "achievement", "criteria", "narrative"),
        ("credentialSubject", "achievement", "alignment", 1, "targetCode"),
        ("credentialSubject", "identifier", 0, "identityHash"),
        ("credentialStatus", "statusListIndex"),
        ("issuer", "name"),
        ("validUntil",),
    ],
)
def test_changing_any_claim_breaks_the_signature(path):
    tampered = copy.deepcopy(signed_credential())
    parent: Any = tampered
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = parent[path[-1]][:-1] + ("7" if parent[path[-1]][-1] != "7" else "8")
    assert verify(tampered, issuer_keys).failure is Failure.SIGNATURE_MISMATCH
