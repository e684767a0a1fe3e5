"""The signed credential carries a consented, sponsor-attested outcome; giving or withdrawing consent re-issues it."""

from __future__ import annotations

import json

import jsonschema
import pytest
from sqlalchemy import select

from certify.audit.models import AuditEvent
from certify.auth.models import User
from certify.certificates.models import Certificate
from certify.certificates.services import refresh_credential
from certify.credentials.dataintegrity import VerificationResult, verify
from certify.credentials.multikey import public_key_from_multibase
from certify.extensions import db
from tests.support.attested import SPONSOR_EMAIL, SPONSOR_NAME, add_followup, add_plan, set_consent
from tests.support.certificates import certificate
from tests.support.credentials import OB_SCHEMA, read_json
from tests.support.verification import check_json

SENTENCE = "Sponsor-attested: first-contact resolution 61 % → 74 % (target 72 %) by June 2027"
REASON = "The holder agreed to show their attested outcome."


@pytest.fixture(scope="module")
def validator():
    schema = read_json(OB_SCHEMA)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def issuer_resolver_for(client, credential) -> VerificationResult:
    """The credential checked with exactly the key published at /issuer, as an outside verifier would."""
    (method,) = client.get("/issuer").get_json(force=True)["verificationMethod"]
    key = public_key_from_multibase(method["publicKeyMultibase"])
    return verify(credential, lambda wanted: key if wanted == method["id"] else None)


def schema_errors(validator, credential) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(credential)]


def refresh(app, serial: str, actor_id: int | None = None, reason: str = REASON) -> bool:
    with app.app_context():
        row = db.session.scalars(select(Certificate).where(Certificate.serial == serial)).one()
        changed = refresh_credential(row, db.session.get(User, actor_id) if actor_id else None, reason)
        db.session.commit()
        return changed


def reissues(app, serial: str) -> list[AuditEvent]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "certificate.credential_reissued", AuditEvent.object_id == serial)
            .order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return list(rows)


@pytest.fixture
def attested(certification, issued):
    """A consented plan whose sponsor attested 74 % at three months."""
    app = certification.world.app
    plan = add_plan(app, issued.id, issued.holder_id)
    add_followup(app, plan, 3, holder_value=73, decision="attested", value=74)
    return plan


def test_consented_outcome_is_signed_into_the_credential_and_validates(certification, issued, attested, validator):
    app = certification.world.app

    assert refresh(app, issued.serial, certification.admin.id) is True

    after = certificate(app, issued.serial)
    credential = json.loads(app.test_client().get(f"/credentials/{issued.code}.json").data)
    assert credential == after.credential
    assert schema_errors(validator, credential) == []
    (evidence,) = credential["evidence"]
    assert evidence["type"] == ["Evidence"] and evidence["name"] == "Sponsor-attested outcome"
    assert evidence["description"] == SENTENCE
    assert "74 %" in evidence["narrative"] and "61 %" in evidence["narrative"]
    assert evidence["id"].endswith(f"/verify/{issued.code}#attested-outcome")
    subject = credential["credentialSubject"]
    (result,) = subject["result"]
    (description,) = subject["achievement"]["resultDescription"]
    assert result["resultDescription"] == description["id"] and description["type"] == ["ResultDescription"]
    assert result["value"] == "first-contact resolution: 61 % → 74 % (target 72 %)"
    for private in (SPONSOR_NAME, SPONSOR_EMAIL, "queue report", "decision guide"):
        assert private not in json.dumps(credential, ensure_ascii=False)


def test_the_reissued_credential_verifies_and_keeps_the_certificates_identity(certification, issued, attested):
    app = certification.world.app
    refresh(app, issued.serial, certification.admin.id)

    after = certificate(app, issued.serial)
    result = issuer_resolver_for(app.test_client(), after.credential)
    assert result.verified, result.detail
    assert (after.serial, after.code, after.status_index) == (issued.serial, issued.code, issued.status_index)
    assert after.credential["id"] == issued.credential["id"]
    assert after.credential["validFrom"] == issued.credential["validFrom"]
    assert after.credential["credentialStatus"] == issued.credential["credentialStatus"]
    assert after.credential["proof"][0]["proofValue"] != issued.credential["proof"][0]["proofValue"]
    status, page = check_json(app.test_client(), after.credential)
    assert status == 200 and "Verified." in page


def test_the_pdf_is_rendered_again_and_the_old_one_stays_genuine(certification, issued, attested):
    app = certification.world.app
    refresh(app, issued.serial)

    after = certificate(app, issued.serial)
    assert after.pdf_sha256 != issued.pdf_sha256
    with app.app_context():
        history = db.session.get(Certificate, issued.id).pdf_history
    assert history == [issued.pdf_sha256, after.pdf_sha256]


def test_reissuing_is_audited_with_the_reason_and_what_changed(certification, issued, attested):
    app = certification.world.app
    refresh(app, issued.serial, certification.admin.id)

    (event,) = reissues(app, issued.serial)
    assert event.actor_id == certification.admin.id
    assert event.before == {"outcome": None} and event.after == {"outcome": SENTENCE}
    assert event.note == REASON


def test_withdrawing_consent_reissues_the_credential_without_the_outcome(certification, issued, attested, validator):
    app = certification.world.app
    refresh(app, issued.serial)
    set_consent(app, attested, False)

    assert refresh(app, issued.serial, reason="The holder withdrew consent.") is True

    after = certificate(app, issued.serial)
    assert "evidence" not in after.credential
    assert "result" not in after.credential["credentialSubject"]
    assert "resultDescription" not in after.credential["credentialSubject"]["achievement"]
    assert "first-contact" not in json.dumps(after.credential)
    assert schema_errors(validator, after.credential) == []
    assert issuer_resolver_for(app.test_client(), after.credential).verified
    events = reissues(app, issued.serial)
    assert [e.after for e in events] == [{"outcome": SENTENCE}, {"outcome": None}]


def test_nothing_is_reissued_when_nothing_changes(certification, issued, attested):
    app = certification.world.app
    assert refresh(app, issued.serial) is True
    signed = certificate(app, issued.serial)

    assert refresh(app, issued.serial) is False
    assert certificate(app, issued.serial).credential == signed.credential
    assert len(reissues(app, issued.serial)) == 1


@pytest.mark.parametrize(
    ("consent", "decision"),
    [(False, "attested"), (True, "disputed"), (True, None)],
    ids=["no consent", "disputed", "holder only"],
)
def test_without_a_consented_attested_outcome_the_credential_carries_nothing(
    certification, issued, validator, consent, decision
):
    app = certification.world.app
    plan = add_plan(app, issued.id, issued.holder_id, consent=consent)
    add_followup(app, plan, 3, holder_value=74, decision=decision, value=74)

    assert refresh(app, issued.serial) is False

    after = certificate(app, issued.serial)
    assert after.credential == issued.credential
    assert "evidence" not in after.credential and "result" not in after.credential["credentialSubject"]
    assert reissues(app, issued.serial) == []


def test_a_later_dispute_takes_the_outcome_out_of_the_credential(certification, issued, attested):
    app = certification.world.app
    refresh(app, issued.serial)
    add_followup(app, attested, 6, holder_value=76, decision="disputed", value=None)

    assert refresh(app, issued.serial, reason="The sponsor disputed the six-month value.") is True
    assert "evidence" not in certificate(app, issued.serial).credential


@pytest.mark.parametrize(
    "path",
    [
        ("evidence", 0, "description"),
        ("evidence", 0, "narrative"),
        ("evidence", 0, "name"),
        ("credentialSubject", "result", 0, "value"),
        ("credentialSubject", "achievement", "resultDescription", 0, "name"),
    ],
)
def test_every_part_of_the_outcome_is_covered_by_the_signature(certification, issued, attested, path):
    app = certification.world.app
    refresh(app, issued.serial)
    credential = certificate(app, issued.serial).credential
    node = credential
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = "Sponsor-attested: first-contact resolution 61 % → 95 % (target 72 %)"

    assert not issuer_resolver_for(app.test_client(), credential).verified
