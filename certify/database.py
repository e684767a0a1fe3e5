"""Engine tuning and column types shared by every feature's models.

SQLite runs in WAL mode with a busy timeout. Python's sqlite3 driver is put in
autocommit mode so that we emit BEGIN ourselves: requests and commands that
will write start with ``BEGIN IMMEDIATE``, which takes the write lock up front.
A deferred transaction that reads and then tries to write can fail with
"database is locked" when another writer got in between; an immediate one
waits its turn (up to the busy timeout) instead.

A request whose writes guard themselves (each one a single conditional statement,
like an exam save: "set this answer where the stored sequence number is lower and
the attempt is still open") declares a *late* write intent instead: its reads run
outside any transaction, and BEGIN IMMEDIATE is issued just before its first
write, so SQLite's write lock is held for the write alone rather than for the
whole request (with hundreds of candidates saving, the lock was most of the wait).
PostgreSQL gets the same late intent for another reason: psycopg sends BEGIN as a round trip of its own
before a transaction's first statement, and a save's reads need none (READ COMMITTED gives each statement
its own snapshot either way), so they run in autocommit and BEGIN goes out just before the first write.

Inside `standalone_write()` a late request's write is a whole transaction by itself (an exam save is one
conditional UPDATE): no BEGIN is sent, the driver's autocommit commits the statement, and the request's
commit has nothing left to send. A save is then its reads and its UPDATE, on either database.

PostgreSQL connections are pinged before use only when they have sat idle in the pool for a while
(PING_AFTER_IDLE_SECONDS): a ping before every request was one more round trip on every save, while the
connections of a busy window are never idle long. A server restart is then noticed by the first statement
on a connection used since; that request fails and the pool replaces every connection it held.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.types import TypeDecorator

# False: reads only; True: the transaction writes (BEGIN IMMEDIATE from its start); LATE: see above.
LATE = "late"
_write_intent: ContextVar[bool | str] = ContextVar("certify_write_intent", default=False)
_standalone: ContextVar[bool] = ContextVar("certify_standalone_write", default=False)
PING_AFTER_IDLE_SECONDS = 10.0
READING_STATEMENTS = ("SELECT", "PRAGMA")


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def one_of(column: str, values: Sequence[str], name: str) -> CheckConstraint:
    """A check constraint that `column` holds one of `values`: the model's own tuple, so the list is written once."""
    for value in values:
        if not value.replace("_", "").isalnum():
            raise ValueError(f"{column}: {value!r} is not a plain word and cannot go into a check constraint")
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no timezone support, so values are stored naive (in UTC) and
    made aware again on the way out; PostgreSQL uses ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def set_write_intent(value: bool | str) -> Any:
    """Declare whether the coming transaction will write (True, False or LATE); returns a reset token."""
    return _write_intent.set(value)


def reset_write_intent(token: Any) -> None:
    _write_intent.reset(token)


@contextmanager
def write_intent() -> Iterator[None]:
    """Run a block whose transaction writes (CLI commands use this)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextmanager
def standalone_write() -> Iterator[None]:
    """Write statements in this block are each a transaction of their own when no transaction is open yet under
    a late intent (see the module's docstring); inside an open transaction they simply join it."""
    token = _standalone.set(True)
    try:
        yield
    finally:
        _standalone.reset(token)


def _writes(statement: str) -> bool:
    """Whether a statement a late request sends needs its transaction begun first (anything but a read)."""
    return not statement.lstrip()[:6].upper().startswith(READING_STATEMENTS)


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Attach the SQLite pragmas and explicit BEGIN handling to an engine (PostgreSQL: the late BEGIN alone)."""
    if engine.dialect.name == "postgresql":
        _late_begin_on_postgres(engine)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        intent = _write_intent.get()
        if intent == LATE:
            return  # reads run in autocommit; the first write begins the transaction (below)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if intent else "BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _late_begin(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if _write_intent.get() != LATE or cursor.connection.in_transaction or _standalone.get():
            return
        if _writes(statement):
            cursor.execute("BEGIN IMMEDIATE")


def _late_begin_on_postgres(engine: Engine) -> None:
    """A LATE request's reads in autocommit; BEGIN just before its first write (see the module's docstring)."""
    from psycopg.pq import TransactionStatus

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        raw = connection.connection.dbapi_connection
        if raw.info.transaction_status == TransactionStatus.IDLE:
            raw.autocommit = _write_intent.get() == LATE  # any other request: psycopg's own BEGIN, as ever

    @event.listens_for(engine, "before_cursor_execute")
    def _late_begin(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        raw = cursor.connection
        if not raw.autocommit or raw.info.transaction_status != TransactionStatus.IDLE or _standalone.get():
            return
        if _writes(statement):
            cursor.execute("BEGIN")  # psycopg commits it: commit() sends COMMIT whenever a transaction is open

    @event.listens_for(engine, "checkin")
    def _back_to_transactions(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()
        idle = dbapi_connection is not None and dbapi_connection.info.transaction_status == TransactionStatus.IDLE
        if idle and dbapi_connection.autocommit:
            dbapi_connection.autocommit = False

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return  # new, or back in the pool a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool throws this connection away and takes another
            raise DisconnectionError("the connection did not answer a ping") from exc
