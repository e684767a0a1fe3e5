"""A sponsor-attested outcome counts as development evidence for renewal; an admin still reviews it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from certify.audit.models import AuditEvent
from certify.certificates.models import DevelopmentActivity, RenewalRequest
from certify.database import utcnow
from certify.extensions import db
from tests.support.attested import add_followup, add_plan
from tests.support.certificates import flashes, page
from tests.support.helpers import post_form, text

SENTENCE_START = "Sponsor-attested: first-contact resolution 61 % → 74 % (target 72 %)"
REFUSED = "Choose one of your sponsor-attested outcomes that is not in your log yet."


@pytest.fixture
def holder(certification):
    return certification.world.client_for(certification.world.candidate)


@pytest.fixture
def admin_client(certification):
    return certification.world.client_for(certification.admin)


def attested_days_ago(app, issued, days: int, *, decision: str | None = "attested", consent: bool = True) -> int:
    plan = add_plan(app, issued.id, issued.holder_id, consent=consent)
    add_followup(
        app, plan, 3, holder_value=73, decision=decision, value=74, responded_at=utcnow() - timedelta(days=days)
    )
    return plan


def activities(app, user_id: int) -> list[tuple[str, str, int, int | None, str]]:
    with app.app_context():
        return [
            (a.kind, a.title, a.points, a.outcome_plan_id, a.activity_on.isoformat())
            for a in db.session.scalars(
                select(DevelopmentActivity)
                .where(DevelopmentActivity.user_id == user_id)
                .order_by(DevelopmentActivity.id)
            )
        ]


def add(client, plan: object):
    return post_form(client, "/certificates/development/outcome", {"plan": str(plan)})


def test_the_wallet_offers_an_attested_outcome_and_the_holder_adds_it(certification, holder, issued):
    app = certification.world.app
    plan = attested_days_ago(app, issued, 12)

    offered = page(holder.get("/certificates/"))
    assert "Your sponsor-attested outcomes" in offered and SENTENCE_START in offered
    assert "for 10 points" in offered

    response = add(holder, plan)

    assert response.status_code == 302 and response.headers["Location"].endswith("/certificates/#development")
    assert "Attested outcome added to your development log (10 points)." in flashes(holder.get("/certificates/"))
    day = (utcnow() - timedelta(days=12)).date().isoformat()
    ((kind, title, points, plan_id, on),) = activities(app, issued.holder_id)
    assert (kind, points, plan_id, on) == ("attested_outcome", 10, plan, day)
    assert title.startswith(SENTENCE_START)
    after = page(holder.get("/certificates/"))
    assert "Your sponsor-attested outcomes" not in after and "Attested outcome" in after
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "certificate.development_outcome_logged")
        ).one()
        assert event.actor_id == issued.holder_id and event.after["plan"] == plan


def test_an_outcome_counts_once(certification, holder, issued):
    app = certification.world.app
    plan = attested_days_ago(app, issued, 12)
    add(holder, plan)

    response = add(holder, plan)

    assert response.status_code == 409 and REFUSED in page(response)
    assert len(activities(app, issued.holder_id)) == 1


@pytest.mark.parametrize("decision", ["disputed", None], ids=["disputed", "holder only"])
def test_a_disputed_or_unconfirmed_value_is_not_offered_and_cannot_be_added(certification, holder, issued, decision):
    app = certification.world.app
    plan = attested_days_ago(app, issued, 12, decision=decision)

    assert "Your sponsor-attested outcomes" not in page(holder.get("/certificates/"))
    response = add(holder, plan)

    assert response.status_code == 409 and REFUSED in page(response)
    assert activities(app, issued.holder_id) == []


def test_consent_to_publish_is_not_needed_for_the_private_log(certification, holder, issued):
    app = certification.world.app
    plan = attested_days_ago(app, issued, 12, consent=False)

    assert add(holder, plan).status_code == 302
    assert [a[0] for a in activities(app, issued.holder_id)] == ["attested_outcome"]


def test_another_holders_outcome_cannot_be_added(certification, make_user, issued):
    app = certification.world.app
    plan = attested_days_ago(app, issued, 12)
    other = make_user(name="Olu Adeyemi")

    response = add(certification.world.client_for(other), plan)

    assert response.status_code == 409 and REFUSED in page(response)
    assert activities(app, other.id) == [] and activities(app, issued.holder_id) == []


@pytest.mark.parametrize("plan", ["", "abc", "-1", "1.5", "99999", "1; DROP TABLE users"])
def test_a_missing_or_malformed_plan_is_refused_clearly(certification, holder, issued, plan):
    attested_days_ago(certification.world.app, issued, 12)

    response = add(holder, plan)

    assert response.status_code == 409 and REFUSED in page(response)
    assert activities(certification.world.app, issued.holder_id) == []


def test_adding_an_outcome_needs_a_signed_in_holder(certification, issued):
    plan = attested_days_ago(certification.world.app, issued, 12)

    response = add(certification.world.app.test_client(), plan)

    assert response.status_code in (302, 401, 403) and "/auth/login" in response.headers.get("Location", "/auth/login")
    assert activities(certification.world.app, issued.holder_id) == []


def test_the_points_follow_the_configuration(certification, holder, issued):
    app = certification.world.app
    app.config["RECERTIFICATION_OUTCOME_POINTS"] = 15
    plan = attested_days_ago(app, issued, 12)

    add(holder, plan)

    assert activities(app, issued.holder_id)[0][2] == 15


def test_the_outcome_helps_meet_the_rule_and_the_admin_reviews_it(certification, holder, admin_client, issued):
    app = certification.world.app
    plan = attested_days_ago(app, issued, 40)
    day = (utcnow() - timedelta(days=100)).date().isoformat()
    post_form(
        holder, "/certificates/development", {"title": "Course on evaluation design", "activity_on": day, "points": 30}
    )
    add(holder, plan)

    response = post_form(holder, f"/certificates/{issued.serial}/renew", {"note": ""})

    assert response.status_code == 302
    with app.app_context():
        request = db.session.scalars(select(RenewalRequest)).one()
        assert request.status == "pending" and request.successor_id is None
        assert [a["kind"] for a in request.activities] == ["attested_outcome", "activity"]
        request_id = request.id
    review = admin_client.get(f"/admin/renewals/{request_id}")
    assert review.status_code == 200
    body = page(review)
    assert SENTENCE_START in body and "Sponsor-attested outcome" in body
    assert '<span class="tag">Sponsor-attested outcome</span>' in text(review)


def test_an_outcome_dated_in_the_future_is_logged_today(certification, holder, issued):
    app = certification.world.app
    plan = attested_days_ago(app, issued, -3)

    add(holder, plan)

    assert activities(app, issued.holder_id)[0][4] == utcnow().date().isoformat()
