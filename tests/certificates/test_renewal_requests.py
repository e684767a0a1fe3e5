"""Renewal goes through an admin: the holder asks with their activity as evidence; approve, ask for more, refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from certify.audit.models import AuditEvent
from certify.certificates.models import RenewalRequest
from certify.certificates.services import renewals_awaiting_review_count
from certify.config import load_config
from certify.database import utcnow
from certify.extensions import db
from tests.support.certificates import certificates, issue_now, mail_to, make_allocated_assessor, page
from tests.support.helpers import post_form

MORE = "Please add the dates and hours of the mentoring sessions."
REFUSAL = "The conference was not on instructional design; it cannot count."


@pytest.fixture
def issued(certification):
    world = certification.world
    certification.make_eligible(world.candidate)
    return issue_now(world.app, world.candidate, certification.admin)


@pytest.fixture
def holder(certification):
    return certification.world.client_for(certification.world.candidate)


@pytest.fixture
def admin_client(certification):
    return certification.world.client_for(certification.admin)


def _log(client, title: str, days_ago: int, points: int):
    day = (utcnow() - timedelta(days=days_ago)).date().isoformat()
    response = post_form(client, "/certificates/development", {"title": title, "activity_on": day, "points": points})
    assert response.status_code == 302


@pytest.fixture
def requested(certification, holder, issued):
    """Forty points logged and the renewal asked for."""
    _log(holder, "Conference on learning measurement", 200, 25)
    _log(holder, "Mentoring two designers", 20, 15)
    response = post_form(holder, f"/certificates/{issued.serial}/renew", {"note": "Mentoring logs on request."})
    assert response.status_code == 302
    return _requests(certification.world.app)[-1]


def _requests(app):
    with app.app_context():
        return [
            (r.id, r.status, list(r.activities), r.decision_note, r.decided_by_id, r.successor_id)
            for r in db.session.scalars(select(RenewalRequest).order_by(RenewalRequest.id))
        ]


def _actions(app):
    with app.app_context():
        return [(e.action, e.actor_id) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _count(app) -> int:
    with app.app_context():
        return renewals_awaiting_review_count()


def _decide(client, request_id: int, decision: str, note: str = ""):
    return post_form(client, f"/admin/renewals/{request_id}/decide", {"decision": decision, "note": note})


def test_auto_approval_is_off_unless_set(tmp_path):
    assert load_config({"CERTIFY_ENV": "testing"}, str(tmp_path))["RENEWAL_AUTO_APPROVE"] is False
    on = load_config({"CERTIFY_ENV": "testing", "CERTIFY_RENEWAL_AUTO_APPROVE": "true"}, str(tmp_path))
    assert on["RENEWAL_AUTO_APPROVE"] is True


def test_asking_for_renewal_issues_nothing_and_waits_in_the_admin_queue(certification, holder, issued, requested):
    world = certification.world
    request_id, status, activities, *_ = requested

    assert status == "pending" and len(certificates(world.app)) == 1
    assert [a["title"] for a in activities] == ["Mentoring two designers", "Conference on learning measurement"]
    assert _count(world.app) == 1
    assert ("certificate.renewal_requested", world.candidate.id) in _actions(world.app)
    wallet = page(holder.get("/certificates/"))
    assert f"Renewal of {issued.serial} requested" in wallet
    assert "Renewal requested on" in wallet and "Ask for renewal" not in wallet
    again = post_form(holder, f"/certificates/{issued.serial}/renew")
    assert again.status_code == 409 and "already waiting" in page(again)
    admin = world.client_for(certification.admin)
    queue = page(admin.get("/admin/renewals"))
    assert "Cassandra Quill" in queue and issued.serial in queue and "40 continuing-development points" in queue
    detail = page(admin.get(f"/admin/renewals/{request_id}"))
    assert "Mentoring two designers 15" in detail and "40 points logged, as submitted" in detail
    assert "Mentoring logs on request." in detail


def test_approval_issues_the_successor_mails_and_audits(certification, admin_client, issued, requested):
    world = certification.world
    request_id = requested[0]

    response = _decide(admin_client, request_id, "approve", "Welcome to another three years.")

    assert response.status_code == 302
    old, new = certificates(world.app)
    assert new.predecessor_id == old.id
    (_, status, _, note, decided_by, successor), *_ = _requests(world.app)
    assert (status, note, decided_by, successor) == (
        "approved",
        "Welcome to another three years.",
        certification.admin.id,
        new.id,
    )
    subject, body = mail_to(world.app, world.candidate.email)[-1]
    assert new.serial in subject and "Welcome to another three years." in body
    assert ("certificate.renewal_approved", certification.admin.id) in _actions(world.app)
    assert _count(world.app) == 0
    assert _decide(admin_client, request_id, "refuse", REFUSAL).status_code == 409  # decided once
    assert "Renewal approved on" in page(world.client_for(world.candidate).get("/certificates/"))


def test_asking_for_more_needs_a_message_then_the_holder_adds_activity_and_resubmits(
    certification, holder, admin_client, issued, requested
):
    world = certification.world
    request_id = requested[0]

    short = _decide(admin_client, request_id, "more", "more")
    assert short.status_code == 400 and "in at least 10 characters" in page(short)
    assert _requests(world.app)[0][1] == "pending"

    assert _decide(admin_client, request_id, "more", MORE).status_code == 302

    assert _requests(world.app)[0][1] == "more_information_requested"
    subject, body = mail_to(world.app, world.candidate.email)[-1]
    assert issued.serial in subject and MORE in body
    assert ("certificate.renewal_more_information_requested", certification.admin.id) in _actions(world.app)
    assert _count(world.app) == 0
    wallet = page(holder.get("/certificates/"))
    assert "More information requested on" in wallet and f"by Dana Okafor: {MORE}" in wallet
    assert "Resubmit the renewal request" in wallet
    _log(holder, "Mentoring session 3 (2 hours)", 5, 2)
    assert post_form(holder, f"/certificates/{issued.serial}/renew", {"note": "Dates added."}).status_code == 302
    ((same_id, status, activities, *_),) = _requests(world.app)
    assert (same_id, status) == (request_id, "pending")  # the same request, back in the queue
    assert "Mentoring session 3 (2 hours)" in [a["title"] for a in activities]
    assert _count(world.app) == 1


def test_refusal_mails_the_reason_and_issues_nothing(certification, holder, admin_client, issued, requested):
    world = certification.world

    assert _decide(admin_client, requested[0], "refuse", REFUSAL).status_code == 302

    assert _requests(world.app)[0][1] == "refused" and len(certificates(world.app)) == 1
    subject, body = mail_to(world.app, world.candidate.email)[-1]
    assert "refused" in subject and REFUSAL in body
    assert "Renewal refused on" in page(holder.get("/certificates/"))
    assert ("certificate.renewal_refused", certification.admin.id) in _actions(world.app)


def test_an_admin_who_assessed_the_holder_cannot_decide_the_renewal(certification, make_user, issued, requested):
    world = certification.world
    marker = make_user(roles=("admin", "assessor"), name="Ada Marker")
    make_allocated_assessor(world.app, world.candidate, marker)
    client = world.client_for(marker)

    assert "another admin must decide" in page(client.get("/admin/renewals"))
    response = _decide(client, requested[0], "approve")

    assert response.status_code == 403 and "another admin must decide this renewal" in page(response)
    assert _requests(world.app)[0][1] == "pending" and len(certificates(world.app)) == 1


def test_an_unknown_decision_is_refused_and_changes_nothing(certification, admin_client, requested):
    response = _decide(admin_client, requested[0], "rubber-stamp", "Looks fine to me, really.")

    assert response.status_code == 400 and "Choose approve" in page(response)
    assert _requests(certification.world.app)[0][1] == "pending"


def test_renewal_queue_is_for_admins_only(certification, holder, requested):
    assert holder.get("/admin/renewals").status_code == 403
    assert holder.get(f"/admin/renewals/{requested[0]}").status_code == 403
    assert post_form(holder, f"/admin/renewals/{requested[0]}/decide", {"decision": "approve"}).status_code == 403


def test_renewing_from_the_certificate_page_settles_the_open_request(certification, admin_client, issued, requested):
    world = certification.world

    response = post_form(admin_client, f"/admin/certificates/{issued.serial}/renew")

    assert response.status_code == 302
    _, new = certificates(world.app)
    (_, status, _, _, decided_by, successor), *_ = _requests(world.app)
    assert (status, decided_by, successor) == ("approved", certification.admin.id, new.id)
    assert _count(world.app) == 0
