"""`flask users create|token`, right and wrong, and the mail an account created outside a request sends."""

from __future__ import annotations

import pytest

from certify.auth.models import User
from certify.extensions import db
from tests.support.helpers import PASSWORD


def _users(app):
    with app.app_context():
        return {u.email: u.roles for u in db.session.query(User)}


def test_users_create_reads_password_from_stdin(app, runner, auth):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Ops@Example.org",
            "--name",
            "Ops Lead",
            "--role",
            "admin",
            "--role",
            "assessor",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "created ops@example.org (admin, assessor)" in result.output
    assert _users(app) == {"ops@example.org": {"admin", "assessor"}}
    assert auth.login("ops@example.org").status_code == 302


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--email", "nope", "--name", "X", "--role", "admin"], PASSWORD, "Invalid value for --email"),
        (["--email", "x@example.org", "--name", "X", "--role", "boss"], PASSWORD, "'boss' is not one of"),
        (["--email", "x@example.org", "--name", "X"], PASSWORD, "Missing option '--role'"),
        (["--email", "x@example.org", "--name", "", "--role", "admin"], PASSWORD, "Invalid value for --name"),
        (["--email", "x@example.org", "--name", "X", "--role", "admin"], "short", "Use at least 12 characters."),
        (["--email", "x@example.org", "--name", "X", "--role", "admin"], "", "no password given"),
    ],
)
def test_users_create_bad_input_fails_clearly_and_creates_nothing(app, runner, args, stdin, message):
    result = runner.invoke(args=["users", "create", *args], input=stdin + "\n" if stdin else "")
    assert result.exit_code != 0
    assert message in result.output
    assert _users(app) == {}


def test_users_create_refuses_duplicates(app, runner, make_user):
    make_user(email="dup@example.org")
    result = runner.invoke(
        args=["users", "create", "--email", "dup@example.org", "--name", "X", "--role", "admin"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 1 and "already exists" in result.output


def test_users_token_prints_a_working_token(app, runner, make_user, client):
    user = make_user()
    result = runner.invoke(args=["users", "token", user.email])
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("cfy_") and len(token) > 40
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["email"] == user.email


def test_users_token_for_unknown_email_fails(runner):
    result = runner.invoke(args=["users", "token", "ghost@example.org"])
    assert result.exit_code == 1 and "no active account" in result.output


def test_accounts_created_outside_a_request_get_absolute_links(app_factory):
    app = app_factory(BASE_URL="https://certify.example.org")
    from certify.auth import services as accounts
    from certify.outbox.services import deliver_pending

    with app.app_context():
        accounts.create_user(None, name="Sam Lindqvist", email="sam@example.org", roles={"assessor"})
        db.session.commit()
        deliver_pending(app)
    mail = app.extensions["certify_mail_sent"][-1]
    assert "https://certify.example.org/auth/reset/" in mail["body"]
