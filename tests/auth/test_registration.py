"""Registering a candidate account, and every way the form can be wrong."""

from __future__ import annotations

import re

import pytest

from certify.auth.models import User
from certify.extensions import db
from tests.support.helpers import PASSWORD, post_form, text


def _register(client, **fields):
    data = {"name": "Ana Lima", "email": "ana@example.org", "password": PASSWORD, "confirm": PASSWORD, **fields}
    return post_form(client, "/auth/register", data)


def _count(app) -> int:
    with app.app_context():
        return db.session.query(User).count()


def test_registration_creates_a_candidate_who_is_mailed_and_can_sign_in(app, client, sent_mail, auth):
    response = _register(client, email="  Ana@Example.ORG ")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    with app.app_context():
        user = db.session.query(User).one()
        assert user.email == "ana@example.org"
        assert user.roles == {"candidate"}
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert [mail["to"] for mail in sent_mail] == ["ana@example.org"]
    assert "account on Certify is ready" in sent_mail[0]["body"]
    auth.login("ana@example.org")
    assert "Welcome, Ana Lima" in text(client.get("/"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"email": "ana@@example.org"}, "Enter a valid email address"),
        ({"email": ""}, "Enter your email address."),
        ({"email": "a" * 250 + "@example.org"}, "Field cannot be longer than 254 characters."),
        ({"name": ""}, "Enter your name."),
        ({"name": "N" * 121}, "Field cannot be longer than 120 characters."),
        ({"password": "short", "confirm": "short"}, "Use at least 12 characters."),
        ({"password": "Xy-" * 50, "confirm": "Xy-" * 50}, "Use at most 128 characters."),
        ({"password": "password1234", "confirm": "password1234"}, "one of the most common"),
        ({"confirm": "Something-Else-77"}, "The passwords do not match."),
    ],
)
def test_bad_registration_gets_a_clear_message_and_stores_nothing(app, client, fields, message):
    response = _register(client, **fields)
    assert response.status_code == 200
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert _count(app) == 0


def _answer(app, email):
    """What a fresh visitor sees after registering `email`: status, where it leads, the page text."""
    client = app.test_client()
    response = _register(client, email=email)
    landing = client.get(response.headers["Location"])
    page = re.sub(r'(name="csrf[-_]token"[^>]*(?:content|value)=")[^"]+', r"\1…", text(landing))
    return response.status_code, response.headers["Location"], page.replace(email, "<address>")


def test_registering_a_taken_address_answers_exactly_like_a_new_one(app, make_user, sent_mail):
    make_user(email="ana@example.org", name="Ana Lima")
    taken = _answer(app, "ana@example.org")
    new = _answer(app, "bea@example.org")
    assert taken == new
    assert taken[0] == 302
    assert "Thank you. We have sent a message to <address>" in taken[2]
    assert _count(app) == 2  # the owner's and the new one: no second account for the taken address


def test_the_owner_of_a_taken_address_is_told_someone_tried_to_register(app, make_user, sent_mail):
    make_user(email="ana@example.org", name="Ana Lima")
    client = app.test_client()
    _register(client, email="ANA@example.org", name="Mallory")
    assert [mail["to"] for mail in sent_mail] == ["ana@example.org"]
    body = sent_mail[0]["body"]
    assert body.startswith("Hello Ana Lima,")
    assert "tried to create a new Certify account with this address" in body
    assert "/auth/forgot" in body and "nothing about your account has changed" in body
    with app.app_context():
        assert db.session.query(User).filter_by(email="ana@example.org").one().name == "Ana Lima"


def test_registration_of_a_taken_address_pays_the_same_password_hash(app, make_user, monkeypatch):
    from certify.auth import services

    make_user(email="ana@example.org")
    hashed = []
    real = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda password: hashed.append(password) or real(password))
    _register(app.test_client(), email="bea@example.org")
    _register(app.test_client(), email="ana@example.org")
    assert hashed == [PASSWORD, PASSWORD]


def test_registration_is_throttled_alike_for_taken_and_new_addresses(app_factory, make_user):
    app = app_factory(LOGIN_THROTTLE_IP_LIMIT=2)
    make_user(email="ana@example.org")
    client = app.test_client()
    assert _register(client, email="ana@example.org").status_code == 302
    assert _register(client, email="bea@example.org").status_code == 302
    for email in ("ana@example.org", "cy@example.org"):
        response = _register(client, email=email)
        assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
        assert "Too many requests" in text(response)
    assert _count(app) == 2


def test_registration_can_be_closed(app_factory):
    app = app_factory(REGISTRATION_OPEN=False)
    client = app.test_client()
    response = _register(client)
    assert "Registration is closed" in text(response)
    assert _count(app) == 0


def test_signed_in_people_are_sent_home_from_register(client, make_user, auth):
    auth.login_as(make_user())
    assert client.get("/auth/register").headers["Location"] == "/"
