"""Property-based fuzzing of the runner API: whatever arrives, no 5xx, and a refused request stores nothing.

Derandomised with modest example counts, so every run (CI included) tries the same inputs in seconds.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support.runner_snapshot import stored

FUZZ = settings(
    derandomize=True,
    database=None,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# The field trial's cases, always tried first whatever the generator draws.
DEEP_BODY = b'{"seq": 1, "answer": ' + b"[" * 5000 + b"]" * 5000 + b"}"
HUGE_SEQ_BODY = json.dumps({"answer": None, "seq": 2**63}).encode()

HOSTILE_INTS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -(2**63) - 1]),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    HOSTILE_INTS,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)),
    max_leaves=25,
)


def _deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


# Bodies as they would come over the wire: mostly the right shape with wrong values, some nonsense.
BODIES = st.one_of(
    st.fixed_dictionaries({"answer": JSON_VALUES, "seq": st.one_of(HOSTILE_INTS, JSON_VALUES)}),
    st.dictionaries(st.sampled_from(["answer", "seq", "flagged", "lock", ""]), JSON_VALUES, max_size=4),
    JSON_VALUES,
    st.integers(min_value=30, max_value=500).map(lambda depth: {"seq": 1, "answer": _deep(depth)}),
)
RAW_BODIES = st.one_of(
    BODIES.map(lambda body: json.dumps(body).encode()),
    st.binary(max_size=200),
    st.integers(min_value=1000, max_value=6000).map(lambda n: b'{"seq": 1, "answer": ' + b"[" * n + b"]" * n + b"}"),
)


def _start(api: Any) -> dict[str, Any]:
    response = api.call("POST", "/api/v1/assessments/quiz/attempts")
    assert response.status_code == 200
    return response.get_json()


def _send(client: Any, api: Any, method: str, url: str, raw: bytes) -> Any:
    return client.open(
        url, method=method, data=raw, content_type="application/json", headers={"X-CSRFToken": api.token}
    )


def _check(app: Any, before: Any, response: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert stored(app) == before


def test_saving_any_body_at_any_position_of_every_item_type_never_fails_the_server(app, client, api, candidate):
    state = _start(api)
    positions = [item["position"] for item in state["items"]]  # one of each item type in the quiz
    assert len({item["type"] for item in state["items"]}) == 7

    @FUZZ
    @example(position=positions[0], raw=DEEP_BODY, resource="responses")
    @example(position=positions[0], raw=HUGE_SEQ_BODY, resource="responses")
    @example(position=2**63, raw=HUGE_SEQ_BODY, resource="responses")
    @example(position=positions[0], raw=DEEP_BODY, resource="flags")
    @given(
        position=st.one_of(st.sampled_from(positions), st.integers(min_value=0, max_value=2**64)),
        raw=RAW_BODIES,
        resource=st.sampled_from(["responses", "flags"]),
    )
    def save(position: int, raw: bytes, resource: str) -> None:
        before = stored(app)
        url = f"/api/v1/attempts/{state['attempt_id']}/{resource}/{position}"
        _check(app, before, _send(client, api, "PUT", url, raw))

    save()


def test_shaped_answers_to_each_item_type_are_stored_or_refused_cleanly(app, client, api, candidate):
    state = _start(api)
    items = state["items"]
    ids = sorted(
        {o["id"] for i in items for o in i["options"]} | {r["id"] for i in items for r in i.get("responses", [])}
    )
    ID = st.one_of(st.sampled_from(ids), st.text(max_size=8))
    ANSWERS = st.one_of(
        ID,
        st.lists(ID, max_size=6),
        st.dictionaries(ID, st.one_of(ID, JSON_VALUES), max_size=4),
        st.booleans(),
        st.floats(),
        HOSTILE_INTS,
        st.text(max_size=600),
        st.none(),
    )

    @FUZZ
    @example(item=items[0], answer=None, seq=2**63)
    @given(item=st.sampled_from(items), answer=ANSWERS, seq=HOSTILE_INTS)
    def save(item: dict[str, Any], answer: Any, seq: int) -> None:
        before = stored(app)
        url = f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}"
        _check(app, before, _send(client, api, "PUT", url, json.dumps({"answer": answer, "seq": seq}).encode()))

    save()


def test_submit_and_start_with_any_body_or_id_never_fail_the_server(app, client, api, candidate):
    state = _start(api)

    @FUZZ
    @example(attempt_id=2**63, slug="quiz", raw=DEEP_BODY)
    @given(
        attempt_id=st.one_of(st.just(state["attempt_id"] + 1), st.integers(min_value=0, max_value=2**64)),
        slug=st.one_of(st.just("quiz"), st.text(alphabet="abcxyz-._~%0", min_size=1, max_size=20)),
        raw=RAW_BODIES,
    )
    def hit(attempt_id: int, slug: str, raw: bytes) -> None:
        before = stored(app)
        _check(app, before, _send(client, api, "POST", f"/api/v1/attempts/{attempt_id}/submit", raw))
        before = stored(app)
        started = _send(client, api, "POST", f"/api/v1/assessments/{slug}/attempts", raw)
        _check(app, before, started)
        if slug == "quiz":  # the body is ignored: starting again resumes the same attempt
            assert started.status_code == 200 and started.get_json()["attempt_id"] == state["attempt_id"]

    hit()
    # The candidate's own attempt submits once, whatever the body, and a repeat returns the same.
    first = _send(client, api, "POST", f"/api/v1/attempts/{state['attempt_id']}/submit", b"\x00junk")
    again = _send(client, api, "POST", f"/api/v1/attempts/{state['attempt_id']}/submit", DEEP_BODY)
    assert first.status_code == again.status_code == 200 and first.get_json() == again.get_json()
