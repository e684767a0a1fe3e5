"""Password reset links: signed, expiring, single use, sent through the outbox."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from certify.auth.passwords import RESET_SALT
from certify.extensions import db
from certify.outbox.models import OutboxMessage
from tests.helpers import post_form, text

NEW_PASSWORD = "Second-Orchard-Kite-58"


def _request_link(client, sent_mail, email):
    response = post_form(client, "/auth/forgot", {"email": email})
    assert response.status_code == 302
    return sent_mail


def _link_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/auth/reset/\S+)", body)
    assert match, body
    return match.group(1)


def test_reset_link_is_mailed_and_sets_a_new_password(app, client, make_user, sent_mail, auth):
    user = make_user()
    _request_link(client, sent_mail, user.email)
    assert len(sent_mail) == 1 and sent_mail[0]["to"] == user.email
    path = _link_path(sent_mail[0]["body"])
    assert "Choose a new password" in text(client.get(path))
    response = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/auth/login"
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.query(OutboxMessage).one().sent_at is not None


def test_unknown_address_gets_the_same_answer_and_no_mail(client, sent_mail):
    response = post_form(client, "/auth/forgot", {"email": "nobody@example.org"}, follow_redirects=True)
    assert "If an account uses that address" in text(response)
    assert sent_mail == []


def test_reset_link_works_only_once(client, make_user, sent_mail):
    user = make_user()
    _request_link(client, sent_mail, user.email)
    path = _link_path(sent_mail[0]["body"])
    post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = client.get(path)
    assert response.status_code == 400
    assert "already been used" in text(response)
    again = post_form(client, path, {"password": "Third-Orchard-Kite-59", "confirm": "Third-Orchard-Kite-59"})
    assert again.status_code == 400


def test_expired_reset_link_is_refused(app_factory, make_user):
    app = app_factory(PASSWORD_RESET_MAX_AGE=-1)
    user = make_user()
    with app.app_context():
        token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=RESET_SALT).dumps({"u": user.id, "f": "x"})
    response = app.test_client().get(f"/auth/reset/{token}")
    assert response.status_code == 400
    assert "expired" in text(response)


@pytest.mark.parametrize("token", ["garbage", "a" * 300, "eyJ1IjoxfQ.forged.signature"])
def test_tampered_reset_link_is_refused(client, token):
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 400
    assert "not valid" in text(response)


def test_weak_new_password_is_refused_and_link_stays_usable(client, make_user, sent_mail, auth):
    user = make_user()
    _request_link(client, sent_mail, user.email)
    path = _link_path(sent_mail[0]["body"])
    response = post_form(client, path, {"password": "short", "confirm": "short"})
    assert response.status_code == 200 and "Use at least 12 characters." in text(response)
    assert post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


def test_reset_signs_out_existing_sessions(app, make_user, sent_mail, auth, client):
    user = make_user()
    auth.login(user.email)
    other = app.test_client()
    post_form(other, "/auth/forgot", {"email": user.email})
    path = _link_path(sent_mail[0]["body"])
    post_form(other, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get("/auth/account").status_code == 302


def test_malformed_address_on_forgot_form_gets_a_message(client, sent_mail):
    response = post_form(client, "/auth/forgot", {"email": "not an email"})
    assert response.status_code == 200 and "Enter a valid email address" in text(response)
