"""Serving issued certificates: the stored PDF and the verification page, through gunicorn, as a client sees them.

Run by `make bench` on the database the bulk issue left (bench/certificates.py). gunicorn runs the
app as bench/exams.py does (2 x cores + 1 sync workers); clients on aiohttp ask for random codes out
of every certificate issued, back to back, and time each request from sending it to the last byte of the
body (a new connection each time, as sync workers close them). Each endpoint is timed on its own after a
warm-up: first with one client sending one request after another (the latency a visitor sees; the targets
apply to this run), then with one client per core back to back, which saturates a small machine because the
load generator shares its cores with the server (reported to show the queueing, not a target).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import time
from dataclasses import dataclass

import aiohttp

from bench.exams import WORKERS
from bench.report import before_run, target
from tests.support.load import gunicorn
from tests.support.load_stats import Stats
from tests.support.simulated_candidates import run_isolated

PDF_P95_TARGET_MS = 10.0
VERIFY_P95_TARGET_MS = 20.0
REQUESTS = 2000
WARM_UP = 100
CONCURRENCY = os.cpu_count() or 1  # the saturating run: one client per core


@dataclass(frozen=True)
class Endpoint:
    name: str
    target_ms: float

    def path(self, code: str) -> str:
        return f"/credentials/{code}.pdf" if self.name == "pdf" else f"/verify/{code}"

    def problem(self, response: aiohttp.ClientResponse, body: bytes) -> str | None:
        """Why the response is not the certificate asked for, or None."""
        if response.status != 200:
            return f"HTTP {response.status}"
        if self.name == "pdf":
            if not body.startswith(b"%PDF-") or hashlib.sha256(body).hexdigest() != response.headers.get("ETag"):
                return "not the stored PDF"
        elif b"MID-" not in body:
            return "no serial on the page"
        return None


ENDPOINTS = (Endpoint("pdf", PDF_P95_TARGET_MS), Endpoint("verify", VERIFY_P95_TARGET_MS))


async def _hammer(base: str, codes: list[str], endpoint: Endpoint, requests: int, clients: int, seed: int) -> Stats:
    """`requests` GETs of random codes from `clients` clients back to back; latencies under the endpoint's name."""
    stats = Stats()
    rng = random.Random(seed)
    paths = [endpoint.path(rng.choice(codes)) for _ in range(requests)]
    timeout = aiohttp.ClientTimeout(total=30)

    async def client() -> None:
        connector = aiohttp.TCPConnector(force_close=True)  # gunicorn's sync workers close every connection
        async with aiohttp.ClientSession(base_url=base, timeout=timeout, connector=connector) as session:
            while paths:
                path = paths.pop()
                start = time.perf_counter()
                try:
                    async with session.get(path) as response:
                        body = await response.read()
                except (TimeoutError, aiohttp.ClientError) as exc:
                    stats.error(endpoint.name, f"{type(exc).__name__}: {exc}")
                    continue
                stats.record(endpoint.name, time.perf_counter() - start)
                problem = endpoint.problem(response, body)
                if problem:
                    stats.error(endpoint.name, f"{path}: {problem}")

    stats.started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    stats.finished = time.perf_counter()
    return stats


def bench_serving(url: str, codes: list[str], requests: int = REQUESTS) -> bool:
    """Serve the database at `url` with gunicorn and time both endpoints; prints the figures, returns targets met."""
    ok = True
    with gunicorn(url, workers=WORKERS, module="bench.wsgi:app") as (base, _process):
        print(
            f"  gunicorn, {WORKERS} sync workers; {requests:,} requests per endpoint and run, random codes of "
            f"{len(codes):,} certificates",
            flush=True,
        )
        for n, endpoint in enumerate(ENDPOINTS):
            # Warm every worker up (templates compiled, connections to the database opened).
            run_isolated(lambda e=endpoint, n=n: _hammer(base, codes, e, WARM_UP, CONCURRENCY, seed=n))
            for clients in (1, CONCURRENCY) if CONCURRENCY > 1 else (1,):
                before_run(f"{endpoint.name}, {clients} client{'s' if clients > 1 else ''}")
                stats = run_isolated(
                    lambda e=endpoint, c=clients, n=n: _hammer(base, codes, e, requests, c, seed=100 + n)
                )
                p50, p95, p99 = (stats.percentile(endpoint.name, q) * 1000 for q in (50, 95, 99))
                errors = sum(stats.errors.values())
                done = len(stats.latencies[endpoint.name])
                line = (
                    f"{endpoint.name:<6} n={done:<5} {done / (stats.finished - stats.started):6.0f}/s  "
                    f"p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  p99 {p99:5.1f} ms  errors {errors}"
                )
                print(f"  {clients} client{'s' if clients > 1 else ' '}: {line}", flush=True)
                if clients == 1:
                    ok &= target(
                        f"certificate {endpoint.name}, one client",
                        f"p95 {p95:.1f} ms, errors {errors}",
                        f"p95 ≤ {endpoint.target_ms:.0f} ms, 0 errors",
                        p95 <= endpoint.target_ms and errors == 0,
                    )
                else:
                    print("    (saturating the cores the load generator shares: not a target)")
                for sample in stats.error_samples[:3]:
                    print(f"    e.g. {sample}")
    return ok
