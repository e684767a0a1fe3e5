"""Fixtures: `app`, `client`, `runner`, `make_user`, `auth`.

Every test runs against a real schema built by the migrations, on SQLite by
default or on PostgreSQL when CERTIFY_TEST_DATABASE_URL is set (as CI does).
Each test starts from empty tables: its changes are rolled back at the end, or wiped
if it is marked `committing` (see tests/support/isolation.py).
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
from sqlalchemy import create_engine, make_url, text

from certify import create_app
from certify.auth import services as accounts
from certify.auth.models import User
from certify.extensions import db
from tests.support.catalogs import parsed_catalog, repository_catalog
from tests.support.helpers import PASSWORD, AuthActions
from tests.support.isolation import COMMITTING, TestDatabase, install_rollback_session, without_autovacuum
from tests.support.once import TEMPLATES, password_hashed_once, url_builders_compiled_on_first_use
from tests.support.shared_fixtures import MISSING, missing_summary

POSTGRES_URL = os.environ.get("CERTIFY_TEST_DATABASE_URL", "")

pytest_plugins = [
    "tests.support.portfolios",  # the `world` fixture
    "tests.support.certification",  # the `certification` fixture
    "pytester",  # runs pytest on a throwaway test file (tests/test_shared_fixtures.py)
]

install_rollback_session()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{COMMITTING}: the test's data must be seen by other connections (threads, processes, its own "
        "db.engine): it commits for real and every table is emptied after it, instead of being rolled back",
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any) -> Iterator[None]:
    """One line naming the missing ../shared/fixtures, after the skip reasons, so a newcomer knows what to do."""
    yield
    skipped = [report for report in terminalreporter.stats.get("skipped", []) if MISSING in str(report.longrepr)]
    if skipped:
        terminalreporter.write_line(missing_summary(len(skipped)), yellow=True, bold=True)


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets a database of its own, created beside the one configured."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database})
            if exists.first() is None:
                conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    except Exception as exc:  # pragma: no cover - a broken CI setup
        pytest.exit(f"cannot create the worker database {own.database}: {exc}", returncode=3)
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


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


@pytest.fixture(scope="session", autouse=True)
def _url_builders_compiled_on_first_use() -> Iterator[None]:
    """Apps built per test compile each route's URL builder only when a test builds that URL (see support/once)."""
    with url_builders_compiled_on_first_use():
        yield


@pytest.fixture(scope="session", autouse=True)
def _question_banks_parsed_once() -> Iterator[None]:
    """`certify seed` reads and parses question_banks/ once per run (again only if a file there changes)."""
    import certify.seed

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(certify.seed, "load_catalog", repository_catalog)
        yield


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with the full schema, built once per session by `db upgrade`; empty again at the end."""
    if POSTGRES_URL:
        url = _worker_database(POSTGRES_URL)
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'certify.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        without_autovacuum(db.engine)
        db.engine.dispose()
    yield url
    with app.app_context():
        with db.engine.connect() as conn:
            left = [table.name for table in db.metadata.sorted_tables if conn.execute(table.select().limit(1)).first()]
        db.engine.dispose()
    assert left == [], f"rows outlived the tests that wrote them, in {left}: a test committed without being wiped"


@pytest.fixture
def app_factory(database_url: str, tmp_path: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Flask]]:
    """Build apps on the test database with extra configuration; they share the test's transaction."""
    test_database = TestDatabase(database_url, committing=request.node.get_closest_marker(COMMITTING) is not None)

    def make(**config: Any) -> Flask:
        settings = {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_FILE_DIR": str(tmp_path / "mail"), **config}
        app = create_app(settings)
        app.jinja_env.bytecode_cache = TEMPLATES
        test_database.adopt(app)
        return app

    yield make
    problem = test_database.close()
    if problem is not None:
        pytest.fail(problem)


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
        with app.app_context(), password_hashed_once():
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
    from certify.seed import load_content

    def load(*sources: tuple[str, str]) -> Any:
        catalog = parsed_catalog(sources)
        assert [str(p) for p in catalog.problems if p.severity == "error"] == []
        with app.app_context():
            report = load_content(catalog)
            db.session.commit()
        return report

    return load
