"""`make bench` (`python -m bench`): timings as ratios against a baseline measured in the same process.

The baseline is a bare Flask app answering a fixed page through the same test
client, so the ratios say what Certify's own work costs (sessions, access
rules, the database, templates) and stay comparable between machines.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import flask_migrate
from flask import Flask

from bench.importing import TARGET_SECONDS, bench_import
from certify import create_app
from certify.assessments.loading import load_competencies
from certify.assessments.sources import COMPETENCIES_FILE
from certify.auth import services as accounts
from certify.core.catalog import parse_sources
from certify.extensions import db
from tests.support.helpers import sign_in_directly

ROUNDS = 5
REQUESTS = 200
# Targets: how many times slower than the bare baseline each page may be.
TARGETS = {"GET /healthz": 8.0, "GET /auth/login": 25.0, "GET / (signed in)": 30.0, "GET /admin/users": 60.0}


def _timed(fn: Callable[[], object]) -> float:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(REQUESTS):
            fn()
        samples.append((time.perf_counter() - start) / REQUESTS)
    return statistics.median(samples)


def _baseline() -> float:
    bare = Flask("baseline")
    page = "<!doctype html><title>x</title>" + "<p>certify</p>" * 200

    @bare.get("/")
    def index() -> str:
        return page

    client = bare.test_client()
    return _timed(lambda: client.get("/"))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"})
        with app.app_context():
            flask_migrate.upgrade()
            admin = accounts.create_user(
                None, name="Bench Admin", email="bench@example.org", roles={"admin"}, password="Lantern-Kite-Orchard-7"
            )
            for n in range(200):
                accounts.create_user(
                    None, name=f"Person {n}", email=f"p{n}@example.org", roles={"candidate"}, password=None
                )
            load_competencies(parse_sources([("c.yaml", COMPETENCIES_FILE.read_text())]).competencies)
            db.session.commit()
            signed_in = app.test_client()
            sign_in_directly(signed_in, admin)
        anonymous = app.test_client()

        baseline = _baseline()
        cases = {
            "GET /healthz": lambda: anonymous.get("/healthz"),
            "GET /auth/login": lambda: anonymous.get("/auth/login"),
            "GET / (signed in)": lambda: signed_in.get("/"),
            "GET /admin/users": lambda: signed_in.get("/admin/users"),
        }
        print(f"baseline (bare Flask page): {baseline * 1e6:8.0f} µs/request")
        failed = False
        for name, fn in cases.items():
            seconds = _timed(fn)
            ratio = seconds / baseline
            ok = ratio <= TARGETS[name]
            failed |= not ok
            print(
                f"{name:<20} {seconds * 1e6:8.0f} µs/request  ratio {ratio:5.1f} (target ≤ {TARGETS[name]:.0f})"
                f"  {'ok' if ok else 'SLOW'}"
            )
        first, again = bench_import(app)
        ok = first <= TARGET_SECONDS
        failed |= not ok
        print(
            f"import 10,000 items      {first:6.2f} s (target ≤ {TARGET_SECONDS:.0f} s)  {'ok' if ok else 'SLOW'}; "
            f"unchanged re-import {again:.2f} s"
        )
        with app.app_context():
            db.engine.dispose()
    return 1 if failed else 0


if __name__ == "__main__":
    pages_ok = main() == 0
    from bench.analysis import main as analysis_main
    from bench.certificates import main as certificates_main
    from bench.exams import main as exams_main
    from bench.irt import main as irt_main

    exams_ok = exams_main()
    certificates_ok = certificates_main()
    analysis_ok = analysis_main()
    irt_ok = irt_main()
    sys.exit(0 if pages_ok and exams_ok and certificates_ok and analysis_ok and irt_ok else 1)
