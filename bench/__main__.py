"""`make bench` (`python -m bench`): every section's targets, each printed with its figure and met / MISSED.

First the pages: timings as ratios against a baseline measured in the same process. The baseline is a
bare Flask app answering a fixed page through the same test client, so the ratios say what Certify's own
work costs (sessions, access rules, the database, templates) and stay comparable between machines. Then
the sections of the other modules: exams under load (bench/exams.py, whose docstring lists its
CERTIFY_BENCH_* sizes), certificates (bench/certificates.py), item analysis and IRT. Each run prints the
load average before it starts. At the end every target is listed again, and the exit status is 1 when
any was missed (or a section failed to run), 0 otherwise.
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import flask_migrate
from flask import Flask

from bench.importing import MOODLE_TARGET_SECONDS, TARGET_SECONDS, bench_import, bench_moodle_import
from bench.report import before_run, summary, target
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

        print("\n== Pages (Flask test client, ratios to a bare Flask page) ==")
        before_run("the page timings")
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
            failed |= not target(
                name,
                f"{seconds * 1e6:.0f} µs/request, ratio {ratio:.1f}",
                f"≤ {TARGETS[name]:.0f}",
                ratio <= TARGETS[name],
            )
        before_run("the import")
        first, again = bench_import(app)
        failed |= not target(
            "import 10,000 items",
            f"{first:.2f} s (unchanged re-import {again:.2f} s)",
            f"≤ {TARGET_SECONDS:.0f} s",
            first <= TARGET_SECONDS,
        )
        before_run("the Moodle XML import")
        previewed, imported, size = bench_moodle_import(app)
        failed |= not target(
            "preview and import a 10,000-question Moodle XML file with an image each",
            f"{previewed + imported:.2f} s (preview {previewed:.2f} s, import {imported:.2f} s; {size / 1e6:.0f} MB)",
            f"≤ {MOODLE_TARGET_SECONDS:.0f} s",
            previewed + imported <= MOODLE_TARGET_SECONDS,
        )
        with app.app_context():
            db.engine.dispose()
    return 1 if failed else 0


def _section(name: str, run: Callable[[], bool]) -> bool:
    """Run one section; one that fails to run counts as a missed target, and the others still run."""
    try:
        return run()
    except Exception:
        traceback.print_exc()
        return target(f"{name} section", "failed to run (traceback above)", "runs to the end", False)


def run_all() -> int:
    logging.disable(logging.INFO)  # the migrations of each fresh database would log every step
    from bench.analysis import main as analysis_main
    from bench.certificates import main as certificates_main
    from bench.exams import main as exams_main
    from bench.irt import main as irt_main

    sections: dict[str, Callable[[], bool]] = {
        "pages": lambda: main() == 0,
        "exams": exams_main,
        "certificates": certificates_main,
        "analysis": analysis_main,
        "irt": irt_main,
    }
    results = [_section(name, run) for name, run in sections.items()]
    all_met = summary()
    return 0 if all(results) and all_met else 1


if __name__ == "__main__":
    sys.exit(run_all())
