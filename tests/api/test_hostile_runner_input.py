"""Hostile input to the runner (huge numbers, deep nesting, junk bodies): a quick, clear 4xx that changes nothing."""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.support.helpers import post_form, text
from tests.support.runner_snapshot import stored

DEEP = "[" * 5000 + "]" * 5000


def _start(api):
    return api.call("POST", "/api/v1/assessments/quiz/attempts").get_json()


def _put(client, api, url: str, raw: str):
    return client.put(url, data=raw, content_type="application/json", headers={"X-CSRFToken": api.token})


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("seq of 2**63", json.dumps({"answer": None, "seq": 2**63})),
        ("seq of 2**31", json.dumps({"answer": None, "seq": 2**31})),
        ("seq of 10**400", '{"answer": null, "seq": 1' + "0" * 400 + "}"),
        ("seq of 5000 digits", '{"answer": null, "seq": ' + "9" * 5000 + "}"),
        ("seq as a float", json.dumps({"answer": None, "seq": 1.5})),
        ("seq of NaN", '{"answer": null, "seq": NaN}'),
        ("answer nested 5000 deep", '{"seq": 1, "answer": ' + DEEP + "}"),
        ("answer nested 40 deep", json.dumps({"seq": 1, "answer": json.loads("[" * 40 + "]" * 40)})),
        ("body nested 5000 deep", DEEP),
        ("a list for a body", "[1, 2]"),
        ("not JSON", "seq=1&answer=a"),
        ("not UTF-8", "\udcff"),
        ("a megabyte of answer", json.dumps({"seq": 1, "answer": "x" * 1_000_000})),
    ],
)
def test_a_hostile_save_gets_a_quick_4xx_and_changes_nothing(app, client, api, candidate, name, raw):
    state = _start(api)
    url = f"/api/v1/attempts/{state['attempt_id']}/responses/1"
    before = stored(app)
    started = time.process_time()  # the app's CPU (it runs in this process), robust to a busy machine
    response = _put(client, api, url, raw.encode("utf-8", "surrogateescape"))
    elapsed = time.process_time() - started
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert response.get_json()["message"], name  # says what is wrong
    assert elapsed < 1.0, (name, elapsed)
    assert stored(app) == before, name


def test_a_flag_nested_5000_deep_gets_a_4xx(app, client, api, candidate):
    state = _start(api)
    before = stored(app)
    response = _put(client, api, f"/api/v1/attempts/{state['attempt_id']}/flags/1", '{"flagged": ' + DEEP + "}")
    assert response.status_code == 400 and stored(app) == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/attempts/{attempt}/responses/9223372036854775808",
        "/api/v1/attempts/{attempt}/responses/2147483648",
        "/api/v1/attempts/9223372036854775808/responses/1",
        "/api/v1/attempts/9223372036854775808",
        "/api/v1/attempts/9223372036854775808/result",
        "/exams/attempts/{attempt}/q/9223372036854775808",
        "/exams/attempts/99999999999999999999999/overview",
    ],
)
def test_ids_and_positions_beyond_any_stored_row_are_not_found(app, client, api, candidate, path):
    state = _start(api)
    before = stored(app)
    url = path.format(attempt=state["attempt_id"])
    method = "PUT" if "/responses/" in url else "GET"
    response = api.call(method, url, {"answer": None, "seq": 1})
    assert response.status_code == 404 and stored(app) == before


def test_the_form_post_refuses_a_seq_of_2_to_the_63_and_changes_nothing(app, client, api, candidate):
    state = _start(api)
    item = next(i for i in state["items"] if i["type"] == "single_choice")
    url = f"/exams/attempts/{state['attempt_id']}/q/{item['position']}"
    assert re.search(r'name="seq"', text(client.get(url)))
    before = stored(app)
    response = post_form(client, url, {"seq": str(2**63), "go": "next", "answer": item["options"][0]["id"]})
    assert response.status_code == 400 and "seq" in text(response)
    assert stored(app) == before
