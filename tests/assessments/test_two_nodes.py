"""Two app nodes on one database: saves alternating between them lose nothing and overwrite nothing stale.

The README's deployment section claims that any number of gunicorn nodes can serve one exam
window behind a load balancer without sticky sessions, because everything an exam needs is in
the database. This test runs that claim: two gunicorn masters, each with its own workers on its
own port, on the test database (the same SQLite file under `make test`, PostgreSQL in CI).

Each candidate starts on one node and saves answers alternating between the nodes, the
sequence number rising with every save. After each save that landed, an older save (seq - 1)
goes to the other node, as a delayed request would, and must be refused as stale. Then both
nodes get two saves for the same question at once, with different seqs: the higher one must
win whatever the order. Both nodes must then show the same, latest answers; the attempt is
submitted on one node, a save on the other is refused as closed, and both nodes read the same
result. Finally every acknowledged save must be in the database, or superseded by a higher
seq, and no stored answer may be older than one acknowledged.

The second test sends a save to one node while the other submits the attempt: the save must
be in the score, or refused as closed. On PostgreSQL that does not hold yet (see its
docstring), and it is marked as an expected failure there.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from certify.assessments import attempts as runner
from certify.assessments.attempt_models import Attempt, AttemptItem, Response
from certify.core.delivery import to_internal
from certify.core.scoring import score_item
from certify.extensions import db
from tests.support.load import gunicorn_nodes, prepare_database, worker_pids
from tests.support.load_stats import answer_for
from tests.support.simulated_candidates import run_isolated

NODES, WORKERS_PER_NODE = 2, 2
CANDIDATES = 6
ITEMS = 8  # questions each candidate answers (of the practice exam's 16)
ROUNDS = 3  # saves per question, each to the other node than the last
RACES = 4  # simultaneous pairs of saves per candidate, one to each node
RACE_CANDIDATES, RACE_STEP = 12, 0.004  # a save racing a submit: each candidate sends it 4 ms later than the last


@dataclass
class Ledger:
    """What the candidates sent and what the nodes answered."""

    acknowledged: list[tuple[int, int, int, Any]] = field(default_factory=list)  # attempt, position, seq, answer
    stale_sent: int = 0
    stale_refused: int = 0
    races: Counter[str] = field(default_factory=Counter)  # how each race's lower save fared
    closed_refused: int = 0
    results: list[tuple[Any, Any]] = field(default_factory=list)  # one result per candidate, read from each node
    requests: Counter[str] = field(default_factory=Counter)  # per node
    surprises: list[str] = field(default_factory=list)

    def surprise(self, what: str, status: int, body: Any) -> None:
        self.surprises.append(f"{what}: HTTP {status}: {str(body)[:200]}")


async def _call(
    session: aiohttp.ClientSession, ledger: Ledger, node: str, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    ledger.requests[node] += 1
    try:
        async with session.request(method, f"{node}/api/v1{path}", json=body) as response:
            return response.status, await response.json(content_type=None)
    except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
        return 0, f"{type(exc).__name__}: {exc}"


async def _candidate(n: int, token: str, nodes: tuple[str, str], ledger: Ledger) -> None:
    rng = random.Random(n)
    home, away = nodes[n % 2], nodes[(n + 1) % 2]
    connector = aiohttp.TCPConnector(force_close=True)  # gunicorn's sync workers close every connection
    timeout = aiohttp.ClientTimeout(total=60)
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers, timeout=timeout, connector=connector) as session:
        status, state = await _call(session, ledger, home, "POST", "/assessments/practice/attempts")
        if status != 200:
            ledger.surprise(f"candidate {n} start", status, state)
            return
        attempt = state["attempt_id"]
        items = state["items"][:ITEMS]
        latest: dict[int, tuple[int, Any]] = {}  # position -> the highest acknowledged (seq, answer)

        async def save(node: str, position: int, seq: int, answer: Any) -> tuple[int, Any]:
            body = {"answer": answer, "seq": seq}
            status, reply = await _call(session, ledger, node, "PUT", f"/attempts/{attempt}/responses/{position}", body)
            if status == 200:
                ledger.acknowledged.append((attempt, position, seq, answer))
                if seq > latest.get(position, (0, None))[0]:
                    latest[position] = (seq, answer)
            return status, reply

        for seq in range(1, ROUNDS + 1):
            for i, item in enumerate(items):
                position = item["position"]
                node, other = (nodes[(n + seq + i) % 2], nodes[(n + seq + i + 1) % 2])
                status, reply = await save(node, position, seq, answer_for(item, rng))
                if status != 200:
                    ledger.surprise(f"save seq {seq}", status, reply)
                    continue
                if seq > 1:  # an older save, delayed, reaches the other node after this one landed
                    ledger.stale_sent += 1
                    status, reply = await save(other, position, seq - 1, answer_for(item, rng))
                    if status == 409 and reply.get("error") == "stale" and reply.get("seq") == seq:
                        ledger.stale_refused += 1
                    else:
                        ledger.surprise(f"stale save seq {seq - 1} after {seq}", status, reply)

        # Two saves for one question at once, one to each node: the higher seq wins in either order.
        raced = items[0]
        seq = latest.get(raced["position"], (ROUNDS, None))[0]
        for race in range(RACES):
            low, high = seq + 1, seq + 2
            (low_status, low_reply), (high_status, high_reply) = await asyncio.gather(
                save(nodes[race % 2], raced["position"], low, answer_for(raced, rng)),
                save(nodes[(race + 1) % 2], raced["position"], high, answer_for(raced, rng)),
            )
            if high_status != 200:
                ledger.surprise(f"race: the higher save {high}", high_status, high_reply)
            if low_status == 200:
                ledger.races["lower landed first"] += 1
            elif low_status == 409 and low_reply.get("error") == "stale" and low_reply.get("seq") == high:
                ledger.races["lower refused as stale"] += 1
            else:
                ledger.surprise(f"race: the lower save {low}", low_status, low_reply)
            seq = high

        # Both nodes show the latest acknowledged answer to every question.
        for node in nodes:
            status, state = await _call(session, ledger, node, "GET", f"/attempts/{attempt}")
            if status != 200:
                ledger.surprise("state", status, state)
                continue
            shown = {entry["position"]: (entry["seq"], entry["answer"]) for entry in state["items"]}
            for position, saved in latest.items():
                if shown[position] != saved:
                    ledger.surprise(f"state on {node}, question {position}, expected {saved}", status, shown[position])

        status, reply = await _call(session, ledger, home, "POST", f"/attempts/{attempt}/submit")
        if status != 200 or reply.get("status") != "scored":
            ledger.surprise("submit", status, reply)
        position = items[-1]["position"]
        status, reply = await save(away, position, seq + 100, answer_for(items[-1], rng))
        if status == 409 and reply.get("error") == "closed":
            ledger.closed_refused += 1
        else:
            ledger.surprise("save after submit on the other node", status, reply)
        read = [await _call(session, ledger, node, "GET", f"/attempts/{attempt}/result") for node in nodes]
        if [status for status, _ in read] != [200, 200]:
            ledger.surprise("result", read[0][0], read)
        ledger.results.append((read[0][1], read[1][1]))


async def _candidates(tokens: list[str], nodes: tuple[str, str]) -> Ledger:
    ledger = Ledger()
    await asyncio.gather(*(_candidate(n, token, nodes, ledger) for n, token in enumerate(tokens)))
    return ledger


@pytest.mark.committing  # two gunicorn masters' workers read what the test prepared
@pytest.mark.slow  # two gunicorn boots and a few seconds of load: 18 s on 2 idle cores; `make test` and CI run it
def test_saves_alternating_between_two_nodes_lose_nothing_and_overwrite_nothing_stale(app, database_url):
    tokens = prepare_database(database_url, CANDIDATES, migrate=False)
    with gunicorn_nodes(database_url, NODES, workers=WORKERS_PER_NODE) as nodes:
        (first, first_master), (second, second_master) = nodes
        assert first != second and first_master.pid != second_master.pid
        workers = [set(worker_pids(master.pid)) for _, master in nodes]
        assert [len(pids) for pids in workers] == [WORKERS_PER_NODE] * NODES
        assert not workers[0] & workers[1], "each node has workers of its own"
        ledger = run_isolated(lambda: _candidates(tokens, (first, second)))

    assert ledger.surprises == [], f"{len(ledger.surprises)} unexpected answers, e.g. {ledger.surprises[:5]}"
    assert ledger.requests[first] > 50 and ledger.requests[second] > 50, ledger.requests
    assert ledger.stale_sent == CANDIDATES * ITEMS * (ROUNDS - 1) == ledger.stale_refused
    assert sum(ledger.races.values()) == CANDIDATES * RACES
    assert ledger.closed_refused == CANDIDATES
    assert all(on_first == on_second for on_first, on_second in ledger.results), "both nodes read the same result"

    with app.app_context():
        stored = {
            (attempt_id, position): (seq, answer)
            for attempt_id, position, seq, answer in db.session.execute(
                select(AttemptItem.attempt_id, AttemptItem.position, Response.seq, Response.answer).join(Response)
            )
        }
        statuses = set(db.session.scalars(select(Attempt.status)))
    assert statuses == {"scored"}
    highest: dict[tuple[int, int], tuple[int, Any]] = {}
    lost = []
    for attempt_id, position, seq, answer in ledger.acknowledged:
        saved_seq, saved_answer = stored[(attempt_id, position)]
        if saved_seq < seq or (saved_seq == seq and saved_answer != answer):
            lost.append((attempt_id, position, seq))
        if seq > highest.get((attempt_id, position), (0, None))[0]:
            highest[(attempt_id, position)] = (seq, answer)
    assert lost == [], f"{len(lost)} acknowledged saves are neither stored nor superseded, e.g. {lost[:5]}"
    # Every save sent with a higher seq was acknowledged, so what is stored is exactly the highest one.
    stale = [(key, stored[key], best) for key, best in highest.items() if stored[key] != best]
    assert stale == [], f"{len(stale)} stored answers are not the highest acknowledged save, e.g. {stale[:5]}"


def _right_and_wrong(app: Any, attempt_id: int) -> tuple[int, str, str]:
    """A single-choice question of the attempt with a right and a wrong option, as (position, right, wrong)."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        for item in attempt.items:
            shown = runner.presentation(attempt, item)
            if shown.type == "single_choice":
                content = item.version.content
                credit = {o.id: score_item(content, to_internal(content, shown, o.id)) for o in shown.options}
                right = [option for option, value in credit.items() if value == 1]
                wrong = [option for option, value in credit.items() if value == 0]
                if right and wrong:
                    return item.position, right[0], wrong[0]
    raise AssertionError("the practice exam has no single-choice question")


async def _after(seconds: float, coroutine: Any) -> Any:
    await asyncio.sleep(seconds)
    return await coroutine


async def _saves_racing_submits(app: Any, tokens: list[str], nodes: tuple[str, str]) -> list[tuple[int, int, int, Any]]:
    """Per candidate, one after another: a wrong answer saved, then the right one sent to one node
    while the other node gets the submit, the save a little later each time; returns
    (attempt, position, the racing save's status, its reply)."""
    submitting, saving = nodes
    outcomes = []
    for n, token in enumerate(tokens):
        connector = aiohttp.TCPConnector(force_close=True)
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers, connector=connector) as session:
            ledger = Ledger()
            status, state = await _call(session, ledger, submitting, "POST", "/assessments/practice/attempts")
            assert status == 200, state
            attempt = state["attempt_id"]
            position, right, wrong = await asyncio.to_thread(_right_and_wrong, app, attempt)
            path = f"/attempts/{attempt}/responses/{position}"
            status, reply = await _call(session, ledger, saving, "PUT", path, {"answer": wrong, "seq": 1})
            assert status == 200, reply

            later = RACE_STEP * n
            (status, reply), (submitted, body) = await asyncio.gather(
                _after(later, _call(session, ledger, saving, "PUT", path, {"answer": right, "seq": 2})),
                _call(session, ledger, submitting, "POST", f"/attempts/{attempt}/submit"),
            )
            assert submitted == 200, body
            outcomes.append((attempt, position, status, reply))
    return outcomes


@pytest.mark.committing  # two gunicorn masters' workers read what the test prepared
@pytest.mark.slow  # two more gunicorn boots
def test_a_save_racing_a_submit_on_the_other_node_is_scored_or_refused(app, database_url):
    """A save answered 200 while the other node scores the attempt must be in the score; otherwise it is refused.

    On PostgreSQL, under READ COMMITTED, this needs the save's update to lock the attempt row against the
    submit (certify.assessments.saving: EXISTS (... FOR SHARE)): without it 9 of 12 saves here were answered
    200 after the submit had read the answers, and scored as the old answer. On SQLite the save's UPDATE
    waits for the submit's write lock (or the submit for the save's): one writer at a time serialises them.
    """
    tokens = prepare_database(database_url, RACE_CANDIDATES, migrate=False)
    with gunicorn_nodes(database_url, NODES, workers=1) as nodes:
        (first, _), (second, _) = nodes
        outcomes = run_isolated(lambda: _saves_racing_submits(app, tokens, (first, second)))
    with app.app_context():
        credits = {
            (attempt, position): credit
            for attempt, position, credit in db.session.execute(
                select(AttemptItem.attempt_id, AttemptItem.position, AttemptItem.credit)
            )
        }
    wrong = []
    for attempt, position, status, reply in outcomes:
        credit = credits[(attempt, position)]
        if status == 200 and credit != 1:
            wrong.append(f"attempt {attempt}: the save was acknowledged but the score counts the older answer")
        elif status == 409 and reply.get("error") == "closed" and credit != 0:
            wrong.append(f"attempt {attempt}: the save was refused but the score counts it")
        elif status not in (200, 409) or (status == 409 and reply.get("error") != "closed"):
            wrong.append(f"attempt {attempt}: HTTP {status}: {reply}")
    assert wrong == [], f"{len(wrong)} of {len(outcomes)} races went wrong, e.g. {wrong[:3]}"
