"""Fixtures: `app`, `client`, `runner`, `make_user`, `auth`.

Every test runs against a real schema built by the migrations, on SQLite by
default or on PostgreSQL when CERTIFY_TEST_DATABASE_URL is set (as CI does).
Each test starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, text

from certify import create_app
from certify.auth import services as accounts
from certify.auth.models import User
from certify.extensions import db
from tests.support.helpers import PASSWORD, AuthActions
from tests.support.shared_fixtures import MISSING, missing_summary

POSTGRES_URL = os.environ.get("CERTIFY_TEST_DATABASE_URL", "")

pytest_plugins = [
    "tests.support.portfolios",  # the `world` fixture
    "tests.support.certification",  # the `certification` fixture
    "pytester",  # runs pytest on a throwaway test file (tests/test_shared_fixtures.py)
]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any) -> Iterator[None]:
    """One line naming the missing ../shared/fixtures, after the skip reasons, so a newcomer knows what to do."""
    yield
    skipped = [report for report in terminalreporter.stats.get("skipped", []) if MISSING in str(report.longrepr)]
    if skipped:
        terminalreporter.write_line(missing_summary(len(skipped)), yellow=True, bold=True)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except Exception as exc:  # pragma: no cover - a broken CI setup
        pytest.exit(f"CERTIFY_TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}", returncode=3)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with the full schema, built once per session by `db upgrade`."""
    if POSTGRES_URL:
        _reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'certify.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return url


def _wipe(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def app_factory(database_url: str, tmp_path: Any) -> Iterator[Callable[..., Flask]]:
    """Build apps on the test database with extra configuration."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        settings = {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_FILE_DIR": str(tmp_path / "mail"), **config}
        app = create_app(settings)
        made.append(app)
        return app

    yield make
    for app in made:
        _wipe(app)


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    return app_factory()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a committed user: make_user(roles=("admin",), email=..., password=...)."""
    numbers = count(1)

    def make(
        *,
        roles: tuple[str, ...] = ("candidate",),
        email: str | None = None,
        name: str | None = None,
        password: str = PASSWORD,
        active: bool = True,
    ) -> User:
        n = next(numbers)
        with app.app_context():
            user = accounts.create_user(
                None,
                name=name or f"Person {n} {'-'.join(roles).title()}",
                email=email or f"{'-'.join(roles)}{n}@example.org",
                roles=set(roles),
                password=password,
            )
            user.active = active
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def sent_mail(app: Flask) -> list[dict[str, str]]:
    """Mail delivered by the memory backend, newest last."""
    return app.extensions.setdefault("certify_mail_sent", [])


@pytest.fixture
def load_catalog(app: Flask) -> Callable[..., Any]:
    """Load YAML sources (plus the repository's competencies) into the test database."""
    from certify.assessments.sources import COMPETENCIES_FILE
    from certify.core.catalog import parse_sources
    from certify.seed import load_content

    def load(*sources: tuple[str, str]) -> Any:
        catalog = parse_sources([("competencies.yaml", COMPETENCIES_FILE.read_text()), *sources])
        assert [str(p) for p in catalog.problems if p.severity == "error"] == []
        with app.app_context():
            report = load_content(catalog)
            db.session.commit()
        return report

    return load
