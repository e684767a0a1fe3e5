"""How the database changes of one test are undone before the next.

By default a test runs inside one transaction, on one connection, that is rolled back
when the test ends. Every app the test builds on the test database has its `db.session`
bound to that connection with ``join_transaction_mode="create_savepoint"``: the
session's transactions are SAVEPOINTs, so the commit a view or CLI command makes
releases a savepoint and the outer transaction is never committed. Nothing reaches the
database file, so there is nothing to wipe.

Data that another connection must see cannot live in an uncommitted transaction. Tests
with a live server thread, gunicorn workers, concurrent threads, write-lock checks or
their own `db.engine` connections are marked `committing`: their apps use the engine as
in production, commit for real, and every table is emptied after them. A test that is
not marked but opens a connection of its own is an error, after the tables are emptied,
so that no test passes by reading (or leaking) state it should not.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, Transaction

from certify.extensions import db

COMMITTING = "committing"
_CONNECTION = "certify_test_connection"


class RollbackSession(Session):
    """`db.session` in tests: the test's connection when its app has one, the app's engine otherwise."""

    def get_bind(
        self,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: Engine | Connection | None = None,
        **kwargs: Any,
    ) -> Engine | Connection:
        if bind is None and has_app_context():
            owned = current_app.extensions.get(_CONNECTION)
            if owned is not None:
                connection, thread = owned
                if thread != threading.get_ident():
                    raise RuntimeError(
                        "another thread used the test's rolled-back connection: mark the test "
                        "@pytest.mark.committing so that each thread has a connection of its own"
                    )
                return connection  # type: ignore[no-any-return]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def install_rollback_session() -> None:
    """Replace `db.session` once per run; apps without a test connection behave exactly as before."""
    db.session = db._make_scoped_session({"class_": RollbackSession, "join_transaction_mode": "create_savepoint"})


def without_autovacuum(engine: Engine) -> None:
    """On PostgreSQL, keep autovacuum off the test database's tables, so planner estimates follow their size.

    Each test leaves dead rows behind (rolled back, or wiped after a committing test), which
    makes autovacuum VACUUM and ANALYZE the tables at moments no test chooses. When that lands
    while a test fills a table in one long open transaction (`seed --simulate 150` does), it
    cannot see the uncommitted rows and records the table as empty (`reltuples = 0`) with its
    current pages; the planner then estimates one row however large the table grows and picks
    nested loops that scan the whole table per row. Tables never vacuumed (`reltuples = -1`)
    are estimated from their current size instead. Wraparound protection still runs.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            conn.execute(text(f'ALTER TABLE "{table.name}" SET (autovacuum_enabled = false)'))


def empty_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def wipe(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        empty_tables(db.engine)


class TestDatabase:
    """The apps of one test and how their changes are undone."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, url: str, *, committing: bool) -> None:
        self.url = url
        self.committing = committing
        self.connection: Connection | None = None
        self.transaction: Transaction | None = None
        self.wiped: list[Flask] = []  # apps that commit for real
        self.engines: list[Engine] = []
        self.checkouts = 0

    def adopt(self, app: Flask) -> None:
        with app.app_context():
            engine = db.engine
        self.engines.append(engine)
        if self.committing or app.config["SQLALCHEMY_DATABASE_URI"] != self.url:
            self.wiped.append(app)
            return
        event.listen(engine, "checkout", self._count_checkout)
        if self.connection is None:
            self.connection = engine.connect()
            self.transaction = self.connection.begin()
        app.extensions[_CONNECTION] = (self.connection, threading.get_ident())

    def _count_checkout(self, *_args: Any) -> None:
        self.checkouts += 1

    def close(self) -> str | None:
        """Undo the test's changes; returns an error if it used a connection other than its own."""
        if self.transaction is not None and self.connection is not None:
            self.transaction.rollback()
            self.connection.close()
        problem = None
        extra = self.checkouts - (1 if self.connection is not None else 0)
        if extra > 0:
            problem = (
                f"the test opened {extra} database connection(s) besides its rolled-back one (db.engine, "
                "another thread or app): mark it @pytest.mark.committing so that it commits and is wiped"
            )
        for app in self.wiped:
            wipe(app)
        if problem is not None and self.engines:
            empty_tables(self.engines[0])  # what the extra connection committed
        for engine in self.engines:
            if event.contains(engine, "checkout", self._count_checkout):
                event.remove(engine, "checkout", self._count_checkout)
            engine.dispose()
        return problem
