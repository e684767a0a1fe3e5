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

    def words(self) -> list[str]:
        return [
            re.sub(r"\s+", " ", s).split(" ")[0].upper() + (" IMMEDIATE" if "IMMEDIATE" in s else "")
            for s in self.driver
        ]


@contextmanager
def traced(app) -> Iterator[Trace]:
    trace = Trace()

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            trace.sql.append(statement)

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
