"""What the exam bench runs on and measures with: a fresh database per run (a SQLite file, or a database on the
PostgreSQL server, whose durability settings are printed), and the CPU gunicorn's workers and the load
generator used over a run, and the gunicorn the runs are served by (as production runs it: 2 x cores + 1 sync
workers unless CERTIFY_BENCH_WORKERS, _WORKER_CLASS and _THREADS say otherwise). The runs and their targets
are in bench/exams.py.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.load import gunicorn, worker_pids


def env_int(name: str, default: int, low: int = 0, high: int = 10_000) -> int:
    return max(low, min(high, int(os.environ.get(name, str(default)))))


WORKERS = env_int("CERTIFY_BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1, low=1, high=64)
WORKER_CLASS = os.environ.get("CERTIFY_BENCH_WORKER_CLASS", "sync")
THREADS = env_int("CERTIFY_BENCH_THREADS", 1, low=1, high=64)


@contextmanager
def served(url: str, **kwargs: object) -> Iterator[tuple[str, int]]:
    with gunicorn(
        url, workers=WORKERS, module="bench.wsgi:app", worker_class=WORKER_CLASS, threads=THREADS, **kwargs
    ) as (base, process):
        yield base, process.pid


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


@contextmanager
def cpu_report(master: int) -> Iterator[None]:
    """Print the CPU gunicorn's workers and this process (the load generator) used over the block."""
    pids = worker_pids(master)
    server, own = cpu_seconds(pids), resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    yield
    wall = max(time.perf_counter() - started, 1e-9)
    after = resource.getrusage(resource.RUSAGE_SELF)
    server = cpu_seconds(pids) - server
    client = after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime
    print(
        f"  CPU over {wall:.0f} s: gunicorn's {len(pids)} workers {server:.0f} s ({server / wall:.2f} cores), "
        f"the load generator {client:.0f} s ({client / wall:.2f} cores), of {os.cpu_count()} cores"
    )


class Databases:
    """A fresh database per run: a new SQLite file, or a new database on the PostgreSQL server."""

    def __init__(self, label: str, fresh: Callable[[str], str]) -> None:
        self.label, self._fresh, self._count = label, fresh, 0

    def fresh(self) -> str:
        self._count += 1
        return self._fresh(f"certify_bench_{self._count}")


def sqlite_databases(directory: str) -> Databases:
    return Databases("SQLite", lambda name: f"sqlite:///{Path(directory) / f'{name}.sqlite3'}")


def postgres_databases(url: str) -> Databases:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    def fresh(name: str) -> str:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        return make_url(url).set(database=name).render_as_string(hide_password=False)

    return Databases("PostgreSQL", fresh)


def postgres_settings(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            found = {
                name: connection.execute(text(f"SHOW {name}")).scalar()
                for name in ("server_version", "fsync", "synchronous_commit", "full_page_writes", "max_connections")
            }
    finally:
        engine.dispose()
    return ", ".join(f"{k}={v}" for k, v in found.items())
