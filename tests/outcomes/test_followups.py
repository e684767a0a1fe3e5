"""The holder's outcome pages, the sponsor's single-use link, consent, and `flask outcomes remind`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from certify.audit.models import AuditEvent
from certify.database import utcnow
from certify.extensions import db
from certify.outcomes import services as outcomes
from certify.outcomes import sponsor
from certify.outcomes.models import OutcomePlan, SponsorLink, SponsorResponse
from certify.outcomes.services import OutcomeError
from tests.support.helpers import post_form, sign_in_directly, text
from tests.support.outcome_flow import LINK, followup_ids, get_followup, last_token, outbox_to

REPORT = {"value": "68.5", "implemented": "Knowledge-base search before escalation, since March.", "obstacles": ""}


@pytest.fixture
def holder(make_user):
    return make_user(name="Amara Nwosu", email="amara@example.org")


@pytest.fixture
def holder_client(app, holder):
    client = app.test_client()
    sign_in_directly(client, holder)
    return client


def _actions(app):
    with app.app_context():
        return [(e.action, e.actor_id, e.note) for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]


def _report(app, holder_client, make_plan, holder, **form):
    plan_id = make_plan(holder)
    three, _six = followup_ids(app, plan_id)
    response = post_form(holder_client, f"/outcomes/followups/{three}", {**REPORT, **form})
    return plan_id, three, response


def test_the_holder_page_lists_plans_and_follow_up_states(app, holder_client, make_plan, holder):
    make_plan(holder)
    page = text(holder_client.get("/outcomes/"))
    assert "First-contact resolution" in page and "Due: report the metric" in page and "Not due yet" in page
    assert "<caption>Follow-ups for First-contact resolution</caption>" in page


def test_reporting_emails_the_sponsor_a_single_use_link_and_is_audited(app, holder_client, make_plan, holder):
    _plan, three, response = _report(app, holder_client, make_plan, holder)
    assert response.status_code == 302
    followup = get_followup(app, three)
    assert followup.holder_value == 68.5 and followup.reported_at is not None and followup.sponsor_requests == 1
    token = last_token(app)
    with app.app_context():
        link = db.session.query(SponsorLink).one()
        assert link.token_hash == sponsor.token_hash(token) and token not in link.token_hash
        assert (link.expires_at - link.created_at).days == 30
    actions = [a for a, _, _ in _actions(app)]
    assert "outcome.reported" in actions and "outcome.sponsor_requested" in actions


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"value": ""}, "value", "Enter the metric"),
        ({"value": "about seventy"}, "value", "must be a number"),
        ({"value": "inf"}, "value", "ordinary number"),
        ({"implemented": "  "}, "implemented", "Say what was implemented"),
        ({"implemented": "x" * 4001}, "implemented", "4,000 characters"),
        ({"obstacles": "y" * 4001}, "obstacles", "4,000 characters"),
    ],
)
def test_every_wrong_report_field_gets_a_clear_message_and_loses_nothing(
    app, holder_client, make_plan, holder, form, field, message
):
    _plan, three, response = _report(app, holder_client, make_plan, holder, **form)
    page = text(response)
    assert response.status_code == 400 and message in page and f'id="{field}-error"' in page
    assert get_followup(app, three).reported_at is None
    assert outbox_to(app, "priya.raman@example.com") == []
    if field != "value":
        assert "68.5" in page  # what was typed comes back


def test_an_upcoming_follow_up_cannot_be_reported(app, holder_client, make_plan, holder):
    plan_id = make_plan(holder, days_ago=10)
    three, _ = followup_ids(app, plan_id)
    response = post_form(holder_client, f"/outcomes/followups/{three}", REPORT)
    assert response.status_code == 409 and "report it then" in text(response)


def test_another_candidate_and_anonymous_visitors_cannot_reach_a_plan(app, make_user, make_plan, holder, client):
    plan_id = make_plan(holder)
    three, _ = followup_ids(app, plan_id)
    other = app.test_client()
    sign_in_directly(other, make_user())
    assert other.get(f"/outcomes/followups/{three}").status_code == 404
    assert post_form(other, f"/outcomes/followups/{three}", REPORT).status_code == 404
    assert post_form(other, f"/outcomes/plans/{plan_id}/consent", {"public": "yes"}).status_code == 404
    assert post_form(other, f"/outcomes/followups/{three}/resend").status_code == 404
    assert "First-contact" not in text(other.get("/outcomes/"))
    for url in ("/outcomes/", f"/outcomes/followups/{three}"):
        assert client.get(url).status_code in (302, 401)


def test_the_sponsor_page_shows_only_the_plan_and_attesting_records_ratings(app, holder_client, make_plan, holder):
    _plan, three, _ = _report(app, holder_client, make_plan, holder, obstacles="<b>Rota</b> changes")
    token = last_token(app)
    sponsor_client = app.test_client()
    page = sponsor_client.get(f"/outcomes/sponsor/{token}")
    body = text(page)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Amara Nwosu" in body and "68.5" in body and "Agents confirm the fix with the caller" in body
    assert "&lt;b&gt;Rota&lt;/b&gt;" in body and "amara@example.org" not in body
    answer = {"decision": "attested", "value": "67", "rating-0": "4", "rating-1": "3", "comment": "Seen on the floor."}
    done = post_form(sponsor_client, f"/outcomes/sponsor/{token}", answer)
    assert done.status_code == 200 and "confirmation was recorded" in text(done)
    followup = get_followup(app, three)
    assert followup.response.decision == "attested" and followup.response.value == 67.0
    assert followup.response.behaviour_ratings == {"0": 4, "1": 3}
    assert outcomes.attested_value(followup) == 67.0
    event = [e for e in _actions(app) if e[0] == "outcome.attested"]
    assert event and event[0][1] is None and "priya.raman@example.com" in event[0][2]
    # single use: the same link now answers like an unknown one
    assert sponsor_client.get(f"/outcomes/sponsor/{token}").status_code == 404
    assert post_form(sponsor_client, f"/outcomes/sponsor/{token}", answer).status_code == 404


@pytest.mark.parametrize(
    ("answer", "field", "message"),
    [
        ({"decision": "maybe"}, "decision", "confirm the value or dispute"),
        ({"decision": "attested", "value": "lots", "rating-0": "4", "rating-1": "4"}, "value", "must be a number"),
        ({"decision": "attested", "value": "", "rating-0": "4", "rating-1": "4"}, "value", "Enter the value"),
        ({"decision": "attested", "value": "67", "rating-0": "4"}, "rating-1", "Rate objective 2"),
        ({"decision": "attested", "value": "67", "rating-0": "6", "rating-1": "4"}, "rating-0", "Rate objective 1"),
        (
            {"decision": "attested", "value": "67", "rating-0": "4", "rating-1": "4", "comment": "c" * 2001},
            "comment",
            "2,000",
        ),
        ({"decision": "disputed", "comment": "No."}, "comment", "Say why you dispute"),
        (
            {"decision": "disputed", "value": "x", "comment": "The figure includes transfers."},
            "value",
            "must be a number",
        ),
    ],
)
def test_every_wrong_sponsor_field_is_named_and_the_link_stays_usable(
    app, holder_client, make_plan, holder, answer, field, message
):
    _plan, three, _ = _report(app, holder_client, make_plan, holder)
    token = last_token(app)
    sponsor_client = app.test_client()
    response = post_form(sponsor_client, f"/outcomes/sponsor/{token}", answer)
    assert response.status_code == 400 and message in text(response)
    assert get_followup(app, three).response is None
    assert sponsor_client.get(f"/outcomes/sponsor/{token}").status_code == 200


def test_a_dispute_never_counts_as_attested(app, holder_client, make_plan, holder):
    plan_id, three, _ = _report(app, holder_client, make_plan, holder)
    token = last_token(app)
    answer = {"decision": "disputed", "value": "63", "comment": "The figure includes transferred calls."}
    assert post_form(app.test_client(), f"/outcomes/sponsor/{token}", answer).status_code == 200
    followup = get_followup(app, three)
    assert followup.response.decision == "disputed" and outcomes.attested_value(followup) is None
    with app.app_context():
        plan = db.session.get(OutcomePlan, plan_id)
        assert outcomes.plan_outcome(plan) is None and outcomes.latest_response(plan).decision == "disputed"
        assert outcomes.followup_state(plan.followups[0], utcnow()) == "disputed"
    assert "outcome.disputed" in [a for a, _, _ in _actions(app)]
    # and the holder can no longer change the report
    assert post_form(holder_client, f"/outcomes/followups/{three}", REPORT).status_code == 409


def test_unknown_expired_and_used_tokens_answer_the_same(app, holder_client, make_plan, holder):
    _report(app, holder_client, make_plan, holder)
    token = last_token(app)
    visitor = app.test_client()
    unknown = visitor.get("/outcomes/sponsor/" + "A" * 43)
    malformed = visitor.get("/outcomes/sponsor/x")
    with app.app_context():
        db.session.query(SponsorLink).update({"expires_at": utcnow() - timedelta(seconds=1)})
        db.session.commit()
    expired = visitor.get(f"/outcomes/sponsor/{token}")
    assert unknown.status_code == malformed.status_code == expired.status_code == 404
    assert text(unknown) == text(expired) == text(malformed)


def test_a_resent_link_replaces_the_old_one(app, holder_client, make_plan, holder):
    _plan, three, _ = _report(app, holder_client, make_plan, holder)
    old = last_token(app)
    assert post_form(holder_client, f"/outcomes/followups/{three}/resend").status_code == 302
    new = last_token(app)
    assert new != old
    assert app.test_client().get(f"/outcomes/sponsor/{old}").status_code == 404
    assert app.test_client().get(f"/outcomes/sponsor/{new}").status_code == 200
    assert get_followup(app, three).sponsor_requests == 2
    assert post_form(holder_client, f"/outcomes/followups/{three}/resend").status_code == 302
    capped = post_form(holder_client, f"/outcomes/followups/{three}/resend")
    assert capped.status_code == 409 and "contact them directly" in text(capped)


def test_a_double_submit_attests_once(app, holder_client, make_plan, holder, monkeypatch):
    """Both submits opened the link before either used it; the conditional update lets one through."""
    _plan, _three, _ = _report(app, holder_client, make_plan, holder)
    token = last_token(app)
    answer = {"decision": "attested", "value": "67", "rating-0": "4", "rating-1": "4"}
    with app.app_context():
        seen_first = sponsor.open_link(token, utcnow())
        assert seen_first is not None
        sponsor.respond(token, answer, utcnow())
        db.session.commit()
        # the second submit had loaded the link as unused too: only the conditional UPDATE can refuse it
        monkeypatch.setattr(sponsor, "open_link", lambda _token, _now: seen_first)
        with pytest.raises(OutcomeError) as refused:
            sponsor.respond(token, answer, utcnow())
        assert refused.value.status == 404
        db.session.rollback()
        assert db.session.query(SponsorResponse).count() == 1
    attested = [a for a, _, _ in _actions(app) if a == "outcome.attested"]
    assert len(attested) == 1


def test_the_sponsor_endpoint_is_rate_limited_per_address(app):
    visitor = app.test_client()
    statuses = [visitor.get("/outcomes/sponsor/" + "B" * 43).status_code for _ in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429
    other = app.test_client()
    assert other.get("/outcomes/sponsor/" + "B" * 43, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 404


def test_the_sponsor_form_needs_its_csrf_token(app, holder_client, make_plan, holder):
    _report(app, holder_client, make_plan, holder)
    token = last_token(app)
    response = app.test_client().post(f"/outcomes/sponsor/{token}", data={"decision": "attested"})
    assert response.status_code == 400


def test_consent_is_given_withdrawn_and_audited(app, holder_client, make_plan, holder):
    plan_id = make_plan(holder)
    assert post_form(holder_client, f"/outcomes/plans/{plan_id}/consent", {"public": "yes"}).status_code == 302
    with app.app_context():
        assert db.session.get(OutcomePlan, plan_id).consent_public is True
    post_form(holder_client, f"/outcomes/plans/{plan_id}/consent", {})
    post_form(holder_client, f"/outcomes/plans/{plan_id}/consent", {})  # unchanged: not audited again
    with app.app_context():
        plan = db.session.get(OutcomePlan, plan_id)
        assert plan.consent_public is False and plan.consent_changed_at is not None
    assert [a for a, _, _ in _actions(app)].count("outcome.consent_changed") == 2


def test_remind_is_idempotent_within_a_day_and_capped(app, runner, make_plan, holder, holder_client):
    plan_id = make_plan(holder, days_ago=200)  # both follow-ups due
    result = runner.invoke(args=["outcomes", "remind"])
    assert result.exit_code == 0 and "Queued 2 messages." in result.output
    assert "Queued 0 messages." in runner.invoke(args=["outcomes", "remind"]).output
    three, six = followup_ids(app, plan_id)
    assert post_form(holder_client, f"/outcomes/followups/{three}", REPORT).status_code == 302  # sponsor request 1
    from certify.outcomes import followups

    with app.app_context():
        for week in range(1, 6):
            followups.remind(utcnow() + timedelta(days=7 * week, minutes=1))
        db.session.commit()
    assert get_followup(app, six).holder_reminders == 3
    assert get_followup(app, three).sponsor_requests == 3
    assert len(outbox_to(app, "amara@example.org")) == 2 + 2  # 3 reminders for six, 1 for three before it was reported
    bodies = [m.body for m in outbox_to(app, "priya.raman@example.com")]
    assert len(bodies) == 3 and "reminder" in bodies[1]
    assert len({LINK.search(b).group(1) for b in bodies}) == 3


def test_the_holder_adds_a_plan_their_older_portfolio_lacked(app, holder_client, holder):
    from tests.support.outcome_flow import certificate_row
    from tests.support.outcome_plan_data import plan_form

    with app.app_context():
        certificate_id = certificate_row(db.session.get(type(holder), holder.id), utcnow()).id
        db.session.commit()
    assert "Add the outcome plan" in text(holder_client.get("/outcomes/"))
    bad = post_form(holder_client, f"/outcomes/certificates/{certificate_id}/plan", plan_form(target="50"))
    assert bad.status_code == 400 and "above the baseline" in text(bad) and 'value="50"' in text(bad)
    good = post_form(holder_client, f"/outcomes/certificates/{certificate_id}/plan", plan_form())
    assert good.status_code == 302
    with app.app_context():
        plan = db.session.query(OutcomePlan).one()
        assert [f.months for f in plan.followups] == [3, 6]
    assert holder_client.get(f"/outcomes/certificates/{certificate_id}/plan").status_code == 404
