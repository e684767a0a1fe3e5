"""`flask certify seed --demo`: the demo accounts, printed once, and refused in production."""

from __future__ import annotations

from certify import create_app
from certify.auth.models import User
from certify.demo.accounts import DEMO_ACCOUNTS
from certify.extensions import db


def _users(app):
    with app.app_context():
        return {u.email: u.roles for u in db.session.query(User)}


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
