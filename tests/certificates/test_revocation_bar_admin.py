"""A revoked certificate bars reissue on the evidence that preceded it: the queue, the override, the CLI."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from certify.audit.models import AuditEvent
from certify.database import utcnow
from certify.extensions import db
from tests.support.certificates import certificates, change, flashes, issue_now, page
from tests.support.helpers import post_form, text

MISCONDUCT = "The portfolio evidence was found to be copied from another candidate."
OVERRIDE = "Appeal upheld by the board on 3 December: the copying finding was wrong."


def _row(body: str, name: str) -> str:
    rows = [r for r in re.findall(r"<tr>.*?</tr>", body, flags=re.S) if f">{name}<br>" in r]
    assert len(rows) == 1, f"expected one row for {name}, found {len(rows)}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[0])).replace("&#39;", "'")


@pytest.fixture
def admin_client(certification):
    return certification.world.client_for(certification.admin)


@pytest.fixture
def revoked(certification, admin_client):
    """Cassandra's certificate, revoked for misconduct by Dana from the certificate page."""
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate, certification.admin)
    response = post_form(admin_client, f"/admin/certificates/{issued.serial}/revoke", {"reason": MISCONDUCT})
    assert response.status_code == 302
    return issued


def _audit(app, action):
    with app.app_context():
        return [
            (e.actor_id, e.object_id, dict(e.after or {}))
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        ]


def test_queue_shows_the_revocation_history_and_no_one_click_issue(certification, admin_client, revoked):
    body = text(admin_client.get("/admin/certificates"))
    row = _row(body, "Cassandra Quill")
    day = utcnow().strftime("%d %B %Y")

    assert "✓ met: No active certificate." in row
    assert f"✗ not met: Certificate {revoked.serial} was revoked on {day}; the evidence predates the revocation." in row
    assert f"Revocation history {revoked.serial} revoked on {day} by Dana Okafor. Reason: {MISCONDUCT}" in row
    assert "Issue to Cassandra Quill" not in row.replace("despite the revocation to Cassandra Quill", "")
    assert "Issue despite the revocation to Cassandra Quill" in row


def test_issue_on_the_evidence_before_the_revocation_is_refused(certification, admin_client, revoked):
    world = certification.world

    response = post_form(admin_client, f"/admin/certificates/issue/{world.candidate.id}", follow_redirects=True)

    assert "Cassandra Quill is not eligible:" in flashes(response)
    assert "the evidence predates the revocation" in flashes(response)
    assert [c.serial for c in certificates(world.app)] == [revoked.serial]


def test_issue_all_leaves_a_candidate_barred_by_a_revocation(certification, admin_client, revoked):
    response = post_form(admin_client, "/admin/certificates/issue-all")

    assert "Issued 0 certificate(s)." in page(response)
    assert len(certificates(certification.world.app)) == 1


def test_new_evidence_dated_after_the_revocation_allows_a_new_decision(certification, admin_client, revoked):
    world = certification.world
    # The revocation moved back before the exam (10 days ago) and the portfolio decision (today): new evidence.
    change(world.app, revoked.serial, status_changed_at=utcnow() - timedelta(days=40))
    row = _row(text(admin_client.get("/admin/certificates")), "Cassandra Quill")
    assert f"✓ met: Exam pass and portfolio decision are dated after the revocation of {revoked.serial}" in row

    response = post_form(admin_client, f"/admin/certificates/issue/{world.candidate.id}")

    assert response.status_code == 302
    assert len(certificates(world.app)) == 2


def test_override_needs_a_reason_and_is_audited(certification, admin_client, revoked):
    world = certification.world
    url = f"/admin/certificates/issue/{world.candidate.id}"

    blank = post_form(admin_client, url, {"override_reason": "  "}, follow_redirects=True)
    assert "Give the reason for issuing despite the revocation in 10 to 500 characters" in flashes(blank)
    assert len(certificates(world.app)) == 1

    response = post_form(admin_client, url, {"override_reason": OVERRIDE})

    assert response.status_code == 302
    new = certificates(world.app)[-1]
    assert new.serial != revoked.serial and new.status == "active"
    ((actor, serial, after),) = _audit(world.app, "certificate.revocation_overridden")
    assert (actor, serial) == (certification.admin.id, new.serial)
    assert after["override"] == f"Issued despite the revocation by Dana Okafor: {OVERRIDE}"
    issued_event = _audit(world.app, "certificate.issued")[-1]
    assert issued_event[2]["revocation_override"] == after["override"]
    detail = page(admin_client.get(response.headers["Location"]))
    assert f"Issued despite the revocation by Dana Okafor: {OVERRIDE}" in detail


def test_override_does_not_replace_missing_evidence(certification, admin_client, make_user):
    failed = make_user(name="Bram Exam-Failed")
    certification.make_eligible(failed, exam_passed=False)

    response = post_form(
        admin_client, f"/admin/certificates/issue/{failed.id}", {"override_reason": OVERRIDE}, follow_redirects=True
    )

    assert "Bram Exam-Failed is not eligible:" in flashes(response)
    assert certificates(certification.world.app) == []
