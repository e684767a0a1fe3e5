"""Simulated candidates for `make bench` and the fault test: start, answer with autosaves, submit.

Two kinds of candidate, both with think time between answers:
- through the JSON API with a bearer token (`candidate`): start, one or two autosaves per item, submit,
  read the result;
- in a browser (`browser_candidate`, tests/support/browser_candidates.py): pages, autosaves as runner.js
  sends them and "Save and next", with the session cookie signing in leaves.
`synchronised_start` is a cohort pressing Start within one second.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from typing import Any

import aiohttp

from tests.support.browser_candidates import browser_candidate
from tests.support.load_stats import Stats, answer_for, call


async def candidate(
    base: str,
    token: str,
    stats: Stats,
    *,
    exam: str,
    think: tuple[float, float],
    seed: int,
    retries: int = 0,
    items: int | None = None,
) -> None:
    """One candidate: start, answer every item (an autosave, sometimes a second one), submit, read the result.

    With `items`, only the first `items` questions are answered before the submit."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=60)
    # gunicorn's sync workers close every connection; never reuse one.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout, connector=connector) as session:
        status, state = await call(
            session, stats, "start", "POST", f"{base}/api/v1/assessments/{exam}/attempts", retries=retries
        )
        if status != 200:
            if status:
                stats.error("start", f"HTTP {status}: {state}")
            return
        attempt = state["attempt_id"]
        for item in state["items"][:items]:
            if stats.past_time_limit():
                break
            saves = 2 if rng.random() < 0.3 else 1
            for seq in range(1, saves + 1):
                await asyncio.sleep(rng.uniform(*think))
                answer = answer_for(item, rng)
                url = f"{base}/api/v1/attempts/{attempt}/responses/{item['position']}"
                status, body = await call(
                    session, stats, "autosave", "PUT", url, {"answer": answer, "seq": seq}, retries=retries
                )
                if status == 200:
                    stats.acknowledged.append((attempt, item["position"], seq, answer))
                elif status == 409 and body and body.get("error") == "stale" and body.get("seq", 0) >= seq:
                    pass  # a retry of a save that had landed: the server already holds it
                elif status:
                    stats.error("autosave", f"HTTP {status}: {body}")
        status, body = await call(
            session, stats, "submit", "POST", f"{base}/api/v1/attempts/{attempt}/submit", retries=retries
        )
        if status not in (200, 0):
            stats.error("submit", f"HTTP {status}: {body}")
        status, body = await call(
            session, stats, "result", "GET", f"{base}/api/v1/attempts/{attempt}/result", retries=retries
        )
        if status not in (200, 0):
            stats.error("result", f"HTTP {status}: {body}")


async def run_candidates(
    base: str,
    tokens: list[str],
    *,
    exam: str = "practice",
    think: tuple[float, float] = (2, 6),
    ramp_seconds: float = 10.0,
    retries: int = 0,
    exams: Sequence[str] = (),
    cookies: Sequence[str | None] = (),
    user_agent: str = "",
    items: int | None = None,
    seconds: float | None = None,
) -> Stats:
    """Candidates arriving evenly over `ramp_seconds`, each sitting an exam.

    Candidate n sits `exams[n % len(exams)]` (or `exam`); with `cookies`, candidate n is a browser when
    `cookies[n]` is set (and an API client with `tokens[n]` otherwise). `items` caps the questions answered;
    after `seconds`, candidates answer no further question and submit (the requests under way finish).
    """
    started = time.perf_counter()
    stats = Stats(started=started, stop_at=None if seconds is None else started + seconds)

    async def delayed(n: int, token: str) -> None:
        await asyncio.sleep(ramp_seconds * n / max(1, len(tokens)))
        sitting = exams[n % len(exams)] if exams else exam
        cookie = cookies[n] if n < len(cookies) else None
        if cookie:
            await browser_candidate(
                base,
                cookie,
                stats,
                exam=sitting,
                think=think,
                seed=n,
                user_agent=user_agent,
                retries=retries,
                items=items,
            )
        else:
            await candidate(base, token, stats, exam=sitting, think=think, seed=n, retries=retries, items=items)

    await asyncio.gather(*(delayed(n, token) for n, token in enumerate(tokens)))
    stats.finished = time.perf_counter()
    return stats


async def synchronised_start(
    base: str, tokens: list[str], *, exam: str, window: float = 1.0, wait: float = 120.0
) -> Stats:
    """Every token's owner presses Start (POST /api/v1/assessments/<exam>/attempts) within `window` seconds,
    spread evenly; `started` is the first press and `finished` the last reply. A press unanswered after
    `wait` seconds is given up (an error)."""
    stats = Stats()
    timeout = aiohttp.ClientTimeout(total=wait)

    async def press(n: int, token: str) -> None:
        await asyncio.sleep(window * n / max(1, len(tokens)))
        connector = aiohttp.TCPConnector(force_close=True)
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers, timeout=timeout, connector=connector) as session:
            status, body = await call(session, stats, "start", "POST", f"{base}/api/v1/assessments/{exam}/attempts")
            if status != 200 and status:
                stats.error("start", f"HTTP {status}: {str(body)[:120]}")
            elif status == 200 and not (body or {}).get("items"):
                stats.error("start", "an attempt without items")

    stats.started = time.perf_counter()
    await asyncio.gather(*(press(n, token) for n, token in enumerate(tokens)))
    stats.finished = time.perf_counter()
    return stats


async def closed_loop(
    base: str, tokens: list[str], method: str, path_for: Any, body_for: Any, *, seconds: float
) -> tuple[float, int]:
    """Requests per second with one client per token sending back to back for `seconds`; returns (rps, errors)."""
    done = errors = 0
    stop = time.perf_counter() + seconds

    async def worker(n: int, token: str) -> None:
        nonlocal done, errors
        connector = aiohttp.TCPConnector(force_close=True)
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}, connector=connector) as session:
            i = 0
            while time.perf_counter() < stop:
                i += 1
                try:
                    async with session.request(method, f"{base}{path_for(n, i)}", json=body_for(n, i)) as response:
                        await response.read()
                        ok = response.status == 200
                except aiohttp.ClientError:
                    ok = False
                if ok:
                    done += 1
                else:
                    errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(n, token) for n, token in enumerate(tokens)))
    return done / (time.perf_counter() - started), errors


def run_isolated(make_coroutine: Any) -> Any:
    """Run a coroutine on a fresh event loop in its own thread.

    Playwright's sync API keeps an event loop running in the main thread for the
    whole test session, and asyncio.run refuses to start inside one.
    """
    import threading

    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(make_coroutine())
        except BaseException as exc:  # handed back to the caller below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="load")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
