"""Fixtures and readers shared by the certificate verification tests."""

from __future__ import annotations

import json

import pytest

from certify.credentials.dataintegrity import verify
from certify.credentials.multikey import public_key_from_multibase
from certify.credentials.statuslist import StatusBitstring
from tests.support.certificates import issue_now, page
from tests.support.helpers import post_form

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
