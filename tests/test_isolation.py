"""Each test's database changes are undone: rolled back by default, committed and wiped when marked."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import create_engine, func, insert, select, text

from certify import create_app
from certify.auth.models import User
from certify.extensions import db
from tests.support.isolation import TestDatabase


def _users_seen_by_another_connection(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(User.__table__)) or 0
    finally:
        engine.dispose()


def test_an_app_commit_releases_a_savepoint_and_reaches_no_other_connection(app, make_user, database_url):
    make_user(email="kept@example.org")  # commits through db.session
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert _users_seen_by_another_connection(database_url) == 0


def test_a_rollback_in_the_app_undoes_only_what_followed_its_last_commit(app, make_user):
    make_user(email="first@example.org")
    with app.app_context():
        db.session.add(User(email="second@example.org", name="Second", password_hash="x"))
        db.session.flush()
        db.session.rollback()
    with app.app_context():
        assert db.session.scalars(select(User.email)).all() == ["first@example.org"]


def test_apps_of_one_test_share_its_transaction(app_factory, make_user):
    make_user(email="shared@example.org")
    other = app_factory(LOGIN_THROTTLE_IP_LIMIT=3)
    with other.app_context():
        assert db.session.scalars(select(User.email)).all() == ["shared@example.org"]


@pytest.mark.committing
def test_a_committing_test_commits_for_real(make_user, database_url):
    make_user(email="durable@example.org")
    assert _users_seen_by_another_connection(database_url) == 1  # and the wipe empties it afterwards


def test_a_connection_of_its_own_in_an_unmarked_test_is_reported(database_url, tmp_path):
    test_database = TestDatabase(database_url, committing=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_FILE_DIR": str(tmp_path)})
    test_database.adopt(app)
    with app.app_context(), db.engine.connect():
        pass
    problem = test_database.close()
    assert problem is not None and "@pytest.mark.committing" in problem


def test_another_thread_cannot_use_the_rolled_back_connection(app):
    errors: list[BaseException] = []

    def query() -> None:
        with app.app_context():
            try:
                db.session.scalar(select(func.count()).select_from(User))
            except RuntimeError as exc:
                errors.append(exc)

    thread = threading.Thread(target=query)
    thread.start()
    thread.join(10)
    assert len(errors) == 1 and "committing" in str(errors[0])


def test_postgres_plans_a_table_filled_in_an_open_transaction_by_its_size(app, database_url):
    """Autovacuum stays off the test tables: run while a test filled one in an open transaction, it would
    record the table as empty, and every later plan on it would expect one row (seed --simulate crawled)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("autovacuum and planner statistics are PostgreSQL's")
    with app.app_context():
        options = dict(
            db.session.execute(
                text("SELECT relname, coalesce(array_to_string(reloptions, ','), '') FROM pg_class WHERE relkind = 'r'")
            ).all()
        )
        assert {t.name: options[t.name] for t in db.metadata.sorted_tables} == {
            t.name: "autovacuum_enabled=false" for t in db.metadata.sorted_tables
        }
        rows = [{"email": f"u{n}@example.org", "name": f"U {n}", "active": True} for n in range(3000)]
        db.session.execute(insert(User), rows)
        plan = db.session.execute(text("EXPLAIN SELECT id FROM users")).scalars().first()
    # Estimated from the pages and the declared column widths (an undercount, but growing with the table);
    # a table autovacuum recorded as empty is estimated at rows=1 whatever it holds.
    assert int(re.search(r"rows=(\d+)", plan).group(1)) >= 100, plan
