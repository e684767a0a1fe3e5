"""Password reset links: signed, expiring, single use, sent through the outbox."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from certify.auth.passwords import RESET_SALT
from certify.extensions import db
from certify.outbox.models import OutboxMessage
from tests.support.helpers import post_form, text

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


def test_unknown_address_goes_through_the_same_signing_and_rendering(app, make_user, monkeypatch):
    from certify.auth import mails, services

    user = make_user()
    calls = []
    for module, name in ((services, "make_password_link_token"), (mails, "reset_mail")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **k: calls.append(_name) or _real(*a, **k))
    for email in (user.email, "nobody@example.org", user.email, "nobody-else@example.org"):
        client = app.test_client()
        assert post_form(client, "/auth/forgot", {"email": email}).status_code == 302
    assert calls == ["make_password_link_token", "reset_mail"] * 4


def test_forgot_form_is_throttled_alike_for_known_and_unknown_addresses(app_factory, make_user):
    app = app_factory(LOGIN_THROTTLE_IP_LIMIT=2)
    sent_mail = app.extensions.setdefault("certify_mail_sent", [])
    user = make_user()
    client = app.test_client()
    assert post_form(client, "/auth/forgot", {"email": user.email}).status_code == 302
    assert post_form(client, "/auth/forgot", {"email": "nobody@example.org"}).status_code == 302
    for email in (user.email, "nobody@example.org"):
        response = post_form(client, "/auth/forgot", {"email": email})
        assert response.status_code == 429 and "Too many requests" in text(response)
    assert len(sent_mail) == 1


def test_one_address_cannot_be_flooded_with_reset_mail(app, make_user, sent_mail):
    user = make_user()
    limit = app.config["LOGIN_THROTTLE_ACCOUNT_LIMIT"]
    statuses = [
        post_form(app.test_client(), "/auth/forgot", {"email": user.email}).status_code for _ in range(limit + 1)
    ]
    assert statuses == [302] * limit + [429]
    assert len(sent_mail) == limit


def test_reset_mail_leaves_after_the_response_so_timing_cannot_tell_known_addresses(app_factory, make_user):
    app = app_factory(MAIL_AFTER_RESPONSE=True)
    sent_mail = app.extensions.setdefault("certify_mail_sent", [])
    user = make_user()
    client = app.test_client()
    response = post_form(client, "/auth/forgot", {"email": user.email})
    assert response.status_code == 302 and sent_mail == []  # the answer is complete before any mail is sent
    response.close()  # what the WSGI server does once the response has gone out
    assert [mail["to"] for mail in sent_mail] == [user.email]
    with app.app_context():
        assert db.session.query(OutboxMessage).one().sent_at is not None
