"""Admins grant extra time; it applies to an attempt in progress and is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from certify.assessments.attempt_models import Accommodation, Attempt
from certify.audit.models import AuditEvent
from certify.extensions import db
from tests.support.exams import EXAM, QUIZ
from tests.support.helpers import csrf_token, post_form, sign_in_directly, text
from tests.support.samples import BANK


@pytest.fixture
def setup(app, make_user, load_catalog):
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ), ("exam.yaml", EXAM))
    return make_user(roles=("admin",)), make_user(roles=("candidate",))


def _start(app, candidate):
    client = app.test_client()
    sign_in_directly(client, candidate)
    token = csrf_token(client)
    return client.post("/api/v1/assessments/quiz/attempts", headers={"X-CSRFToken": token}).get_json()


def test_extra_time_extends_the_attempt_in_progress_and_is_audited(app, client, auth, setup):
    admin, candidate = setup
    state = _start(app, candidate)
    auth.login_as(admin)
    response = post_form(
        client,
        f"/admin/users/{candidate.id}/accommodation",
        {"acc-time_multiplier": "1.5", "acc-notes": "Dyslexia assessment on file"},
    )
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, state["attempt_id"])
        assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
        actions = [e.action for e in db.session.query(AuditEvent)]
        assert "accommodation.set" in actions and "attempt.deadline_changed" in actions
    assert "Dyslexia assessment on file" in text(client.get(f"/admin/users/{candidate.id}"))


def test_new_attempts_use_the_multiplier(app, client, auth, setup):
    admin, candidate = setup
    auth.login_as(admin)
    post_form(client, f"/admin/users/{candidate.id}/accommodation", {"acc-time_multiplier": "2", "acc-notes": ""})
    state = _start(app, candidate)
    assert 2390 <= state["remaining_seconds"] <= 2400


@pytest.mark.parametrize("value", ["0.5", "5", "lots", ""])
def test_out_of_range_multiplier_is_refused(app, client, auth, setup, value):
    admin, candidate = setup
    auth.login_as(admin)
    response = post_form(client, f"/admin/users/{candidate.id}/accommodation", {"acc-time_multiplier": value})
    assert response.status_code == 400 and "multiplier" in text(response)
    with app.app_context():
        assert db.session.get(Accommodation, candidate.id) is None
