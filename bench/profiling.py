"""Where a request's time goes: the hot requests profiled inside gunicorn's workers, summarised.

Server side (`Profiled`, installed by bench/wsgi.py when CERTIFY_BENCH_PROFILE_DIR is set): each worker
wraps the hot requests in cProfile, one profile per kind (autosave, start per exam, submit, the question
page), counts the SQL statements each issues, and dumps its profiles to the directory every few seconds
and at exit. Bench side (`profile_run`): serve a fresh database that way, start attempts (both exams) and
autosave in a closed loop with 20 clients, then merge every worker's profile per kind and print the
statements and wall time per request and the top functions by own time and by cumulative time in
Certify's code. cProfile slows Python-heavy code down (about 1.5-2x), so the times are shares of a
profiled run, not the figures the targets judge; time spent waiting (SQLite's write lock, the network)
shows as own time of the call that waited (e.g. sqlite3's execute or commit).
"""

from __future__ import annotations

import asyncio
import atexit
import cProfile
import json
import os
import pstats
import random
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import aiohttp

# (kind, method, path pattern); the start's kind carries the exam's slug.
KINDS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("autosave", "PUT", re.compile(r"^/api/v1/attempts/\d+/responses/\d+$")),
    ("start {0}", "POST", re.compile(r"^/api/v1/assessments/([\w-]+)/attempts$")),
    ("submit", "POST", re.compile(r"^/api/v1/attempts/\d+/submit$")),
    ("question page", "GET", re.compile(r"^/exams/attempts/\d+/q/\d+$")),
)
DUMP_EVERY = 3.0  # seconds; a worker killed without running atexit still leaves a recent dump


def kind_of(method: str, path: str) -> str | None:
    for kind, verb, pattern in KINDS:
        if method == verb and (match := pattern.match(path)):
            return kind.format(*match.groups())
    return None


class Profiled:
    """WSGI middleware: the hot requests under cProfile, per kind, with their SQL statement counts."""

    def __init__(self, app: Callable[..., Iterable[bytes]], directory: str) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        self.app, self.directory = app, Path(directory)
        self.profiles: dict[str, cProfile.Profile] = {}
        self.counts: dict[str, dict[str, float]] = {}
        self.statements = 0
        self.dumped = time.monotonic()
        event.listen(Engine, "before_cursor_execute", self._count)
        atexit.register(self.dump)

    def _count(self, *_args: Any) -> None:
        self.statements += 1

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        kind = kind_of(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))
        if kind is None:
            return self.app(environ, start_response)
        profile = self.profiles.setdefault(kind, cProfile.Profile())
        counts = self.counts.setdefault(kind, {"requests": 0, "statements": 0, "seconds": 0.0})
        statements, started = self.statements, time.perf_counter()
        profile.enable()
        try:
            result = self.app(environ, start_response)
            try:
                body = list(result)  # the body is produced inside the profile too
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            profile.disable()
            counts["requests"] += 1
            counts["statements"] += self.statements - statements
            counts["seconds"] += time.perf_counter() - started
            if time.monotonic() - self.dumped > DUMP_EVERY:
                self.dump()
        return body

    def dump(self) -> None:
        self.dumped = time.monotonic()
        pid = os.getpid()
        for kind, profile in self.profiles.items():
            stem = self.directory / f"{kind.replace(' ', '_')}.{pid}"
            # Written aside and renamed, so a reader never sees half a file
            profile.dump_stats(f"{stem}.prof.tmp")
            os.replace(f"{stem}.prof.tmp", f"{stem}.prof")
            Path(f"{stem}.json.tmp").write_text(json.dumps(self.counts[kind]))
            os.replace(f"{stem}.json.tmp", f"{stem}.json")


# ---- the bench side


def _where(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":  # a builtin or C function
        return name
    for marker in ("site-packages/", "/lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    else:
        root = str(Path(__file__).resolve().parents[1]) + "/"
        filename = filename.removeprefix(root)
    return f"{filename}:{line} {name}"


def summarise(directory: Path, top: int = 10) -> list[str]:
    """Per kind of request: statements and profiled time per request, then the top functions."""
    lines = []
    kinds = sorted({p.name.split(".")[0] for p in directory.glob("*.prof")})
    for stem in kinds:
        counts = {"requests": 0.0, "statements": 0.0, "seconds": 0.0}
        for part in directory.glob(f"{stem}.*.json"):
            for key, value in json.loads(part.read_text()).items():
                counts[key] += value
        requests = max(counts["requests"], 1)
        stats = pstats.Stats(*(str(p) for p in sorted(directory.glob(f"{stem}.*.prof"))))
        entries = stats.stats  # type: ignore[attr-defined]  # {(file, line, name): (cc, nc, own, cumulative, callers)}
        total = sum(own for _cc, _nc, own, _cum, _callers in entries.values()) or 1e-9
        lines.append(
            f"  {stem.replace('_', ' ')}: {counts['requests']:.0f} requests profiled, "
            f"{counts['seconds'] / requests * 1000:.1f} ms each under cProfile (wall), "
            f"{counts['statements'] / requests:.1f} SQL statements each"
        )
        lines.append("    own time (share of the profiled time, ms per request):")
        by_own = sorted(entries.items(), key=lambda e: e[1][2], reverse=True)[:top]
        for key, (_cc, calls, own, _cum, _callers) in by_own:
            lines.append(
                f"      {own / total * 100:5.1f} %  {own / requests * 1000:6.2f} ms  "
                f"{calls / requests:6.1f} calls  {_where(key)}"
            )
        lines.append("    cumulative, Certify's own functions:")
        ours = [
            (key, value) for key, value in entries.items() if "/certify/" in key[0] and "site-packages" not in key[0]
        ]
        for key, (_cc, calls, _own, cumulative, _callers) in sorted(ours, key=lambda e: e[1][3], reverse=True)[:top]:
            lines.append(
                f"      {cumulative / total * 100:5.1f} %  {cumulative / requests * 1000:6.2f} ms  "
                f"{calls / requests:6.1f} calls  {_where(key)}"
            )
    return lines


async def _start_all(base: str, tokens: list[str], exams: tuple[str, ...], concurrency: int) -> list[dict[str, Any]]:
    """Start one attempt per token (exams in turn), `concurrency` at a time; returns the attempt states."""
    gate = asyncio.Semaphore(concurrency)
    states: list[dict[str, Any]] = []

    async def start(n: int, token: str) -> None:
        async with gate:
            connector = aiohttp.TCPConnector(force_close=True)
            headers = {"Authorization": f"Bearer {token}"}
            async with (
                aiohttp.ClientSession(headers=headers, connector=connector) as session,
                session.post(f"{base}/api/v1/assessments/{exams[n % len(exams)]}/attempts") as response,
            ):
                if response.status == 200:
                    states.append({"token": token, **await response.json()})

    await asyncio.gather(*(start(n, token) for n, token in enumerate(tokens)))
    return states


def profile_run(url: str, workers: int, exams: tuple[str, ...], starts: int = 60, seconds: float = 4.0) -> list[str]:
    """Serve `url` (prepared with enough candidates) with profiling on; start, autosave; the summary lines."""
    from tests.support.load import gunicorn, prepare_database
    from tests.support.load_stats import answer_for
    from tests.support.simulated_candidates import closed_loop

    tokens = prepare_database(url, starts, bench_table=True, certification=True)
    with tempfile.TemporaryDirectory(prefix="certify-bench-profile-") as directory:
        environment = {"CERTIFY_BENCH_PROFILE_DIR": directory}
        with gunicorn(url, workers=workers, module="bench.wsgi:app", env=environment) as (base, _process):
            states = asyncio.run(_start_all(base, tokens, exams, concurrency=10))
            clients = [s for s in states if s.get("items")][:20]

            def save_path(n: int, i: int) -> str:
                items = clients[n]["items"]
                return f"/api/v1/attempts/{clients[n]['attempt_id']}/responses/{items[i % len(items)]['position']}"

            rng = random.Random(3)

            def save_body(n: int, i: int) -> dict[str, Any]:
                items = clients[n]["items"]
                return {"answer": answer_for(items[i % len(items)], rng), "seq": i}

            asyncio.run(closed_loop(base, [c["token"] for c in clients], "PUT", save_path, save_body, seconds=seconds))
        # gunicorn has stopped: every worker has written its profiles at exit
        lines = [f"  {len(states)} of {starts} attempts started ({', '.join(exams)} in turn), 10 at a time; "]
        lines[0] += f"autosaves from {len(clients)} clients back to back for {seconds:.0f} s; {workers} workers"
        return lines + summarise(Path(directory))
