"""Counting the statements a request sends (tests of the exam's hot path): what SQLAlchemy sent, and on
SQLite what the driver ran, BEGIN and COMMIT included."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from certify.extensions import db


class Trace:
    def __init__(self) -> None:
        self.sql: list[str] = []  # what SQLAlchemy sent
        self.driver: list[str] = []  # what SQLite ran, BEGIN and COMMIT included
        # PostgreSQL: each statement's first word, and whether a transaction was open when it was sent
        self.transactions: list[tuple[str, bool]] = []
        self.autocommit: list[tuple[str, bool]] = []  # and whether psycopg was in autocommit for it

    def words(self) -> list[str]:
        return [
            re.sub(r"\s+", " ", s).split(" ")[0].upper() + (" IMMEDIATE" if "IMMEDIATE" in s else "")
            for s in self.driver
        ]


@contextmanager
def traced(app) -> Iterator[Trace]:
    trace = Trace()

    def on_execute(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            trace.sql.append(statement)
        raw = cursor.connection
        if hasattr(raw, "info") and hasattr(raw.info, "transaction_status"):  # psycopg
            word = statement.lstrip().split(None, 1)[0].upper()
            trace.transactions.append((word, raw.info.transaction_status != 0))  # 0: IDLE
            trace.autocommit.append((word, bool(raw.autocommit)))

    def on_checkout(dbapi_connection: Any, *_args: Any) -> None:
        if hasattr(dbapi_connection, "set_trace_callback"):
            dbapi_connection.set_trace_callback(trace.driver.append)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "checkout", on_checkout)
    try:
        yield trace
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "checkout", on_checkout)
        with app.app_context():
            db.engine.dispose()  # no traced connection stays in the pool
