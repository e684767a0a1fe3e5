"""Anyone can check a credential, pasted or uploaded: ours, tampered with, from another issuer, or malformed."""

from __future__ import annotations

import copy
import io
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certify.credentials.dataintegrity import sign
from certify.credentials.multikey import did_key, did_key_verification_method
from tests.support.certificates import page
from tests.support.credentials import CREATED, achievement_credential
from tests.support.helpers import post_form, text
from tests.support.verification import check_json, credential_of


def _tamper_holder(c: dict) -> None:
    c["credentialSubject"]["identifier"][0]["identityHash"] = "Mallory Quill"


def _tamper_valid_until(c: dict) -> None:
    c["validUntil"] = c["validUntil"].replace(c["validUntil"][:4], str(int(c["validUntil"][:4]) + 10))


def _tamper_proof_value(c: dict) -> None:
    value = c["proof"][0]["proofValue"]
    c["proof"][0]["proofValue"] = value[:-1] + ("2" if value[-1] != "2" else "3")


def _tamper_competency(c: dict) -> None:
    c["credentialSubject"]["achievement"]["alignment"][0]["targetName"] += "!"


def _tamper_status_index(c: dict) -> None:
    c["credentialStatus"]["statusListIndex"] = str(int(c["credentialStatus"]["statusListIndex"]) + 1)


@pytest.mark.parametrize(
    "tamper", [_tamper_holder, _tamper_valid_until, _tamper_proof_value, _tamper_competency, _tamper_status_index]
)
def test_any_change_to_the_credential_is_not_verified(visitor, issued, tamper):
    credential = credential_of(visitor, issued.code)
    assert "Verified." in check_json(visitor, credential)[1]
    changed = copy.deepcopy(credential)
    tamper(changed)

    status, result = check_json(visitor, changed)

    assert status == 200
    assert "Not verified." in result and "The signature does not verify" in result
    assert "Verified." not in result.replace("Not verified.", "")


def test_one_changed_byte_in_the_served_file_is_not_verified(visitor, issued):
    raw = visitor.get(f"/credentials/{issued.code}.json").data
    position = raw.index(b"Cassandra Quill")
    changed = raw[:position] + b"K" + raw[position + 1 :]

    result = page(post_form(visitor, "/verify/", {"file": (io.BytesIO(changed), "credential.json")}))

    assert "Not verified." in result


def test_genuine_credential_uploaded_as_a_file_is_verified(visitor, issued):
    raw = visitor.get(f"/credentials/{issued.code}.json").data

    response = post_form(visitor, "/verify/", {"file": (io.BytesIO(raw), f"{issued.serial}.json")})

    assert response.status_code == 200
    result = page(response)
    assert f"Verified. The signature is valid and {issued.serial} is in good standing." in result
    assert f'href="/verify/{issued.code}"' in text(response)


def test_credential_from_another_issuer_with_a_did_key(visitor, issued):
    key = Ed25519PrivateKey.generate()
    issuer = did_key(key.public_key())
    credential = achievement_credential()
    credential["issuer"]["id"] = issuer
    signed = sign(credential, key, did_key_verification_method(key.public_key()), CREATED, proof_as_list=True)

    status, result = check_json(visitor, signed)

    assert status == 200
    assert "Signature valid, but:" in result
    assert "published by another issuer and cannot be fetched from here" in result
    assert "Not verified." not in result


def test_did_key_credential_claiming_our_issuer_is_refused(visitor, issued):
    key = Ed25519PrivateKey.generate()
    credential = copy.deepcopy(issued.credential)
    credential.pop("proof")
    signed = sign(credential, key, did_key_verification_method(key.public_key()), CREATED, proof_as_list=True)

    result = check_json(visitor, signed)[1]

    assert "signed with a key that does not belong to its issuer" in result
    assert "Verified." not in result


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"@context": [', "That is not valid JSON"),
        ("not json at all", "That is not valid JSON"),
        ("", "Paste the credential's JSON or choose its file."),
        ("   \n ", "Paste the credential's JSON or choose its file."),
    ],
)
def test_malformed_or_empty_input_is_a_clear_400(visitor, raw, message):
    status, result = check_json(visitor, raw)

    assert status == 400
    assert message in result


def test_json_that_is_not_an_object_is_not_verified(visitor):
    status, result = check_json(visitor, "[1, 2, 3]")

    assert status == 200
    assert "Not verified." in result and "expected a JSON object" in result


def test_oversized_credential_is_a_413(visitor):
    huge = json.dumps({"padding": "x" * (512 * 1024)})

    assert check_json(visitor, huge)[0] == 413
    upload = post_form(visitor, "/verify/", {"file": (io.BytesIO(huge.encode()), "big.json")})
    assert upload.status_code == 413
    assert "That is larger than any credential (512 KB)." in page(upload)


def test_pasted_text_is_kept_after_an_error(visitor):
    response = post_form(visitor, "/verify/", {"json": '{"name": "<b>half'})

    assert response.status_code == 400
    assert "{&#34;name&#34;: &#34;&lt;b&gt;half</textarea>" in text(response)


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_200000_deep_is_a_quick_clear_400(visitor, issued, opening):
    deep = opening * 200_000 if opening == "[" else opening * 100_000  # 500 KB: under the size limit
    for form in ({"json": deep}, {"file": (io.BytesIO(deep.encode()), "deep.json")}):
        started = time.process_time()  # the app's CPU (it runs in this process), not wall time on a busy machine
        response = post_form(visitor, "/verify/", form)
        assert time.process_time() - started < 1
        assert response.status_code == 400
        assert "nested too deeply (at most 32 levels)" in page(response)
    assert check_json(visitor, credential_of(visitor, issued.code))[0] == 200  # nothing changed: ours still verifies


def test_brackets_inside_strings_do_not_count_as_nesting(visitor):
    status, result = check_json(visitor, json.dumps({"name": "[" * 1000}))

    assert status == 200 and "Not verified." in result
