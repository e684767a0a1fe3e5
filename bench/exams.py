"""Exams under load: gunicorn (2 x cores + 1 workers) on SQLite and PostgreSQL, N simulated candidates.

Run by `make bench`. CERTIFY_BENCH_CANDIDATES sets N (default 300, at most 2,000);
CERTIFY_BENCH_HIGH sets the size of the concurrency run (default 1,000, 0 skips it).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from tests.support.load import gunicorn, prepare_database, temporary_postgres
from tests.support.simulated_candidates import closed_loop, run_candidates

WORKERS = 2 * (os.cpu_count() or 1) + 1
AUTOSAVE_P95_TARGET_MS = 50.0


def _throughput(base: str, tokens: list[str]) -> list[str]:
    """Autosave throughput against a bare INSERT served by the same gunicorn, closed loop."""
    import json
    import time
    import urllib.request

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

    def save_path(n: int, i: int) -> str:
        item = states[n]["items"][i % len(states[n]["items"])]
        return f"/api/v1/attempts/{states[n]['attempt_id']}/responses/{item['position']}"

    def save_body(n: int, i: int) -> dict:
        return {"answer": None, "seq": i}

    owners = tokens[:concurrency]  # each client saves into its own attempt
    saves, save_errors = asyncio.run(closed_loop(base, owners, "PUT", save_path, save_body, seconds=seconds))
    inserts, insert_errors = asyncio.run(
        closed_loop(base, owners, "POST", lambda n, i: "/bench-insert/", lambda n, i: None, seconds=seconds)
    )
    return [
        f"  closed loop, {concurrency} clients: autosave {saves:.0f}/s, bare insert {inserts:.0f}/s, "
        f"ratio {saves / max(inserts, 1e-9):.2f} (errors {save_errors + insert_errors})"
    ]


def scenario(label: str, url: str, candidates: int, *, migrate: bool = True, throughput: bool = True) -> bool:
    print(f"\n== {label}: {candidates} candidates, gunicorn with {WORKERS} workers ==", flush=True)
    tokens = prepare_database(url, candidates + 20, migrate=migrate, bench_table=True)
    with gunicorn(url, workers=WORKERS, module="bench.wsgi:app") as (base, _process):
        stats = asyncio.run(run_candidates(base, tokens[:candidates], think=(2.0, 6.0), ramp_seconds=15.0))
        for line in stats.report():
            print(line)
        p95 = stats.percentile("autosave", 95) * 1000
        errors = sum(stats.errors.values())
        ok = errors == 0 and (candidates > 300 or p95 <= AUTOSAVE_P95_TARGET_MS)
        target = "0 errors" if candidates > 300 else f"0 errors, autosave p95 ≤ {AUTOSAVE_P95_TARGET_MS:.0f} ms"
        print(f"  target: {target} -> {'ok' if ok else 'MISSED'}")
        if throughput:
            for line in _throughput(base, tokens[candidates:]):
                print(line)
    return ok


def main() -> bool:
    candidates = max(1, min(2000, int(os.environ.get("CERTIFY_BENCH_CANDIDATES", "300"))))
    high = min(2000, int(os.environ.get("CERTIFY_BENCH_HIGH", "1000")))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ok &= scenario("SQLite", f"sqlite:///{Path(tmp) / 'load.sqlite3'}", candidates)
    with temporary_postgres() as pg_url:
        if pg_url is None:
            print("\n== PostgreSQL: no server binaries here; set CERTIFY_BENCH_DATABASE_URL to run it ==")
        else:
            ok &= scenario("PostgreSQL", pg_url, candidates)
    if high:
        with tempfile.TemporaryDirectory() as tmp:
            ok &= scenario(
                f"SQLite, {high} concurrent candidates",
                f"sqlite:///{Path(tmp) / 'high.sqlite3'}",
                high,
                throughput=False,
            )
    return ok
