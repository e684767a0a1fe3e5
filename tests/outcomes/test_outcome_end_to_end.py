"""The whole path through the services and pages, with nothing written by hand: a plan recorded at issue, the
holder's consent and report, the sponsor's attestation through the emailed link, and then the verification
page and the signed credential carrying the attested outcome (valid against Open Badges 3.0, verifying with
the published key). A later dispute takes it away again."""

from __future__ import annotations

from datetime import timedelta

from certify.auth.models import User
from certify.certificates import issuing
from certify.certificates.models import Certificate
from certify.database import utcnow
from certify.extensions import db
from certify.outcomes import followups, sponsor
from certify.outcomes import services as outcomes
from certify.portfolios import services as portfolios
from tests.certificates.test_outcome_credential import issuer_resolver_for, schema_errors, validator
from tests.support.outcome_flow import last_token
from tests.support.outcome_plan_data import plan_raw

validator = validator  # a fixture


def _issue_with_plan(certification) -> int:
    world = certification.world
    with world.app.app_context():
        assert portfolios.save_outcome_plan(db.session.get(User, world.candidate.id), plan_raw(), utcnow()).errors == {}
        db.session.commit()
    certification.make_eligible(world.candidate)
    with world.app.app_context():
        certificate = issuing.issue(
            db.session.get(User, certification.admin.id), db.session.get(User, world.candidate.id), utcnow()
        )
        db.session.commit()
        return certificate.id


def _attest(app, holder_id: int, decision: str, value: str) -> None:
    with app.app_context():
        holder = db.session.get(User, holder_id)
        (plan,) = outcomes.plans_of(holder)
        first = plan.followups[0]
        if first.reported_at is None:
            followups.report(
                holder, first, {"value": "70", "implemented": "Knowledge base prompts", "obstacles": ""}, utcnow()
            )
            db.session.commit()
    token = last_token(app)
    with app.app_context():
        sponsor.respond(token, {"decision": decision, "value": value, "rating-0": "4", "rating-1": "5"}, utcnow())
        db.session.commit()


def test_an_attested_outcome_reaches_the_verification_page_and_the_signed_credential(certification, client, validator):
    app, holder_id = certification.world.app, certification.world.candidate.id
    certificate_id = _issue_with_plan(certification)
    with app.app_context():
        holder = db.session.get(User, holder_id)
        (plan,) = outcomes.plans_of(holder)
        plan.followups[0].due_at = utcnow() - timedelta(days=1)  # the 3-month point has come
        outcomes.set_consent(holder, plan, True, utcnow())
        db.session.commit()
    _attest(app, holder_id, "attested", "72")
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        code, credential = certificate.code, certificate.credential
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Sponsor-attested" in page and "priya.raman@example.com" not in page
    evidence = [e for e in credential.get("evidence", []) if "Sponsor-attested" in str(e)]
    assert evidence, credential.get("evidence")
    assert schema_errors(validator, credential) == []
    assert issuer_resolver_for(client, credential).verified


def test_a_later_dispute_takes_the_outcome_off_the_page_and_the_credential(certification, client):
    app, holder_id = certification.world.app, certification.world.candidate.id
    certificate_id = _issue_with_plan(certification)
    with app.app_context():
        holder = db.session.get(User, holder_id)
        (plan,) = outcomes.plans_of(holder)
        for followup in plan.followups:
            followup.due_at = utcnow() - timedelta(days=1)
        outcomes.set_consent(holder, plan, True, utcnow())
        db.session.commit()
    _attest(app, holder_id, "attested", "72")
    with app.app_context():
        holder = db.session.get(User, holder_id)
        (plan,) = outcomes.plans_of(holder)
        second = plan.followups[1]
        report = {"value": "75", "implemented": "Call reviews weekly", "obstacles": "Two leavers"}
        followups.report(holder, second, report, utcnow())
        db.session.commit()
    with app.app_context():
        sponsor.respond(last_token(app), {"decision": "disputed", "comment": "Not our figure."}, utcnow())
        db.session.commit()
        certificate = db.session.get(Certificate, certificate_id)
        code, credential = certificate.code, certificate.credential
    assert "Sponsor-attested" not in client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Sponsor-attested" not in str(credential.get("evidence", []))


def test_without_consent_nothing_is_public_even_when_attested(certification, client):
    app, holder_id = certification.world.app, certification.world.candidate.id
    certificate_id = _issue_with_plan(certification)
    with app.app_context():
        (plan,) = outcomes.plans_of(db.session.get(User, holder_id))
        plan.followups[0].due_at = utcnow() - timedelta(days=1)
        db.session.commit()
    _attest(app, holder_id, "attested", "72")
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        code, credential = certificate.code, certificate.credential
    assert "Sponsor-attested" not in client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Sponsor-attested" not in str(credential.get("evidence", []))
