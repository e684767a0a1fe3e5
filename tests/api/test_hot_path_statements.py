"""The statements an exam's hot path sends to the database, counted (issue 15): a test fails if any grows.

Saves, flags and reads of the attempt are what a cohort sends thousands of times a minute; starting and
submitting happen once per candidate but all at once when a window opens. Each is held to a fixed number
of statements, the same for a 7-question quiz and a 64-question exam. On SQLite the driver's own trace
shows that a save takes the write lock (BEGIN IMMEDIATE) just before its one UPDATE, not at the start of
the request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from certify.auth import services as accounts
from certify.course.models import CourseCompletion
from certify.extensions import db
from tests.support.exams import EXAM, QUIZ, answers_for
from tests.support.samples import BANK

pytestmark = pytest.mark.committing  # real transactions: BEGIN and COMMIT are what is counted


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


@pytest.fixture
def token_client(app):
    """A client without the browser session: only the bearer token identifies it."""
    return app.test_client()


@pytest.fixture
def bearer(app, candidate) -> dict[str, str]:
    with app.app_context():
        user = db.session.merge(candidate)
        token = accounts.issue_api_token(user, "hot path")
        db.session.add(CourseCompletion(user_id=candidate.id))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _start(client, bearer, slug: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/assessments/{slug}/attempts", headers=bearer)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("how", ["bearer token", "browser session"])
def test_a_save_is_three_statements_and_holds_the_write_lock_for_the_update_alone(app, token_client, api, bearer, how):
    state = _start(token_client, bearer, "exam")
    item = state["items"][0]
    url = f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}"
    answer = answers_for(state)[item["position"]]
    with traced(app) as trace:
        if how == "bearer token":
            response = token_client.put(url, json={"answer": answer, "seq": 1}, headers=bearer)
        else:
            response = api.call("PUT", url, {"answer": answer, "seq": 1})
    assert response.status_code == 200, response.get_json()
    # The user with the roles; the attempt with the item and its content; the conditional update.
    assert len(trace.sql) == 3, trace.sql
    assert trace.sql[-1].lstrip().upper().startswith("UPDATE")
    if db_is_sqlite(app):
        assert trace.words() == ["SELECT", "SELECT", "BEGIN IMMEDIATE", "UPDATE", "COMMIT"], trace.driver


def test_a_flag_and_a_replayed_save_stay_as_small(app, token_client, bearer):
    client = token_client
    state = _start(client, bearer, "exam")
    item = state["items"][1]
    base = f"/api/v1/attempts/{state['attempt_id']}"
    answer = answers_for(state)[item["position"]]
    assert client.put(f"{base}/responses/{item['position']}", json={"answer": answer, "seq": 1}, headers=bearer)
    with traced(app) as flag:
        assert client.put(f"{base}/flags/{item['position']}", json={"flagged": True}, headers=bearer).status_code == 200
    with traced(app) as replay:
        again = client.put(f"{base}/responses/{item['position']}", json={"answer": answer, "seq": 1}, headers=bearer)
    assert again.status_code == 200
    assert len(flag.sql) == 3, flag.sql
    assert len(replay.sql) == 4, replay.sql  # the update changes nothing, so the stored save is read back


def test_reading_starting_and_submitting_cost_the_same_for_one_question_and_seven(
    app, token_client, bearer, load_catalog
):
    client = token_client
    one = QUIZ.replace("slug: quiz", "slug: one").replace("{remember: 2, understand: 3, apply: 2}", "{remember: 1}")
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ), ("one.yaml", one), ("exam.yaml", EXAM))
    counts: dict[str, dict[str, int]] = {}
    for slug in ("one", "quiz", "exam"):
        with traced(app) as start:
            state = _start(client, bearer, slug)
        base = f"/api/v1/attempts/{state['attempt_id']}"
        with traced(app) as read:
            assert client.get(base, headers=bearer).status_code == 200
        with traced(app) as submit:
            assert client.post(f"{base}/submit", headers=bearer).status_code == 200
        counts[slug] = {"items": len(state["items"]), "start": len(start.sql), "read": len(read.sql)}
        counts[slug]["submit"] = len(submit.sql)
    assert (counts["one"]["items"], counts["quiz"]["items"]) == (1, 7)
    for step in ("start", "read", "submit"):
        assert counts["one"][step] == counts["quiz"][step], (step, counts)  # the length of the form costs nothing
    # A certification exam reads a little more (the course completion it requires), still a fixed number.
    for slug, budget in BUDGETS.items():
        assert counts["exam"][slug] <= budget, (slug, counts)


# Today's counts (SQLite and PostgreSQL alike): raise one only with a reason in the commit. A start is 20: the
# reply is read after the commit (two statements more: the attempt and its assessment, expired by the commit),
# so that SQLite's write lock is not held while the reply is rendered.
BUDGETS = {"start": 20, "read": 4, "submit": 15}


def db_is_sqlite(app) -> bool:
    return str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
