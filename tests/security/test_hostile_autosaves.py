"""Hostile bodies on the portfolio and review autosaves: a quick, clear 400 that stores nothing.

The exam runner reads JSON through `security.json_input`; these two autosaves used
`request.get_json`, where a body nested thousands deep was a RecursionError (500) and a
sequence number past the INTEGER range overflowed on PostgreSQL.
"""

from __future__ import annotations

import json
import time

import pytest

from certify.extensions import db
from certify.portfolios.models import Portfolio
from certify.review.models import Allocation, Review
from tests.support.helpers import csrf_token

DEEP = "[" * 5000 + "]" * 5000
HOSTILE = [
    ("body nested 5000 deep", DEEP),
    ("a field nested 5000 deep", '{"seq": 1, "sections": ' + DEEP + "}"),
    ("seq of 2**63", json.dumps({"seq": 2**63, "sections": {}, "levels": {}})),
    ("seq of 2**31", json.dumps({"seq": 2**31, "sections": {}, "levels": {}})),
    ("seq of 5000 digits", '{"sections": {}, "levels": {}, "seq": ' + "9" * 5000 + "}"),
    ("not UTF-8", "\udcff"),
    ("a list for a body", "[1]"),
]


def _put(client, url: str, raw: str, page: str):
    token = csrf_token(client, page)
    # The CPU this process spends answering (the test client runs the app in-process), not the wall clock:
    # with other work on the machine (CI, the other test worker) a wall-clock second is no measure of the app.
    started = time.process_time()
    response = client.put(
        url,
        data=raw.encode("utf-8", "surrogateescape"),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    return response, time.process_time() - started


def _portfolio_state(world):
    with world.app.app_context():
        found = db.session.query(Portfolio).filter_by(candidate_id=world.candidate.id).one_or_none()
        return None if found is None else (found.draft_seq, dict(found.draft_sections))


@pytest.mark.parametrize(("name", "raw"), HOSTILE)
def test_a_hostile_portfolio_autosave_is_a_quick_400_and_stores_nothing(world, name, raw):
    client = world.client_for(world.candidate)
    client.get("/portfolio/")
    before = _portfolio_state(world)
    response, elapsed = _put(client, "/portfolio/draft", raw, "/portfolio/")
    assert response.status_code == 400, (name, response.status_code)
    assert response.get_json()["message"] and elapsed < 1.0, name
    assert _portfolio_state(world) == before, name


def _review_state(app, allocation_id):
    with app.app_context():
        allocation = db.session.get(Allocation, allocation_id)
        reviews = [
            (r.id, r.levels, r.comments) for r in db.session.query(Review).filter_by(allocation_id=allocation_id)
        ]
        return allocation.lock_token, allocation.lock_expires_at, reviews


@pytest.mark.parametrize(("name", "raw"), HOSTILE)
def test_a_hostile_review_autosave_is_a_quick_400_and_stores_nothing(world, name, raw):
    first = world.allocations(world.submit())[0]
    client = world.client_for(world.assessors[0])
    before = _review_state(world.app, first.id)
    response, elapsed = _put(client, f"/review/allocations/{first.id}/draft", raw, "/review/")
    assert response.status_code == 400, (name, response.status_code)
    assert response.get_json()["message"] and elapsed < 1.0, name
    assert _review_state(world.app, first.id) == before, name
