"""The synchronised start (issue 15): CERTIFY_BENCH_SYNC candidates (default 1,000) press Start of the certification
exam within one second, as a cohort does when a window opens. Target: every press answered within 5 s of the
first, 0 errors; p50 and p95 reported. A press unanswered after 30 s is given up and counted as an error, so
the run stays bounded.
"""

from __future__ import annotations

import asyncio

from bench.exam_setup import Databases, cpu_report, served
from bench.report import before_run, target
from tests.support.load import CERTIFICATION_EXAM, prepare_database
from tests.support.simulated_candidates import synchronised_start

SYNC_WINDOW_SECONDS = 1.0
SYNC_COMPLETION_SECONDS = 5.0
SYNC_WAIT_SECONDS = 30.0  # a press unanswered by then is given up (an error): the run stays bounded


def sync_run(databases: Databases, candidates: int) -> bool:
    label = databases.label
    print(
        f"\n-- {label}: synchronised start, {candidates:,} candidates press Start of {CERTIFICATION_EXAM} "
        f"within {SYNC_WINDOW_SECONDS:.0f} s --",
        flush=True,
    )
    url = databases.fresh()
    tokens = prepare_database(url, candidates, certification=True)
    with served(url) as (base, master):
        before_run(f"the synchronised start on {label}")
        with cpu_report(master):
            stats = asyncio.run(
                synchronised_start(
                    base, tokens, exam=CERTIFICATION_EXAM, window=SYNC_WINDOW_SECONDS, wait=SYNC_WAIT_SECONDS
                )
            )
    for line in stats.report():
        print(line)
    completion = stats.finished - stats.started
    errors = sum(stats.errors.values())
    answered = len(stats.latencies.get("start", []))
    p50, p95 = (stats.percentile("start", q) for q in (50, 95))
    if answered == candidates:
        figure = f"all answered in {completion:.1f} s"
    else:
        figure = f"{answered:,} of {candidates:,} answered, the rest given up after {SYNC_WAIT_SECONDS:.0f} s"
    return target(
        f"{label}, synchronised start of {candidates:,}",
        f"{figure} (p50 {p50:.1f} s, p95 {p95:.1f} s of those answered), errors {errors}",
        f"all within {SYNC_COMPLETION_SECONDS:.0f} s, 0 errors",
        completion <= SYNC_COMPLETION_SECONDS and errors == 0,
    )
