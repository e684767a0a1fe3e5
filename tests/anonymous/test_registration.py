"""Registering a candidate account, and every way the form can be wrong."""

from __future__ import annotations

import pytest

from certify.auth.models import User
from certify.extensions import db
from tests.helpers import PASSWORD, post_form, text


def _register(client, **fields):
    data = {"name": "Ana Lima", "email": "ana@example.org", "password": PASSWORD, "confirm": PASSWORD, **fields}
    return post_form(client, "/auth/register", data)


def _count(app) -> int:
    with app.app_context():
        return db.session.query(User).count()


def test_registration_creates_a_signed_in_candidate(app, client):
    response = _register(client, email="  Ana@Example.ORG ")
    assert response.status_code == 302
    assert "Welcome, Ana Lima" in text(client.get("/"))
    with app.app_context():
        user = db.session.query(User).one()
        assert user.email == "ana@example.org"
        assert user.roles == {"candidate"}
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash


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


def test_duplicate_email_is_refused_whatever_its_case(app, client, make_user):
    make_user(email="ana@example.org")
    response = _register(client, email="ANA@example.org")
    assert response.status_code == 200
    assert "already exists" in text(response)
    assert _count(app) == 1


def test_registration_can_be_closed(app_factory):
    app = app_factory(REGISTRATION_OPEN=False)
    client = app.test_client()
    response = _register(client)
    assert "Registration is closed" in text(response)
    assert _count(app) == 0


def test_signed_in_people_are_sent_home_from_register(client, make_user, auth):
    auth.login_as(make_user())
    assert client.get("/auth/register").headers["Location"] == "/"
