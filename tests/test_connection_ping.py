"""PostgreSQL connections are pinged when they leave the pool after sitting idle, not before every request
(certify.database): a busy exam window pays no ping round trip, and a dead connection is still replaced."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from certify import database
from certify.database import configure_engine

POSTGRES_URL = os.environ.get("CERTIFY_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL's connections (CI sets CERTIFY_TEST_DATABASE_URL)")


@pytest.fixture
def engine():
    engine = create_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    configure_engine(engine, 1000)
    yield engine
    engine.dispose()


def test_a_connection_back_in_the_pool_a_moment_ago_is_not_pinged(engine, monkeypatch):
    pings = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: pings.append(connection) or True)
    for _ in range(3):
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    assert pings == []  # new, then back a moment ago, twice
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if it had sat idle
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert len(pings) == 1


def test_a_connection_that_does_not_answer_the_ping_is_replaced(engine, monkeypatch):
    with engine.connect() as connection:
        first = connection.connection.dbapi_connection
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    failed = []

    def ping(connection):
        if connection is first:
            failed.append(connection)
            raise OSError("server closed the connection unexpectedly")
        return True

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
        assert connection.connection.dbapi_connection is not first  # the pool took a new one
    assert failed == [first]
