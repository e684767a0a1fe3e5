"""Command-line tools: users, seed and outbox, right and wrong."""

from __future__ import annotations

import pytest

from certify import create_app
from certify.auth.models import User
from certify.demo.accounts import DEMO_ACCOUNTS
from certify.extensions import db
from certify.outbox.models import OutboxMessage
from certify.outbox.services import queue
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


def test_seed_demo_is_idempotent_and_prints_accounts_once(app, runner, auth):
    first = runner.invoke(args=["certify", "seed", "--demo"])
    assert first.exit_code == 0, first.output
    for account in DEMO_ACCOUNTS:
        assert account.email in first.output and account.password in first.output
    second = runner.invoke(args=["certify", "seed", "--demo"])
    assert second.exit_code == 0
    assert DEMO_ACCOUNTS[0].password not in second.output and "already exist" in second.output
    assert len(_users(app)) == len(DEMO_ACCOUNTS)
    admin = DEMO_ACCOUNTS[0]
    assert auth.login(admin.email, admin.password).status_code == 302


def test_seed_demo_is_refused_in_production(database_url, tmp_path):
    app = create_app({"CERTIFY_ENV": "production", "SECRET_KEY": "p" * 40, "SQLALCHEMY_DATABASE_URI": database_url})
    result = app.test_cli_runner().invoke(args=["certify", "seed", "--demo"])
    assert result.exit_code == 1 and "refusing" in result.output
    assert _users(app) == {}


def test_outbox_send_retries_unsent_mail(app, runner, sent_mail):
    with app.app_context():
        queue("someone@example.org", "Hello", "Body text")
        db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "sent 1, failed 0" in result.output
    assert sent_mail[-1]["subject"] == "Hello"
    with app.app_context():
        assert db.session.query(OutboxMessage).one().sent_at is not None


def test_outbox_failure_is_recorded_and_reported(app_factory):
    app = app_factory(MAIL_BACKEND="file", MAIL_FILE_DIR="/proc/certify-cannot-write-here")
    with app.app_context():
        queue("someone@example.org", "Hello", "Body text")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 1 and "failed 1" in result.output
    with app.app_context():
        message = db.session.query(OutboxMessage).one()
        assert message.sent_at is None and message.attempts == 1 and "cannot write" in message.last_error


def test_file_backend_writes_eml(app_factory, tmp_path):
    app = app_factory(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path / "mail"))
    with app.app_context():
        queue("someone@example.org", "Hello", "Body text")
        db.session.commit()
    app.test_cli_runner().invoke(args=["outbox", "send"])
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1 and "Subject: Hello" in files[0].read_text()


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
