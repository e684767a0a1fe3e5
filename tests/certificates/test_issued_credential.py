"""What an issued certificate publishes: the signed Open Badges 3.0 credential, issuer key, PDF and status lists."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import jsonschema
import pytest

from certify.certificates.models import STATUS_LIST_SIZE
from certify.core.eligibility import add_years
from certify.credentials.dataintegrity import verify
from certify.credentials.multikey import public_key_from_multibase
from certify.credentials.statuslist import StatusBitstring
from tests.support.certificates import issue_now, readable_pdf
from tests.support.credentials import OB_SCHEMA, read_json


@pytest.fixture(scope="module")
def validator():
    schema = read_json(OB_SCHEMA)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture
def issued(certification):
    world = certification.world
    certification.make_eligible(world.candidate)
    return issue_now(world.app, world.candidate, certification.admin)


def issuer_resolver(client):
    """A key resolver that trusts exactly the key published at /issuer, as an outside verifier would."""
    response = client.get("/issuer")
    assert response.status_code == 200
    document = response.get_json(force=True)
    (method,) = document["verificationMethod"]
    assert method["type"] == "Multikey" and method["controller"] == document["id"]
    assert document["assertionMethod"] == [method["id"]]
    key = public_key_from_multibase(method["publicKeyMultibase"])
    return lambda wanted: key if wanted == method["id"] else None


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_credential_is_valid_against_the_official_open_badges_schema(certification, issued, validator):
    served = certification.world.app.test_client().get(f"/credentials/{issued.code}.json")

    assert served.status_code == 200 and served.mimetype == "application/vc+ld+json"
    credential = json.loads(served.data)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(credential)]
    assert errors == []
    assert credential == issued.credential
    assert served.headers["Content-Disposition"] == f'inline; filename="{issued.serial}.json"'


def test_credential_names_the_holder_the_achievement_and_every_competency(certification, issued):
    credential = issued.credential
    base = certification.world.app.config["BASE_URL"]

    assert credential["id"] == f"{base}/credentials/{issued.code}.json"
    assert credential["issuer"]["id"] == f"{base}/issuer"
    subject = credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Cassandra Quill"
    assert subject["achievement"]["id"] == f"{base}/achievements/mid"
    codes = [a["targetCode"] for a in subject["achievement"]["alignment"]]
    assert len(codes) >= 8 and len(set(codes)) == len(codes)
    assert issued.serial in credential["description"]


def test_credential_verifies_with_the_key_published_at_issuer(certification, issued):
    resolve = issuer_resolver(certification.world.app.test_client())

    result = verify(issued.credential, resolve)

    assert result.verified, result.detail
    assert result.verification_method == issued.credential["proof"][0]["verificationMethod"]


def test_credential_does_not_verify_with_another_key(certification, issued):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stranger = Ed25519PrivateKey.generate().public_key()

    assert not verify(issued.credential, lambda _method: stranger).verified


def test_credential_status_points_at_the_revocation_list_and_the_certificate_index(certification, issued):
    app = certification.world.app
    entry = issued.credential["credentialStatus"]
    list_url = f"{app.config['BASE_URL']}/credentials/status/revocation-1"

    assert issued.status_list == 1 and 0 <= issued.status_index < STATUS_LIST_SIZE
    assert entry == {
        "id": f"{list_url}#{issued.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(issued.status_index),
        "statusListCredential": list_url,
    }
    served = app.test_client().get("/credentials/status/revocation-1")
    assert served.status_code == 200 and served.get_json(force=True)["id"] == list_url


def test_each_certificate_gets_its_own_status_index(certification, issued, make_user):
    other = make_user(name="Oswin Second")
    certification.make_eligible(other)

    second = issue_now(certification.world.app, other)

    assert second.status_list == issued.status_list and second.status_index != issued.status_index


def test_credential_is_valid_for_three_years_from_issue(issued):
    start, end = _moment(issued.credential["validFrom"]), _moment(issued.credential["validUntil"])

    assert (end.date(), end.time()) == (add_years(start.date(), 3), start.time())
    assert abs((start - issued.issued_at).total_seconds()) < 1
    assert abs((end - issued.expires_at).total_seconds()) < 1


def test_validity_follows_the_configuration(certification):
    world = certification.world
    world.app.config["CERTIFICATE_VALIDITY_YEARS"] = 1
    certification.make_eligible(world.candidate)

    issued = issue_now(world.app, world.candidate)

    start, end = _moment(issued.credential["validFrom"]), _moment(issued.credential["validUntil"])
    assert end.date() == add_years(start.date(), 1)
    assert issued.expires_at.year - issued.issued_at.year == 1


def test_pdf_is_the_stored_file_with_the_credential_attached(certification, issued):
    response = certification.world.app.test_client().get(f"/credentials/{issued.code}.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == issued.pdf_sha256
    assert response.data.startswith(b"%PDF-")
    readable = readable_pdf(response.data)
    assert b"/UF (credential.json)" in readable
    assert issued.credential["proof"][0]["proofValue"].encode() in readable  # the signed credential itself
    assert response.headers["Content-Disposition"] == f'inline; filename="{issued.serial}.pdf"'


def test_status_lists_are_signed_by_the_issuer_and_start_empty(certification, issued):
    client = certification.world.app.test_client()
    resolve = issuer_resolver(client)

    for purpose in ("revocation", "suspension"):
        response = client.get(f"/credentials/status/{purpose}-1")
        assert response.status_code == 200 and response.mimetype == "application/vc+ld+json"
        document = response.get_json(force=True)
        assert verify(document, resolve).verified
        subject = document["credentialSubject"]
        assert subject["statusPurpose"] == purpose
        bits = StatusBitstring.decode(subject["encodedList"])
        assert bits.length == STATUS_LIST_SIZE and bits.set_indices() == []


@pytest.mark.parametrize(
    "name",
    ["revocation-2", "suspension-9", "revocation-0", "revocation-01", "expiry-1", "revocation", "revocation-1.json"],
)
def test_unknown_status_lists_are_not_found(certification, issued, name):
    assert certification.world.app.test_client().get(f"/credentials/status/{name}").status_code == 404


def test_no_status_list_exists_before_the_first_certificate(client):
    assert client.get("/credentials/status/revocation-1").status_code == 404


def test_issuer_profile_is_public_json_ld(client, app):
    response = client.get("/issuer")

    document = response.get_json(force=True)
    assert response.mimetype == "application/ld+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert document["id"] == f"{app.config['BASE_URL']}/issuer"
    assert document["verificationMethod"][0]["publicKeyMultibase"].startswith("z6Mk")  # an Ed25519 Multikey


def test_achievement_page_lists_the_criteria_and_competencies(certification, issued):
    body = certification.world.app.test_client().get("/achievements/mid").get_data(as_text=True)

    assert "Measurable Instructional Design (MID) Certification" in body and 'id="criteria"' in body
    for alignment in issued.credential["credentialSubject"]["achievement"]["alignment"]:
        assert f'id="{alignment["targetCode"]}"' in body  # the credential's competency links resolve
