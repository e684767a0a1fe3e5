"""`flask certify seed --demo`: the demo accounts, printed once, and refused in production."""

from __future__ import annotations

from certify import create_app
from certify.assessments.services import assessment_by_slug
from certify.auth.models import User
from certify.demo.accounts import DEMO_ACCOUNTS
from certify.demo.standard_setting import STUDY_ITEMS
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


def test_the_demo_opens_the_certification_exam_on_its_adopted_angoff_cut(app, runner):
    result = runner.invoke(args=["certify", "seed", "--demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        exam = assessment_by_slug("mid-certification")
        cuts = [(c.version, c.method, c.panel is not None) for c in exam.cut_scores]
        assert cuts == [(1, "informed_judgement", False), (2, "modified_angoff", True)]
        # The panel rated the study's items (drawn to represent the blueprint).
        assert exam.cut_score.panel["items"] == STUDY_ITEMS
        assert exam.launch_blocker is None
    assert "adopted as version 2" in result.output


def test_seed_demo_is_refused_in_production(database_url, tmp_path):
    app = create_app({"CERTIFY_ENV": "production", "SECRET_KEY": "p" * 40, "SQLALCHEMY_DATABASE_URI": database_url})
    result = app.test_cli_runner().invoke(args=["certify", "seed", "--demo"])
    assert result.exit_code == 1 and "refusing" in result.output
    assert _users(app) == {}
