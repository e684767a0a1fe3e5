"""Signing in and out, without revealing which accounts exist, under throttling."""

from __future__ import annotations

from certify.extensions import db
from certify.security.models import LoginFailure
from tests.support.helpers import PASSWORD, text

FAILED = "The email address or password is not correct."


def test_sign_in_and_out(client, make_user, auth):
    user = make_user()
    assert auth.login(user.email).headers["Location"] == "/"
    assert client.get("/auth/account").status_code == 200
    response = auth.logout()
    assert response.headers["Location"] == "/auth/login"
    assert client.get("/auth/account").status_code == 302


def test_sign_in_email_is_case_insensitive(client, make_user, auth):
    make_user(email="mixed@example.org")
    assert auth.login("  MIXED@example.org ").status_code == 302


def test_unknown_account_and_wrong_password_look_identical(client, make_user, auth, app):
    user = make_user()
    wrong = auth.login(user.email, "Not-The-Password-1")
    unknown = auth.login("nobody@example.org", "Not-The-Password-1")
    assert wrong.status_code == unknown.status_code == 200
    assert FAILED in text(wrong)

    def scrub(body: str) -> str:
        import re

        body = re.sub(r'content="[^"]+"', "", body)
        body = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", body)
        return body.replace(user.email, "").replace("nobody@example.org", "")

    assert scrub(text(wrong)) == scrub(text(unknown))


def test_inactive_account_cannot_sign_in_and_gets_the_same_message(client, make_user, auth):
    user = make_user(active=False)
    response = auth.login(user.email)
    assert response.status_code == 200 and FAILED in text(response)


def test_next_parameter_only_redirects_within_the_site(client, make_user, auth):
    user = make_user()
    response = auth.login(user.email, query_string={"next": "https://evil.example.com/"})
    assert response.headers["Location"] == "/"
    auth.logout()
    response = auth.login(user.email, query_string={"next": "//evil.example.com"})
    assert response.headers["Location"] == "/"
    auth.logout()
    response = auth.login(user.email, query_string={"next": "/auth/account"})
    assert response.headers["Location"] == "/auth/account"


def test_account_is_throttled_after_repeated_failures(app, client, make_user, auth):
    user = make_user()
    for _ in range(app.config["LOGIN_THROTTLE_ACCOUNT_LIMIT"]):
        assert auth.login(user.email, "Wrong-Password-00").status_code == 200
    response = auth.login(user.email)  # even the right password waits
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many sign-in attempts" in text(response)


def test_unknown_accounts_are_throttled_the_same_way(app, client, auth):
    for _ in range(app.config["LOGIN_THROTTLE_ACCOUNT_LIMIT"]):
        auth.login("ghost@example.org", "Wrong-Password-00")
    assert auth.login("ghost@example.org", "Wrong-Password-00").status_code == 429


def test_throttle_is_shared_between_workers(app_factory, make_user):
    # Two app instances stand in for two gunicorn workers on one database.
    first, second = app_factory(), app_factory()
    user = make_user()
    from tests.support.helpers import AuthActions

    for _ in range(first.config["LOGIN_THROTTLE_ACCOUNT_LIMIT"]):
        AuthActions(first.test_client()).login(user.email, "Wrong-Password-00")
    assert AuthActions(second.test_client()).login(user.email, PASSWORD).status_code == 429


def test_address_is_throttled_across_accounts(app_factory, make_user):
    app = app_factory(LOGIN_THROTTLE_IP_LIMIT=3, LOGIN_THROTTLE_ACCOUNT_LIMIT=100)
    from tests.support.helpers import AuthActions

    client = AuthActions(app.test_client())
    for n in range(3):
        client.login(f"someone{n}@example.org", "Wrong-Password-00")
    assert client.login("fresh@example.org", "Wrong-Password-00").status_code == 429


def test_successful_sign_in_clears_account_failures(app, client, make_user, auth):
    user = make_user()
    auth.login(user.email, "Wrong-Password-00")
    auth.login(user.email)
    with app.app_context():
        keys = {row.key for row in db.session.query(LoginFailure)}
    assert f"account:{user.email}" not in keys
    assert any(key.startswith("ip:") for key in keys)


def test_over_long_password_on_sign_in_is_rejected_without_hashing(client, make_user, auth):
    user = make_user()
    response = auth.login(user.email, "x" * 5000)
    assert response.status_code == 200
    assert "Field cannot be longer than 128 characters." in text(response)
