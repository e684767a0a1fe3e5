"""A signed-in person's own account: password change, sessions, API token."""

from __future__ import annotations

from certify.auth import services as accounts
from certify.auth.models import User
from certify.extensions import db
from tests.support.helpers import PASSWORD, post_form, text

NEW = "Second-Orchard-Kite-58"


def test_account_page_shows_details(client, make_user, auth):
    user = make_user(name="Ana Lima")
    auth.login_as(user)
    body = text(client.get("/auth/account"))
    assert "Ana Lima" in body and user.email in body and "candidate" in body


def test_change_password_keeps_this_session_and_ends_others(app, client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    other = app.test_client()
    from tests.support.helpers import AuthActions

    AuthActions(other).login(user.email)
    response = post_form(client, "/auth/password", {"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.headers["Location"] == "/auth/account"
    assert client.get("/auth/account").status_code == 200
    assert other.get("/auth/account").status_code == 302
    auth.logout()
    assert auth.login(user.email, NEW).status_code == 302


def test_change_password_with_wrong_current_password_changes_nothing(app, client, make_user, auth):
    user = make_user()
    auth.login_as(user)
    response = post_form(
        client, "/auth/password", {"current_password": "Wrong-One-1234", "password": NEW, "confirm": NEW}
    )
    assert response.status_code == 200
    assert "current password is not correct" in text(response)
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.session_version == user.session_version
    auth.logout()
    assert auth.login(user.email).status_code == 302


def test_change_password_rejects_weak_and_mismatched(client, make_user, auth):
    auth.login_as(make_user())
    weak = post_form(client, "/auth/password", {"current_password": PASSWORD, "password": "short", "confirm": "short"})
    assert "Use at least 12 characters." in text(weak)
    mismatch = post_form(client, "/auth/password", {"current_password": PASSWORD, "password": NEW, "confirm": "x" * 12})
    assert "The passwords do not match." in text(mismatch)


def test_sign_out_everywhere_ends_every_session(app, client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    other = app.test_client()
    from tests.support.helpers import AuthActions

    AuthActions(other).login(user.email)
    response = post_form(client, "/auth/sign-out-everywhere")
    assert response.headers["Location"] == "/auth/login"
    assert client.get("/auth/account").status_code == 302
    assert other.get("/auth/account").status_code == 302


def test_personal_api_token_authenticates_api_requests(app, client, make_user):
    user = make_user()
    with app.app_context():
        token = accounts.issue_api_token(db.session.get(User, user.id), "tests")
        db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == {"id": user.id, "email": user.email, "name": user.name, "roles": ["candidate"]}


def test_wrong_or_revoked_token_is_refused(app, client, make_user):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer cfy_wrong"}).status_code == 401
    user = make_user(active=False)
    with app.app_context():
        token = accounts.issue_api_token(db.session.get(User, user.id))
        db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_api_token_requests_do_not_need_csrf(app, client, make_user):
    user = make_user()
    with app.app_context():
        token = accounts.issue_api_token(db.session.get(User, user.id))
        db.session.commit()
    # A state-changing request with a bearer token and no CSRF token is accepted.
    response = client.post("/auth/sign-out-everywhere", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 302


def _copy_session_cookie(app, client):
    """A second browser holding an exact copy of `client`'s session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def test_copied_session_cookie_is_refused_after_signing_out(app, client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    thief = _copy_session_cookie(app, client)
    assert thief.get("/auth/account").status_code == 200  # the copy works while the session is open
    auth.logout()
    response = thief.get("/auth/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert thief.get("/api/v1/assessments").status_code == 401


def test_signing_out_one_browser_keeps_the_others_signed_in(app, client, make_user, auth):
    user = make_user()
    auth.login(user.email)
    other = app.test_client()
    from tests.support.helpers import AuthActions

    AuthActions(other).login(user.email)
    auth.logout()
    assert client.get("/auth/account").status_code == 302
    assert other.get("/auth/account").status_code == 200


def test_session_past_its_server_side_expiry_is_refused(app, client, make_user, auth):
    from datetime import timedelta

    from certify.auth.models import BrowserSession

    user = make_user()
    auth.login(user.email)
    with app.app_context():
        row = db.session.scalars(db.select(BrowserSession).where(BrowserSession.user_id == user.id)).one()
        row.expires_at = row.created_at - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/auth/account").status_code == 302
