"""Accept an answer after the fact: preview the regrade, apply it, audit it, tell the candidate."""

from __future__ import annotations

import pytest

from certify.assessments.attempt_models import AttemptScore
from certify.audit.models import AuditEvent
from certify.extensions import db
from tests.support.exams import QUIZ
from tests.support.helpers import csrf_token, post_form, sign_in_directly, text
from tests.support.samples import BANK


@pytest.fixture
def scored_attempt(app, make_user, load_catalog):
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ))
    candidate = make_user(roles=("candidate",), email="ana@example.org")
    client = app.test_client()
    sign_in_directly(client, candidate)
    headers = {"X-CSRFToken": csrf_token(client)}
    state = client.post("/api/v1/assessments/quiz/attempts", headers=headers).get_json()
    item = next(i for i in state["items"] if i["type"] == "short_answer")
    client.put(
        f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}",
        json={"answer": "Joseph Harless", "seq": 1},
        headers=headers,
    )
    client.post(f"/api/v1/attempts/{state['attempt_id']}/submit", headers=headers)
    return state["attempt_id"]


def _percent(app, attempt_id):
    with app.app_context():
        return db.session.get(AttemptScore, attempt_id).percent


def test_accept_preview_apply(app, client, make_user, auth, scored_attempt, sent_mail):
    before = _percent(app, scored_attempt)
    auth.login_as(make_user(roles=("admin",)))
    page = text(client.get("/admin/items/S-SA/regrade"))
    assert "Joseph Harless (1)" in page and "No attempt's score would change." in page
    post_form(client, "/admin/items/S-SA/accept", {"answer": "Joseph Harless"})
    preview = text(client.get("/admin/items/S-SA/regrade"))
    assert "1 attempt would change" in preview and "0.0 → 1.0" in preview
    assert _percent(app, scored_attempt) == before  # nothing changes until applied
    response = post_form(client, "/admin/items/S-SA/regrade")
    assert response.status_code == 302
    assert _percent(app, scored_attempt) > before
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEvent)]
    assert {"item.answers_accepted", "attempt.regraded", "item.regraded"} <= set(actions)
    assert sent_mail[-1]["to"] == "ana@example.org" and "re-scored" in sent_mail[-1]["body"]
    assert "Version 2 (current)" in text(client.get("/admin/items/S-SA"))


def test_accepting_for_other_item_types_is_refused(app, client, make_user, auth, scored_attempt):
    auth.login_as(make_user(roles=("admin",)))
    response = post_form(client, "/admin/items/S-SC/accept", {"other": "anything"}, follow_redirects=True)
    assert "Only short-answer items take extra accepted answers" in text(response)


def test_accepting_nothing_new_is_refused(app, client, make_user, auth, scored_attempt):
    auth.login_as(make_user(roles=("admin",)))
    response = post_form(client, "/admin/items/S-SA/accept", {"other": "Harless"}, follow_redirects=True)
    assert "at least one answer that is not accepted yet" in text(response)
