"""CSRF protection on every state-changing request."""

from __future__ import annotations

import time

from certify.auth.models import User
from certify.extensions import db
from tests.support.helpers import csrf_token, text


def test_form_post_without_token_is_refused_and_changes_nothing(app, client):
    response = client.post(
        "/auth/register",
        data={
            "name": "Eve",
            "email": "eve@example.org",
            "password": "Quiet-Harbour-Lamp-91",
            "confirm": "Quiet-Harbour-Lamp-91",
        },
    )
    assert response.status_code == 400
    assert "nothing was saved" in text(response)
    with app.app_context():
        assert db.session.query(User).count() == 0


def test_form_post_with_wrong_token_is_refused(client, make_user):
    user = make_user()
    client.get("/auth/login")
    response = client.post("/auth/login", data={"csrf_token": "forged", "email": user.email, "password": "x"})
    assert response.status_code == 400


def test_token_from_another_session_is_refused(app, client):
    other = app.test_client()
    token = csrf_token(other)
    client.get("/")
    response = client.post("/auth/forgot", data={"csrf_token": token, "email": "a@example.org"})
    assert response.status_code == 400


def test_token_still_valid_after_a_long_exam(client, make_user, monkeypatch):
    user = make_user()
    token = csrf_token(client)
    later = time.time() + 4 * 3600  # four hours later: a 90-minute exam with extra time
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/auth/login", data={"csrf_token": token, "email": user.email, "password": "wrong-pass-123"})
    assert response.status_code == 200  # the form was processed (wrong password), not refused


def test_json_api_post_needs_csrf_header_with_a_cookie_session(app, client, make_user, auth):
    auth.login_as(make_user())
    response = client.post("/auth/logout")
    assert response.status_code == 400
    response = client.post("/auth/logout", headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 302


def test_logout_by_get_is_not_allowed(client, make_user, auth):
    auth.login_as(make_user())
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/auth/account").status_code == 200
