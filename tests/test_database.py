"""Schema from migrations, SQLite tuning and transaction modes."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, event, text

from certify.assessments.attempt_models import ATTEMPT_STATUSES, DECISION_RULES
from certify.assessments.blueprint_models import SOURCES as BLUEPRINT_SOURCES
from certify.assessments.review_models import DECISIONS as REVIEW_DECISIONS
from certify.auth.models import ROLES
from certify.certificates.models import ACTIVITY_KINDS, RENEWAL_STATUSES, STATUSES
from certify.core.items import STATUSES as ITEM_STATUSES
from certify.database import one_of
from certify.extensions import db
from certify.job_analysis.models import STATUSES as JTA_STATUSES
from certify.outcomes.models import CASE_KINDS, DIRECTIONS
from certify.outcomes.models import DECISIONS as OUTCOME_DECISIONS
from certify.portfolios.models import VERSION_STATES
from certify.review.models import ALLOCATION_ROLES, APPEAL_STATES
from certify.standard_setting.models import STUDY_STATES
from tests.support.helpers import post_form

# Write locks, BEGIN statements and PRAGMAs are properties of real connections and transactions.
pytestmark = pytest.mark.committing


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
    assert diff == [], f"models and migrations disagree; run `flask --app wsgi db migrate`: {diff}"


def test_naming_convention_names_constraints(app):
    assert db.metadata.naming_convention["uq"] == "uq_%(table_name)s_%(column_0_name)s"
    users = db.metadata.tables["users"]
    assert {c.name for c in users.constraints if c.name} >= {"pk_users", "uq_users_email"}


# Each "one of these values" check constraint and the tuple its model defines the values in.

KNOWN_VALUES = {
    ("user_roles", "role"): ROLES,
    ("attempts", "status"): ATTEMPT_STATUSES,
    ("attempt_scores", "decision_rule"): DECISION_RULES,
    ("portfolio_versions", "state"): VERSION_STATES,
    ("allocations", "role"): ALLOCATION_ROLES,
    ("appeals", "status"): APPEAL_STATES,
    ("certificates", "status"): STATUSES,
    ("renewal_requests", "status"): RENEWAL_STATUSES,
    ("development_activities", "kind"): ACTIVITY_KINDS,
    ("angoff_studies", "state"): STUDY_STATES,
    ("blueprint_versions", "source"): BLUEPRINT_SOURCES,
    ("jta_studies", "status"): JTA_STATUSES,
    ("item_versions", "status"): ITEM_STATUSES,
    ("item_reviews", "decision"): REVIEW_DECISIONS,
    ("outcome_plans", "direction"): DIRECTIONS,
    ("sponsor_responses", "decision"): OUTCOME_DECISIONS,
    ("success_cases", "kind"): CASE_KINDS,
}


def _value_checks() -> dict[tuple[str, str], tuple[str, ...]]:
    found = {}
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            matched = isinstance(constraint, CheckConstraint) and re.fullmatch(
                r"(\w+) IN \((.*)\)", str(constraint.sqltext)
            )
            if matched:
                found[(table.name, matched[1])] = tuple(re.findall(r"'([^']*)'", matched[2]))
    return found


def test_each_value_check_lists_exactly_the_values_its_model_defines():
    assert _value_checks() == KNOWN_VALUES


def test_one_of_builds_the_check_from_the_tuple_it_is_given():
    constraint = one_of("status", ("open", "closed_early"), "status_known")
    assert (str(constraint.sqltext), constraint.name) == ("status IN ('open', 'closed_early')", "status_known")


@pytest.mark.parametrize("value", ["it's", "a b", "x) OR (1=1", ""])
def test_one_of_refuses_a_value_that_is_not_a_plain_word(value):
    with pytest.raises(ValueError, match="not a plain word"):
        one_of("status", ("open", value), "status_known")


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == app.config["SQLITE_BUSY_TIMEOUT_MS"]
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _begin_statements(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def capture(conn, cursor, statement, *args):
        if statement.startswith("BEGIN"):
            statements.append(statement)

    return statements


def test_state_changing_requests_begin_immediate_and_reads_do_not(app, client, make_user, auth):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
    user = make_user()
    statements = _begin_statements(app)
    auth.login_as(user)
    assert client.get("/auth/account").status_code == 200  # loads the user: a read
    assert statements and all(s == "BEGIN" for s in statements)
    auth.logout()
    statements.clear()
    post_form(client, "/auth/login", {"email": user.email, "password": "wrong-password-here"})
    assert "BEGIN IMMEDIATE" in statements


def test_database_is_reachable_through_session(app):
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1


def test_migration_0014_upgrades_and_downgrades_keeping_earlier_scores(tmp_path):
    """0014 both ways on a database of its own: earlier scores read as decided on the raw cut, in points too."""
    import sqlite3

    import flask_migrate
    from sqlalchemy import inspect

    from certify import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrate.sqlite3'}"})
    added = {"decision_rule", "cut_points", "cut_equating_id", "theta", "scaled_score", "decision_note"}

    def columns() -> set[str]:
        return {c["name"] for c in inspect(db.engine).get_columns("attempt_scores")}

    with app.app_context():
        flask_migrate.upgrade(revision="0013")
        assert not added & columns() and not inspect(db.engine).has_table("cut_equatings")
        bare = sqlite3.connect(tmp_path / "migrate.sqlite3")  # a scored attempt as 0013 stored it
        when = "'2026-01-01 00:00:00'"
        for statement in (
            "INSERT INTO users (id, email, name, active, session_version, created_at)"
            f" VALUES (1, 'a@x.org', 'A', 1, 1, {when})",
            "INSERT INTO assessments (id, slug, title, description, kind, time_limit_minutes, cooldown_days,"
            " requires_course_completion, review_policy, pilot_items, banks, blueprint, mastery, spec_hash, updated_at)"
            f" VALUES (1, 'x', 'X', '', 'practice', 30, 0, 0, 'full', 0, '[]', '[]', '{{}}', 'h', {when})",
            "INSERT INTO cut_scores (id, assessment_id, version, method, percent, rationale, adopted_at)"
            f" VALUES (1, 1, 1, 'informed_judgement', 60.0, 'r', {when})",
            "INSERT INTO attempts (id, user_id, assessment_id, number, seed, status, started_at, deadline,"
            f" time_multiplier, cut_score_id) VALUES (1, 1, 1, 1, 's', 'scored', {when}, {when}, 1.0, 1)",
            "INSERT INTO attempt_scores (attempt_id, points, max_points, percent, cut_percent, passed,"
            f" competencies, scored_at, finalised_by) VALUES (1, 9, 12, 75.0, 60.0, 1, '[]', {when}, 'candidate')",
        ):
            bare.execute(statement)
        bare.commit()
        bare.close()
        flask_migrate.upgrade(revision="0014")
        assert added <= columns() and inspect(db.engine).has_table("cut_equatings")
        row = db.session.execute(
            text("SELECT decision_rule, cut_points, cut_equating_id, scaled_score FROM attempt_scores")
        ).one()
        assert tuple(row) == ("raw", pytest.approx(7.2), None, None)  # 60 % of 12 points
        db.session.rollback()
        flask_migrate.downgrade(revision="0013")
        assert not added & columns() and not inspect(db.engine).has_table("cut_equatings")
        assert db.session.execute(text("SELECT points, passed FROM attempt_scores")).one() == (9, 1)
        db.session.rollback()
        flask_migrate.upgrade(revision="0014")
        assert added <= columns()
        db.session.remove()
        db.engine.dispose()


def test_migration_0017_upgrades_and_downgrades_keeping_stored_items(tmp_path):
    """0017 both ways: stored versions keep their status and get no author; the check then refuses an unknown
    status; downgrading retires versions still in review (nobody signed them off) and drops the records."""
    import sqlite3

    import flask_migrate
    from sqlalchemy import inspect
    from sqlalchemy.exc import IntegrityError

    from certify import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrate.sqlite3'}"})

    def columns() -> set[str]:
        return {c["name"] for c in inspect(db.engine).get_columns("item_versions")}

    def statuses() -> list[tuple[int, str]]:
        return [tuple(r) for r in db.session.execute(text("SELECT id, status FROM item_versions ORDER BY id"))]

    with app.app_context():
        flask_migrate.upgrade(revision="0016")
        assert "author_id" not in columns() and not inspect(db.engine).has_table("item_reviews")
        bare = sqlite3.connect(tmp_path / "migrate.sqlite3")  # two versions as 0016 stored them
        when = "'2026-01-01 00:00:00'"
        for statement in (
            "INSERT INTO competencies (code, title, description, position) VALUES ('RA', 'R', '', 0)",
            "INSERT INTO users (id, email, name, active, session_version, created_at)"
            f" VALUES (1, 'a@x.org', 'A', 1, 1, {when})",
            f"INSERT INTO banks (id, slug, title, purpose, description, source, updated_at) VALUES (1, 'b', 'B',"
            f" 'certification', '', '', {when})",
            f"INSERT INTO items (id, bank_id, ref, current_version, created_at) VALUES (1, 1, 'I-1', 1, {when})",
            f"INSERT INTO items (id, bank_id, ref, current_version, created_at) VALUES (2, 1, 'I-2', 1, {when})",
            "INSERT INTO item_versions (id, item_id, version, content_hash, type, competency_code, bloom, status,"
            f" stem, content, source, created_at) VALUES (1, 1, 1, 'h', 'true_false', 'RA', 'apply', 'live', 's',"
            f" '{{}}', 'b.yaml', {when})",
            "INSERT INTO item_versions (id, item_id, version, content_hash, type, competency_code, bloom, status,"
            f" stem, content, source, created_at) VALUES (2, 2, 1, 'h', 'true_false', 'RA', 'apply', 'pilot', 's',"
            f" '{{}}', 'b.yaml', {when})",
        ):
            bare.execute(statement)
        bare.commit()
        bare.close()
        flask_migrate.upgrade(revision="0017")
        assert "author_id" in columns() and inspect(db.engine).has_table("item_reviews")
        assert statuses() == [(1, "live"), (2, "pilot")]
        assert db.session.execute(text("SELECT author_id FROM item_versions")).scalars().all() == [None, None]
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE item_versions SET status = 'published' WHERE id = 1"))
        db.session.rollback()
        db.session.execute(text("UPDATE item_versions SET status = 'reviewed', author_id = 1 WHERE id = 2"))
        db.session.execute(
            text(
                "INSERT INTO item_reviews (item_version_id, reviewer_id, decision, comment, created_at)"
                f" VALUES (2, 1, 'reviewed', 'ok', {when})"
            )
        )
        db.session.commit()
        flask_migrate.downgrade(revision="0016")
        assert "author_id" not in columns() and not inspect(db.engine).has_table("item_reviews")
        assert statuses() == [(1, "live"), (2, "retired")]
        db.session.rollback()
        flask_migrate.upgrade(revision="0017")
        assert "author_id" in columns()
        db.session.remove()
        db.engine.dispose()
