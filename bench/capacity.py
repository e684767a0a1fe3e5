"""How many candidates a node holds, and what each request of a sitting costs the server (issue 15).

`request_costs`: each kind of request a sitting sends, one kind after another, 20 clients back to back
through the same gunicorn the held runs use, with the CPU its workers and the load generator spent per
request (from /proc and getrusage), beside two floors measured in the same run: GET /healthz and the
bench's bare INSERT. From these it works out what one candidate costs per question at the bench's pace
(think time 2-6 s, 30 % of answers saved twice; an API candidate autosaves, a browser candidate also reads
the question page and posts "Save and next"), and so how many candidates two cores could hold with
headroom: a model to set beside the held run's measured figure, not a target.

`step_search`: the highest number of candidates meeting the held targets. Above a held run that met them,
CERTIFY_BENCH_HIGH + CERTIFY_BENCH_STEP and so on up to CERTIFY_BENCH_MAX (default off); below one that
missed, CERTIFY_BENCH_HIGH - CERTIFY_BENCH_DOWN and so on down to CERTIFY_BENCH_MIN (defaults 250 and 250:
at most three more runs per database).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import aiohttp

from bench.exam_setup import cpu_seconds, served
from tests.support.browser_candidates import form_fields, parse_question_page
from tests.support.load import BROWSER_USER_AGENT, CERTIFICATION_EXAM, browser_cookies, prepare_database, worker_pids
from tests.support.load_stats import SESSION_COOKIE, answer_for
from tests.support.simulated_candidates import closed_loop

CLIENTS = 20
HEADROOM = 0.7  # the share of the cores a node may keep busy and still answer quickly
SAVES_PER_QUESTION = 1.3  # 30 % of answers are saved twice
SECONDS_PER_QUESTION = 4.0 * SAVES_PER_QUESTION  # a think time of 2-6 s (mean 4) before each save

Job = tuple[str, str, dict[str, str], Any]  # method, path, headers, JSON body or form fields


async def _send(base: str, jobs: list[Job]) -> list[tuple[int, bytes, str]]:
    """Each job's (status, body, the session cookie the server set or ""), in the jobs' order."""
    gate = asyncio.Semaphore(CLIENTS)

    async def one(job: Job) -> tuple[int, bytes, str]:
        method, path, headers, body = job
        async with gate:
            connector = aiohttp.TCPConnector(force_close=True)  # sync workers close every connection
            async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as session:
                sent = {"json": body} if isinstance(body, dict) else {"data": body}
                async with session.request(method, base + path, headers=headers, allow_redirects=False, **sent) as r:
                    morsel = r.cookies.get(SESSION_COOKIE)
                    return r.status, await r.read(), morsel.value if morsel is not None else ""

    return list(await asyncio.gather(*(one(job) for job in jobs)))


class _Costs:
    def __init__(self, base: str, master: int) -> None:
        self.base, self.pids, self.per_request = base, worker_pids(master), {}

    def measure(
        self, name: str, jobs: list[Job], ok: Callable[[int], bool] = lambda s: s < 400
    ) -> list[tuple[bytes, str]]:
        server, own = cpu_seconds(self.pids), resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        replies = asyncio.run(_send(self.base, jobs))
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        server = (cpu_seconds(self.pids) - server) / len(jobs) * 1000
        client = (after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime) / len(jobs) * 1000
        errors = sum(1 for status, _body, _cookie in replies if not ok(status))
        self.per_request[name] = server
        print(
            f"  {name:<22} {len(jobs):5,} requests {len(jobs) / wall:6.0f}/s   server {server:5.2f} ms   "
            f"load generator {client:4.2f} ms   errors {errors}"
        )
        return [(body, cookie) for _status, body, cookie in replies]


def request_costs(url: str, candidates: int = 400) -> None:
    """Print the server CPU per request of each kind, and the capacity it implies (not a target)."""
    tokens = prepare_database(url, candidates, bench_table=True, certification=True)
    cookies = browser_cookies(url, tokens)
    bearer = [{"Authorization": f"Bearer {t}"} for t in tokens]
    browser = [{"Cookie": f"{SESSION_COOKIE}={c}", "User-Agent": BROWSER_USER_AGENT} for c in cookies]
    start = f"/api/v1/assessments/{CERTIFICATION_EXAM}/attempts"
    with served(url) as (base, master):
        costs = _Costs(base, master)
        print(f"  {CLIENTS} clients back to back per kind of request; CPU per request, gunicorn's workers and ours")
        asyncio.run(_send(base, [("GET", "/healthz", {}, None)] * 200))  # every worker has answered once
        costs.measure("floor: GET /healthz", [("GET", "/healthz", {}, None)] * 1000)
        costs.measure("floor: bare INSERT", [("POST", "/bench-insert/", {}, None)] * 1000)
        states = [
            json.loads(b) for b, _ in costs.measure("start (certification)", [("POST", start, h, None) for h in bearer])
        ]
        costs.measure(
            "attempt state",
            [("GET", f"/api/v1/attempts/{s['attempt_id']}", h, None) for s, h in zip(states, bearer, strict=True)],
        )
        pages = costs.measure(
            "question page",
            [("GET", f"/exams/attempts/{s['attempt_id']}/q/2", h, None) for s, h in zip(states, browser, strict=True)],
        )
        shown = [parse_question_page(page.decode()) for page, _ in pages]
        for headers, (_page, cookie) in zip(browser, pages, strict=True):
            if cookie:  # the page stored its CSRF token in the session: the browser keeps the new cookie
                headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
        rng = random.Random(7)
        answers = [answer_for(q.item, rng) for q in shown]
        costs.measure(
            "autosave (API)",
            [
                (
                    "PUT",
                    f"/api/v1/attempts/{s['attempt_id']}/responses/1",
                    h,
                    {"answer": answer_for(s["items"][0], rng), "seq": 1},
                )
                for s, h in zip(states, bearer, strict=True)
            ],
        )
        costs.measure(
            "autosave (browser)",
            [
                ("PUT", q.save_url, {**h, "X-CSRFToken": q.csrf}, {"answer": a, "seq": q.seq})
                for q, a, h in zip(shown, answers, browser, strict=True)
            ],
        )
        costs.measure(
            "save and next",
            [
                (
                    "POST",
                    f"/exams/attempts/{s['attempt_id']}/q/2",
                    h,
                    [("csrf_token", q.csrf), ("seq", str(q.seq + 1)), ("go", "next"), *form_fields(q.item["type"], a)],
                )
                for s, q, a, h in zip(states, shown, answers, browser, strict=True)
            ],
            ok=lambda status: status == 302,
        )
        costs.measure(
            "submit",
            [
                ("POST", f"/api/v1/attempts/{s['attempt_id']}/submit", h, None)
                for s, h in zip(states, bearer, strict=True)
            ],
        )
        costs.measure(
            "result",
            [
                ("GET", f"/api/v1/attempts/{s['attempt_id']}/result", h, None)
                for s, h in zip(states, bearer, strict=True)
            ],
        )
    _capacity(costs.per_request)


def _capacity(cost: dict[str, float]) -> None:
    api = SAVES_PER_QUESTION * cost["autosave (API)"]
    web = cost["question page"] + SAVES_PER_QUESTION * cost["autosave (browser)"] + cost["save and next"]
    per_question = (api + web) / 2  # half the candidates sit in a browser
    busy = per_question / SECONDS_PER_QUESTION / 1000  # cores one answering candidate keeps busy
    cores = os.cpu_count() or 1
    print(
        f"  a question costs the server {api:.1f} ms (API candidate) or {web:.1f} ms (browser); at the bench's "
        f"pace one answering candidate keeps {busy * 1000:.2f} thousandths of a core busy, so {cores} cores at "
        f"{HEADROOM:.0%} hold about {HEADROOM * cores / busy:,.0f} answering candidates (a model, before the load "
        "generator's share and the starts and submits; not a target)"
    )


def step_search(label: str, high: int, held_ok: bool, held_run: Callable[[int], bool]) -> None:
    """Search above a held run that met its targets, or below one that missed, and print the highest size met."""
    up, top = int(os.environ.get("CERTIFY_BENCH_STEP", "500")), int(os.environ.get("CERTIFY_BENCH_MAX", "0"))
    down, bottom = int(os.environ.get("CERTIFY_BENCH_DOWN", "250")), int(os.environ.get("CERTIFY_BENCH_MIN", "250"))
    highest, size = (high, high + up) if held_ok else (0, high - down)
    if held_ok:
        while top and size <= top and held_run(size):
            highest, size = size, size + up
        if not top:
            searched = "CERTIFY_BENCH_MAX searches higher"
        else:
            searched = f"searched up to {top:,}" if size > top else f"{size:,} missed"
    else:
        while size >= max(bottom, 1) and not held_run(size):
            size -= down
        highest = size if size >= max(bottom, 1) else 0
        searched = f"{size + down:,} missed" if highest else f"{high:,} down to {max(bottom, 1):,} all missed"
    figure = f"{highest:,}" if highest else "below the sizes tried"
    print(f"\n  {label}: highest number of candidates meeting the held targets: {figure} ({searched}; not a target)")


def autosave_throughput(base: str, tokens: list[str]) -> tuple[float, float, int]:
    """Autosaves/s against bare inserts/s, closed loop, 20 clients; returns (saves, inserts, errors)."""
    concurrency, seconds = 20, 5.0
    states = []
    for token in tokens[:concurrency]:
        request = urllib.request.Request(  # noqa: S310 - our own server
            f"{base}/api/v1/assessments/practice/attempts",
            method="POST",
            headers={"Authorization": f"Bearer {token}"},
        )
        for attempt in range(5):  # a worker may be restarting; try again shortly
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
                    states.append(json.load(response))
                break
            except OSError:
                if attempt == 4:
                    raise
                time.sleep(1)
    rng = random.Random(5)

    def save_path(n: int, i: int) -> str:
        item = states[n]["items"][i % len(states[n]["items"])]
        return f"/api/v1/attempts/{states[n]['attempt_id']}/responses/{item['position']}"

    def save_body(n: int, i: int) -> dict:
        return {"answer": answer_for(states[n]["items"][i % len(states[n]["items"])], rng), "seq": i}

    owners = tokens[:concurrency]  # each client saves real answers into its own attempt
    saves, save_errors = asyncio.run(closed_loop(base, owners, "PUT", save_path, save_body, seconds=seconds))
    inserts, insert_errors = asyncio.run(
        closed_loop(base, owners, "POST", lambda n, i: "/bench-insert/", lambda n, i: None, seconds=seconds)
    )
    return saves, inserts, save_errors + insert_errors
