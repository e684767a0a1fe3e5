"""Admins decide certification: the queue with its evidence, the decider's independence, issuing one or all, status."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from certify.audit.models import AuditEvent
from certify.certificates.models import Certificate
from certify.database import utcnow
from certify.extensions import db
from certify.review.models import ConflictDeclaration, ConflictOfInterest
from tests.support.certificates import (
    allocated_assessors,
    certificate,
    certificates,
    flashes,
    issue_now,
    mail_to,
    make_allocated_assessor,
    page,
)
from tests.support.helpers import post_form, text

REASON = "The portfolio evidence was found to be copied from another candidate."


def _row(body: str, name: str) -> str:
    """The candidate's row in the eligibility queue (not in the list of issued certificates)."""
    rows = [r for r in re.findall(r"<tr>.*?</tr>", body, flags=re.S) if f">{name}<br>" in r]
    assert len(rows) == 1, f"expected one row for {name}, found {len(rows)}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0])).replace("&#39;", "'")


def _events(app, action):
    with app.app_context():
        return [
            (e.actor_id, e.object_id, dict(e.after or {}))
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        ]


@pytest.fixture
def admin_client(certification):
    return certification.world.client_for(certification.admin)


def test_queue_lists_eligible_candidates_with_their_evidence_first(certification, admin_client, make_user):
    world = certification.world
    no_exam = make_user(name="Bram Exam-Failed")
    certification.make_eligible(world.candidate)
    certification.make_eligible(no_exam, exam_passed=False)

    response = admin_client.get("/admin/certificates")

    assert response.status_code == 200
    body = text(response)
    eligible = _row(body, "Cassandra Quill")
    for line in (
        "✓ met: Course completed on",
        "✓ met: Certification exam passed with 80.0 % (cut score 50.0 %) and every competency at mastery.",
        "✓ met: Portfolio version 1 passed on",
        "✓ met: No active certificate.",
    ):
        assert line in eligible
    assert "Issue to Cassandra Quill" in eligible
    refused = _row(body, "Bram Exam-Failed")
    assert "✗ not met: No certification exam attempt has passed the cut score" in refused
    assert "Not eligible" in refused and "Issue to" not in refused
    assert body.index("Cassandra Quill") < body.index("Bram Exam-Failed")  # eligible first
    assert "1 candidate(s) are eligible" in page(response)


def test_candidate_whose_portfolio_failed_is_not_issued(certification, admin_client, make_user):
    failed = make_user(name="Petra Portfolio-Failed")
    certification.make_eligible(failed, portfolio_level=1)

    assert "Petra Portfolio-Failed" not in text(admin_client.get("/admin/certificates"))  # the queue needs a pass
    response = post_form(admin_client, f"/admin/certificates/issue/{failed.id}", follow_redirects=True)

    assert "Petra Portfolio-Failed is not eligible: Portfolio version 1 did not pass." in flashes(response)
    assert certificates(certification.world.app) == []


def test_issuing_creates_the_first_serial_a_long_code_and_an_audit_event(certification, admin_client):
    world = certification.world
    certification.make_eligible(world.candidate)

    response = post_form(admin_client, f"/admin/certificates/issue/{world.candidate.id}")

    year = utcnow().year
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/certificates/MID-{year}-000001"
    (issued,) = certificates(world.app)
    assert issued.serial == f"MID-{year}-000001"
    assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", issued.code)  # >= 128 bits of base64url
    assert issued.holder_id == world.candidate.id and issued.status == "active"
    assert issued.credential["proof"] and issued.pdf_sha256
    ((actor, serial, after),) = _events(world.app, "certificate.issued")
    assert (actor, serial, after["holder"]) == (certification.admin.id, issued.serial, world.candidate.id)
    assert after["portfolio"].startswith("Portfolio version 1 passed")
    detail = page(admin_client.get(response.headers["Location"]))
    assert "Cassandra Quill (cassandra.quill@example.org)" in detail and "by Dana Okafor" in detail


def test_serials_count_up_within_the_year(certification, make_user):
    world = certification.world
    other = make_user(name="Oswin Second")
    for person in (world.candidate, other):
        certification.make_eligible(person)

    first = issue_now(world.app, world.candidate)
    second = issue_now(world.app, other)

    year = utcnow().year
    assert (first.serial, second.serial) == (f"MID-{year}-000001", f"MID-{year}-000002")
    assert first.code != second.code


def test_issuing_twice_is_refused_while_a_certificate_is_active(certification, admin_client):
    world = certification.world
    certification.make_eligible(world.candidate)
    assert post_form(admin_client, f"/admin/certificates/issue/{world.candidate.id}").status_code == 302

    response = post_form(admin_client, f"/admin/certificates/issue/{world.candidate.id}", follow_redirects=True)

    year = utcnow().year
    assert f"Already holds the active certificate MID-{year}-000001." in flashes(response)
    assert len(certificates(world.app)) == 1
    assert "✗ not met: Already holds the active certificate" in _row(text(response), "Cassandra Quill")


def _admin_who_assessed(certification, make_user):
    """An admin who is also an assessor, and marked the (eligible) candidate's portfolio."""
    world = certification.world
    certification.make_eligible(world.candidate)
    person = make_user(roles=("admin", "assessor"), name="Ada Marker")
    make_allocated_assessor(world.app, world.candidate, person)
    assert person.id in allocated_assessors(world.app, world.candidate)
    return person


def test_admin_who_assessed_the_candidate_cannot_decide(certification, make_user):
    world = certification.world
    assessor = _admin_who_assessed(certification, make_user)
    client = world.client_for(assessor)

    queue = text(client.get("/admin/certificates"))
    assert "You assessed this candidate; another admin must decide." in _row(queue, "Cassandra Quill")
    assert "Issue to Cassandra Quill" not in queue
    response = post_form(client, f"/admin/certificates/issue/{world.candidate.id}", follow_redirects=True)

    assert response.status_code == 403
    assert "so another admin must make this decision" in text(response)
    assert certificates(world.app) == []
    assert _events(world.app, "certificate.issued") == []
    # Another admin, who did not assess, may decide.
    other = world.client_for(certification.admin)
    assert post_form(other, f"/admin/certificates/issue/{world.candidate.id}").status_code == 302
    assert len(certificates(world.app)) == 1


def test_admin_who_assessed_the_candidate_is_refused_with_403(certification, make_user):
    world = certification.world
    client = world.client_for(_admin_who_assessed(certification, make_user))

    response = post_form(client, f"/admin/certificates/issue/{world.candidate.id}")

    assert response.status_code == 403
    assert "another admin must make this decision" in page(response)


@pytest.mark.parametrize(
    "conflict",
    [
        lambda admin, candidate: ConflictOfInterest(assessor_id=admin.id, candidate_id=candidate.id, reason="trainer"),
        # As /review/conflicts keeps it for an address that had no account yet.
        lambda admin, candidate: ConflictDeclaration(assessor_id=admin.id, email=candidate.email, reason="sister"),
    ],
    ids=["declared-for-the-account", "declared-by-email-before-registration"],
)
def test_an_admin_with_a_declared_conflict_cannot_decide_either(certification, make_user, conflict):
    world = certification.world
    certification.make_eligible(world.candidate)
    admin = make_user(roles=("admin",), name="Tess Trainer")
    with world.app.app_context():
        db.session.add(conflict(admin, world.candidate))
        db.session.commit()

    response = post_form(world.client_for(admin), f"/admin/certificates/issue/{world.candidate.id}")

    assert response.status_code == 403
    assert certificates(world.app) == []


def test_issue_all_streams_each_certificate_and_leaves_candidates_the_admin_assessed(certification, make_user):
    world = certification.world
    others = [make_user(name="Oswin Second"), make_user(name="Nia Third")]
    for person in others:
        certification.make_eligible(person)
    assessor = _admin_who_assessed(certification, make_user)  # Cassandra, eligible, assessed by this admin
    client = world.client_for(assessor)

    response = post_form(client, "/admin/certificates/issue-all")

    assert response.status_code == 200 and response.mimetype == "text/html"
    body = page(response)
    year = utcnow().year
    assert f"1 of 2: MID-{year}-000001 for Nia Third" in body
    assert f"2 of 2: MID-{year}-000002 for Oswin Second" in body
    assert "Issued 2 certificate(s)." in body
    assert "Not issued" in body and "Cassandra Quill (cassandra.quill@example.org)" in body
    assert sorted(c.holder_id for c in certificates(world.app)) == sorted(p.id for p in others)
    assert len(_events(world.app, "certificate.issued")) == 2


def test_revoke_suspend_and_reinstate_from_the_certificate_page(certification, admin_client):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate, certification.admin)
    url = f"/admin/certificates/{issued.serial}"

    short = post_form(admin_client, f"{url}/suspend", {"reason": "because"}, follow_redirects=True)
    assert "Give the reason in at least 10 characters" in flashes(short)
    assert certificate(world.app, issued.serial).status == "active"

    post_form(admin_client, f"{url}/suspend", {"reason": "Under investigation for misconduct."})
    assert certificate(world.app, issued.serial).status == "suspended"
    assert "suspended: Under investigation for misconduct." in page(admin_client.get(url))
    post_form(admin_client, f"{url}/reinstate")
    assert certificate(world.app, issued.serial).status == "active"
    post_form(admin_client, f"{url}/revoke", {"reason": REASON})

    revoked = certificate(world.app, issued.serial)
    assert (revoked.status, revoked.status_reason) == ("revoked", REASON)
    again = post_form(admin_client, f"{url}/revoke", {"reason": REASON}, follow_redirects=True)
    assert "is already revoked" in flashes(again)
    assert "Revoked certificates cannot be changed." in page(again)
    actions = [a for a in ("suspended", "reinstated", "revoked") if _events(world.app, f"certificate.{a}")]
    assert actions == ["suspended", "reinstated", "revoked"]
    subjects = [subject for subject, _ in mail_to(world.app, world.candidate.email)]
    assert any("is suspended" in s for s in subjects) and any("has been revoked" in s for s in subjects)
    assert post_form(admin_client, f"{url}/destroy").status_code == 404
    assert admin_client.get("/admin/certificates/MID-1999-000001").status_code == 404


def test_issued_list_can_be_searched(certification, admin_client):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate)

    link = f'href="/admin/certificates/{issued.serial}"'
    assert link in text(admin_client.get("/admin/certificates?q=quill"))
    assert link in text(admin_client.get(f"/admin/certificates?q={issued.serial[-6:]}"))
    nothing = admin_client.get("/admin/certificates?q=nobody")
    assert link not in text(nothing) and "None match “nobody”." in page(nothing)


@pytest.mark.parametrize("role", ["candidate", "assessor"])
def test_candidates_and_assessors_cannot_reach_certificate_administration(certification, make_user, role):
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate)
    client = world.client_for(make_user(roles=(role,)))

    assert client.get("/admin/certificates").status_code == 403
    assert client.get(f"/admin/certificates/{issued.serial}").status_code == 403
    for url in (
        f"/admin/certificates/issue/{world.candidate.id}",
        "/admin/certificates/issue-all",
        f"/admin/certificates/{issued.serial}/revoke",
    ):
        assert post_form(client, url, {"reason": REASON}).status_code == 403
    assert certificate(world.app, issued.serial).status == "active"
    with world.app.app_context():
        assert db.session.scalar(select(db.func.count(Certificate.id))) == 1


def test_signed_out_visitors_are_sent_to_sign_in(certification):
    response = certification.world.app.test_client().get("/admin/certificates")

    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_admin_renews_when_the_holder_meets_the_rule(certification, admin_client):
    from certify.certificates.models import DevelopmentActivity

    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate)
    url = f"/admin/certificates/{issued.serial}"

    refused = post_form(admin_client, f"{url}/renew", follow_redirects=True)
    assert "0 of 40 continuing-development points" in flashes(refused)
    assert len(certificates(world.app)) == 1
    with world.app.app_context():
        db.session.add(
            DevelopmentActivity(user_id=world.candidate.id, title="Conference", activity_on=utcnow().date(), points=40)
        )
        db.session.commit()

    response = post_form(admin_client, f"{url}/renew")

    old, new = certificates(world.app)
    assert response.headers["Location"] == f"/admin/certificates/{new.serial}"
    assert new.predecessor_id == old.id
    assert f"Renews {old.serial}" in page(admin_client.get(response.headers["Location"]))
    assert f"Renewed as {new.serial}" in page(admin_client.get(url))
    ((actor, serial, after),) = _events(world.app, "certificate.renewed")
    assert (actor, serial, after["renewal_of"]) == (certification.admin.id, new.serial, old.serial)


def test_issuing_to_an_unknown_person_is_not_found(certification, admin_client):
    assert post_form(admin_client, "/admin/certificates/issue/999999").status_code == 404
