"""Workers killed mid-exam lose no acknowledged answer.

A short load run against gunicorn while a thread SIGKILLs a random worker every
KILL_EVERY seconds, KILLS times; afterwards, every save that was answered 2xx must be
in the database, with that sequence number and answer or a newer one.

The kills are counted, not timed to the end of the run: each one makes gunicorn boot a
worker (a full app import), and on a loaded machine (the other xdist worker, CI) a kill
every half second for the whole run kept the workers booting and stretched this test
from 40 s to six minutes. Eight kills spread over the first seconds, while every
candidate is saving, test the same guarantee at a bounded cost.
"""

from __future__ import annotations

import os
import random
import signal
import threading

import pytest
from sqlalchemy import select

from certify.assessments.attempt_models import AttemptItem, Response
from certify.extensions import db
from tests.support.load import gunicorn, prepare_database, worker_pids
from tests.support.simulated_candidates import run_candidates, run_isolated

KILLS, KILL_EVERY = 8, 0.6


@pytest.mark.committing  # gunicorn workers in other processes read what the test prepared
@pytest.mark.slow  # `make test` and CI still run it (nothing deselects `slow`)
def test_no_acknowledged_save_is_lost_when_workers_are_killed(app, database_url):
    tokens = prepare_database(database_url, 25, migrate=False)
    kills: list[int] = []
    with gunicorn(database_url, workers=3, module="wsgi:app", log_level="critical") as (base, master):
        stop = threading.Event()

        def killer() -> None:
            rng = random.Random(7)
            while len(kills) < KILLS and not stop.wait(KILL_EVERY):
                pids = worker_pids(master.pid)
                if pids:
                    victim = rng.choice(pids)
                    try:
                        os.kill(victim, signal.SIGKILL)
                        kills.append(victim)
                    except ProcessLookupError:
                        pass

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            stats = run_isolated(lambda: run_candidates(base, tokens, think=(0.05, 0.3), ramp_seconds=2, retries=6))
        finally:
            stop.set()
            thread.join(5)
    assert len(kills) >= 5, "the test must actually kill workers"
    assert len(stats.acknowledged) >= 200
    with app.app_context():
        stored = {
            (attempt_id, position): (seq, answer)
            for attempt_id, position, seq, answer in db.session.execute(
                select(AttemptItem.attempt_id, AttemptItem.position, Response.seq, Response.answer).join(Response)
            )
        }
    lost = []
    for attempt_id, position, seq, answer in stats.acknowledged:
        saved_seq, saved_answer = stored[(attempt_id, position)]
        if saved_seq < seq or (saved_seq == seq and saved_answer != answer):
            lost.append((attempt_id, position, seq))
    assert lost == [], f"{len(lost)} acknowledged saves are missing after {len(kills)} worker kills"
