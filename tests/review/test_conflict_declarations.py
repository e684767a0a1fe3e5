"""Declaring a conflict by email: same answer whether or not the address has an account, and real effects."""

from __future__ import annotations

from certify.audit.models import AuditEvent
from certify.extensions import db
from certify.review.models import ConflictDeclaration, ConflictOfInterest
from tests.support.helpers import post_form, text
from tests.support.portfolios import calibrate


def _declare(client, email, reason="We worked together for years"):
    response = post_form(client, "/review/conflicts", {"email": email, "reason": reason})
    page = text(client.get(response.headers["Location"])) if response.status_code == 302 else text(response)
    return response, page


def test_declaring_answers_the_same_whether_or_not_the_address_has_an_account(world):
    client = world.client_for(world.assessors[2])
    real, real_page = _declare(client, world.candidate.email.upper())
    unknown, unknown_page = _declare(client, "nobody-at-all@example.org")
    assert (real.status_code, real.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    # The two pages differ only by the address typed (and its place in the sorted list).
    flash_real = real_page.split("Recorded:")[1].split("</p>")[0]
    flash_unknown = unknown_page.split("Recorded:")[1].split("</p>")[0]
    assert flash_real.replace(world.candidate.email, "X") == flash_unknown.replace("nobody-at-all@example.org", "X")
    for page in (real_page, unknown_page):
        assert "Cassandra" not in page and "Quill" not in page and "No other account" not in page
    assert world.candidate.email in unknown_page and "nobody-at-all@example.org" in unknown_page


def test_a_declared_conflict_withdraws_the_assessor_reallocates_and_is_audited(world):
    calibrate(world.app, world.assessors[2])
    version_id = world.submit()
    first = next(a for a in world.allocations(version_id) if a.assessor_id == world.assessors[0].id)
    response, _page = _declare(world.client_for(world.assessors[0]), world.candidate.email)
    assert response.status_code == 302
    rows = world.allocations(version_id)
    assert next(a for a in rows if a.id == first.id).status == "withdrawn"
    assert any(a.assessor_id == world.assessors[2].id and a.status == "allocated" for a in rows)
    with world.app.app_context():
        assert db.session.get(ConflictOfInterest, (world.assessors[0].id, world.candidate.id)) is not None
        actions = {e.action for e in db.session.query(AuditEvent).filter_by(actor_id=world.assessors[0].id)}
    assert {"conflict.declared", "conflict.recorded", "portfolio.reallocated"} <= actions


def test_a_conflict_declared_before_the_person_registers_keeps_the_assessor_away(world, make_user):
    _declare(world.client_for(world.assessors[0]), "late.comer@example.org", "My brother")
    late = make_user(roles=("candidate",), email="late.comer@example.org")
    version_id = world.submit(candidate=late)
    assigned = {a.assessor_id for a in world.allocations(version_id)}
    assert len(assigned) == 2 and world.assessors[0].id not in assigned


def test_a_bad_declaration_is_refused_with_a_reason_and_stores_nothing(world):
    client = world.client_for(world.assessors[2])
    for data, message in (
        ({"email": "", "reason": "friend"}, "Give the person's email"),
        ({"email": world.candidate.email, "reason": ""}, "Give the person's email"),
        ({"email": world.candidate.email, "reason": "x" * 301}, "300 characters"),
        ({"email": "not-an-address", "reason": "friend"}, "not an email address"),
    ):
        response = post_form(client, "/review/conflicts", data)
        assert response.status_code == 400 and message in text(response).replace("&#39;", "'")
    with world.app.app_context():
        assert db.session.query(ConflictDeclaration).count() == 0
        assert db.session.query(ConflictOfInterest).count() == 0
