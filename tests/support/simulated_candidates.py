"""Simulated candidates for `make bench` and the fault test: start, answer with autosaves, submit."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    acknowledged: list[tuple[int, int, int, Any]] = field(default_factory=list)  # attempt, position, seq, answer
    started: float = 0.0
    finished: float = 0.0

    def record(self, name: str, seconds: float) -> None:
        self.latencies[name].append(seconds)

    def error(self, name: str, detail: str) -> None:
        self.errors[name] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{name}: {detail}")

    def report(self) -> list[str]:
        lines = []
        duration = max(self.finished - self.started, 1e-9)
        total = sum(len(v) for v in self.latencies.values())
        lines.append(
            f"  {total} requests in {duration:.1f} s: {total / duration:.0f} req/s; errors: {sum(self.errors.values())}"
        )
        for name, values in sorted(self.latencies.items()):
            cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else values * 99
            lines.append(
                f"  {name:<10} n={len(values):<6} {len(values) / duration:7.1f}/s  p50 {cuts[49] * 1000:6.1f} ms"
                f"  p95 {cuts[94] * 1000:6.1f} ms  p99 {cuts[98] * 1000:6.1f} ms"
                + (f"  errors {self.errors[name]}" if self.errors.get(name) else "")
            )
        lines.extend(f"  e.g. {sample}" for sample in self.error_samples[:5])
        return lines

    def percentile(self, name: str, q: int) -> float:
        values = self.latencies.get(name, [])
        if len(values) < 2:
            return values[0] if values else 0.0
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def answer_for(item: dict[str, Any], rng: random.Random) -> Any:
    """A random well-formed answer to a question as the attempt state shows it (in its shown ids)."""
    options = [o["id"] for o in item.get("options", [])]
    kind = item["type"]
    if kind in ("single_choice", "true_false"):
        return rng.choice(options)
    if kind == "multiple_response":
        return rng.sample(options, k=max(1, len(options) // 2))
    if kind == "ordering":
        return rng.sample(options, k=len(options))
    if kind == "matching":
        responses = [r["id"] for r in item["responses"]]
        return {p["id"]: rng.choice(responses) for p in item["prompts"]}
    if kind == "numeric":
        return rng.randint(1, 200)
    return rng.choice(["baseline", "front-end analysis", "KPM", "nine"])


async def _call(
    session: aiohttp.ClientSession, stats: Stats, name: str, method: str, url: str, json: Any = None, retries: int = 0
) -> tuple[int, Any]:
    for attempt in range(retries + 1):
        start = time.perf_counter()
        try:
            async with session.request(method, url, json=json) as response:
                body = await response.json(content_type=None)
                stats.record(name, time.perf_counter() - start)
                return response.status, body
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            if attempt == retries:
                stats.error(name, f"{type(exc).__name__}: {exc}")
                return 0, None
            await asyncio.sleep(0.2 * (attempt + 1))
    return 0, None


async def candidate(
    base: str, token: str, stats: Stats, *, exam: str, think: tuple[float, float], seed: int, retries: int = 0
) -> None:
    """One candidate: start, answer every item (an autosave, sometimes a second one), submit, read the result."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=60)
    # gunicorn's sync workers close every connection; never reuse one.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout, connector=connector) as session:
        status, state = await _call(
            session, stats, "start", "POST", f"{base}/api/v1/assessments/{exam}/attempts", retries=retries
        )
        if status != 200:
            if status:
                stats.error("start", f"HTTP {status}: {state}")
            return
        attempt = state["attempt_id"]
        for item in state["items"]:
            saves = 2 if rng.random() < 0.3 else 1
            for seq in range(1, saves + 1):
                await asyncio.sleep(rng.uniform(*think))
                answer = answer_for(item, rng)
                url = f"{base}/api/v1/attempts/{attempt}/responses/{item['position']}"
                status, body = await _call(
                    session, stats, "autosave", "PUT", url, {"answer": answer, "seq": seq}, retries=retries
                )
                if status == 200:
                    stats.acknowledged.append((attempt, item["position"], seq, answer))
                elif status == 409 and body and body.get("error") == "stale" and body.get("seq", 0) >= seq:
                    pass  # a retry of a save that had landed: the server already holds it
                elif status:
                    stats.error("autosave", f"HTTP {status}: {body}")
        status, body = await _call(
            session, stats, "submit", "POST", f"{base}/api/v1/attempts/{attempt}/submit", retries=retries
        )
        if status not in (200, 0):
            stats.error("submit", f"HTTP {status}: {body}")
        status, body = await _call(
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
) -> Stats:
    stats = Stats(started=time.perf_counter())

    async def delayed(n: int, token: str) -> None:
        await asyncio.sleep(ramp_seconds * n / max(1, len(tokens)))
        await candidate(base, token, stats, exam=exam, think=think, seed=n, retries=retries)

    await asyncio.gather(*(delayed(n, token) for n, token in enumerate(tokens)))
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
