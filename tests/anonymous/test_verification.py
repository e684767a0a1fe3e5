"""Anyone can verify a certificate: its page, its status lists, a pasted credential and an uploaded PDF."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import secrets
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certify.credentials.dataintegrity import sign, verify
from certify.credentials.multikey import did_key, did_key_verification_method, public_key_from_multibase
from certify.credentials.statuslist import StatusBitstring
from certify.database import utcnow
from tests.certificates.support import certificate, change, issue_now, page
from tests.credentials.samples import CREATED, achievement_credential
from tests.helpers import post_form, text

REASON = "The portfolio evidence was found to be copied from another candidate."
SUSPENSION = "Under investigation after a complaint from a client."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.fixture
def issued(certification):
    world = certification.world
    certification.make_eligible(world.candidate)
    return issue_now(world.app, world.candidate, certification.admin)


@pytest.fixture
def visitor(certification):
    return certification.world.app.test_client()


@pytest.fixture
def admin_client(certification):
    return certification.world.client_for(certification.admin)


def status_bit(client, purpose: str, index: int) -> bool:
    """The bit for `index` in the published list, after checking the list's signature with the issuer's key."""
    issuer = client.get("/issuer").get_json(force=True)
    (method,) = issuer["verificationMethod"]
    key = public_key_from_multibase(method["publicKeyMultibase"])
    response = client.get(f"/credentials/status/{purpose}-1")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    document = response.get_json(force=True)
    result = verify(document, lambda wanted: key if wanted == method["id"] else None)
    assert result.verified, result.detail
    assert document["credentialSubject"]["statusPurpose"] == purpose
    return StatusBitstring.decode(document["credentialSubject"]["encodedList"]).get(index)


def check_json(client, document) -> tuple[int, str]:
    raw = document if isinstance(document, str) else json.dumps(document)
    response = post_form(client, "/verify/", {"json": raw})
    return response.status_code, page(response)


def credential_of(client, code: str) -> dict:
    response = client.get(f"/credentials/{code}.json")
    assert response.status_code == 200
    return json.loads(response.data)


# The verification page


def test_page_shows_holder_dates_competencies_and_valid_status(visitor, issued):
    response = visitor.get(f"/verify/{issued.code}")

    assert response.status_code == 200
    body = page(response)
    assert f"Certificate {issued.serial}" in body
    assert "Valid. This certificate was issued by Certify and is in good standing." in body
    assert "Holder Cassandra Quill" in body
    assert f"Issued {issued.issued_at:%d %B %Y}" in body
    assert f"Valid until {issued.expires_at:%d %B %Y}" in body
    for alignment in issued.credential["credentialSubject"]["achievement"]["alignment"]:
        assert f"{alignment['targetCode']}: {alignment['targetName']}" in body
    html = text(response)
    assert f'href="/credentials/{issued.code}.json"' in html and f'href="/credentials/{issued.code}.pdf"' in html


def test_revocation_shows_on_the_page_in_the_status_list_and_in_the_credential_check(
    certification, visitor, admin_client, issued
):
    credential = credential_of(visitor, issued.code)
    assert check_json(visitor, credential)[1].count("Verified.") == 1
    assert not status_bit(visitor, "revocation", issued.status_index)

    post_form(admin_client, f"/admin/certificates/{issued.serial}/revoke", {"reason": REASON})

    revoked = certificate(certification.world.app, issued.serial)
    body = page(visitor.get(f"/verify/{issued.code}"))
    assert f"Revoked. This certificate was revoked on {revoked.status_changed_at:%d %B %Y}. Reason: {REASON}" in body
    assert "Valid." not in body
    assert status_bit(visitor, "revocation", issued.status_index)
    assert not status_bit(visitor, "suspension", issued.status_index)
    status, result = check_json(visitor, credential)
    assert status == 200
    assert "Signature valid, but:" in result and f"The certificate was revoked: {REASON}" in result
    assert "Verified." not in result


def test_suspension_and_reinstatement_show_everywhere(certification, visitor, admin_client, issued):
    credential = credential_of(visitor, issued.code)

    post_form(admin_client, f"/admin/certificates/{issued.serial}/suspend", {"reason": SUSPENSION})

    suspended = certificate(certification.world.app, issued.serial)
    body = page(visitor.get(f"/verify/{issued.code}"))
    assert f"Suspended. This certificate is suspended since {suspended.status_changed_at:%d %B %Y}" in body
    assert status_bit(visitor, "suspension", issued.status_index)
    assert not status_bit(visitor, "revocation", issued.status_index)
    result = check_json(visitor, credential)[1]
    assert "The certificate is suspended." in result and "Verified." not in result

    post_form(admin_client, f"/admin/certificates/{issued.serial}/reinstate")

    assert "Valid. This certificate was issued by Certify" in page(visitor.get(f"/verify/{issued.code}"))
    assert not status_bit(visitor, "suspension", issued.status_index)
    assert "Verified." in check_json(visitor, credential)[1]


def test_expired_certificate_says_so(certification, visitor, issued):
    past = utcnow() - timedelta(days=1)
    change(certification.world.app, issued.serial, expires_at=past)

    body = page(visitor.get(f"/verify/{issued.code}"))

    assert f"Expired. This certificate expired on {past:%d %B %Y}." in body
    assert "Valid." not in body


def test_expired_credential_is_not_verified(visitor, issued):
    """A credential past its validUntil is reported as expired (re-signed here so that only the date differs)."""
    from certify.certificates import keys

    credential = credential_of(visitor, issued.code)
    credential.pop("proof")
    credential["validUntil"] = "2020-01-01T00:00:00Z"
    with visitor.application.app_context():
        resigned = sign(credential, keys.signing_key(), keys.verification_method(), CREATED, proof_as_list=True)

    result = check_json(visitor, resigned)[1]

    assert "The credential expired on 01 January 2020." in result and "Verified." not in result


# Checking a pasted or uploaded credential


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


# Checking an uploaded PDF


def check_pdf(client, code: str, data: bytes, name: str = "certificate.pdf"):
    return post_form(client, f"/verify/{code}/pdf", {"file": (io.BytesIO(data), name)})


def test_genuine_pdf_is_recognised_and_a_changed_byte_is_not(visitor, issued):
    pdf = visitor.get(f"/credentials/{issued.code}.pdf").data
    assert hashlib.sha256(pdf).hexdigest() == issued.pdf_sha256

    genuine = check_pdf(visitor, issued.code, pdf)
    middle = len(pdf) // 2
    altered = check_pdf(visitor, issued.code, pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :])

    assert genuine.status_code == 200
    assert f"Genuine. This PDF is exactly the file we issued for {issued.serial}." in page(genuine)
    assert altered.status_code == 200
    assert "Not genuine." in page(altered) and "Genuine." not in page(altered).replace("Not genuine.", "")


def test_pdf_of_another_certificate_is_not_genuine(certification, visitor, issued, make_user):
    other = make_user(name="Oswin Second")
    certification.make_eligible(other)
    second = issue_now(certification.world.app, other)

    response = check_pdf(visitor, issued.code, visitor.get(f"/credentials/{second.code}.pdf").data)

    assert "Not genuine." in page(response)


@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (PNG, "certificate.png", 400, "That file is not a PDF."),
        (b"This is my certificate, honestly.\n", "certificate.txt", 400, "That file is not a PDF."),
        (b"", "certificate.pdf", 400, "Choose the PDF file to check."),
        (b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "huge.pdf", 413, "larger than any certificate we issue (10 MB)"),
    ],
)
def test_pdf_check_refuses_other_files_clearly(visitor, issued, data, name, status, message):
    response = check_pdf(visitor, issued.code, data, name)

    assert response.status_code == status
    assert message in page(response)
    assert "Genuine." not in page(response)


# Unknown codes


def _scrub(body: str) -> str:
    return re.sub(r'content="[^"]*"|value="[^"]*"', "", body)


def test_unknown_forged_and_malformed_codes_are_indistinguishable_404s(visitor, issued):
    forged = issued.code[:-1] + ("A" if issued.code[-1] != "A" else "B")
    well_formed = secrets.token_urlsafe(24)
    codes = [forged, well_formed, "short", "bad!code*" * 3, "x" * 65, issued.code.lower()]

    responses = [visitor.get(f"/verify/{code}") for code in codes]

    assert [r.status_code for r in responses] == [404] * len(codes)
    bodies = {_scrub(text(r)) for r in responses}
    assert len(bodies) == 1, "a malformed code must look exactly like an unknown one"
    for code in codes:
        assert code not in next(iter(bodies))
    for suffix in (".json", ".pdf"):
        assert visitor.get(f"/credentials/{well_formed}{suffix}").status_code == 404
        assert visitor.get(f"/credentials/bad!{suffix}").status_code == 404
    assert check_pdf(visitor, well_formed, b"%PDF-1.7\n").status_code == 404


def test_thirty_misses_from_one_client_are_throttled(certification, visitor, issued):
    for _ in range(30):
        assert visitor.get(f"/verify/{secrets.token_urlsafe(24)}").status_code == 404

    assert visitor.get(f"/verify/{secrets.token_urlsafe(24)}").status_code == 429
    assert visitor.get("/verify/short").status_code == 429
    assert visitor.get(f"/credentials/{secrets.token_urlsafe(24)}.json").status_code == 429
    elsewhere = certification.world.app.test_client()
    other_address = {"REMOTE_ADDR": "203.0.113.9"}
    assert elsewhere.get(f"/verify/{secrets.token_urlsafe(24)}", environ_base=other_address).status_code == 404


def test_credential_checks_are_throttled_per_client(certification, visitor):
    for _ in range(60):
        assert check_json(visitor, "")[0] == 400

    assert check_json(visitor, "{}")[0] == 429
    other = certification.world.app.test_client()
    response = post_form(other, "/verify/", {"json": ""}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 400
