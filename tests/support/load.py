"""Running the real app under gunicorn for load and fault tests: a prepared database, candidates, a server."""

from __future__ import annotations

import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import flask_migrate
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from certify import create_app
from certify.assessments.models import Assessment, CutScore
from certify.assessments.sources import QUESTION_BANKS
from certify.auth.models import ApiToken, User, UserRole
from certify.course.models import CourseCompletion
from certify.database import utcnow, write_intent
from certify.extensions import db
from certify.seed import load_content
from tests.support.catalogs import repository_catalog

ROOT = Path(__file__).resolve().parents[2]
# The secret gunicorn() gives the app, so browser_cookies() can sign the session cookies it serves.
LOAD_SECRET_KEY = "load-" + "k" * 40
# The User-Agent of simulated browsers: Flask-Login's session protection binds a session to it.
BROWSER_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) certify-bench"
CERTIFICATION_EXAM = "mid-certification"  # question_banks/assessments/mid-certification.yaml
# The bench's baseline table (see bench/wsgi.py), created before any worker starts.
BENCH_METADATA = MetaData()
BENCH_INSERTS = Table(
    "bench_inserts", BENCH_METADATA, Column("id", Integer, primary_key=True), Column("note", String(40))
)


def prepare_database(
    url: str, candidates: int, *, migrate: bool = True, bench_table: bool = False, certification: bool = False
) -> list[str]:
    """Migrate (optionally), load the repository's content and create candidates; returns their API tokens.

    With `certification`, the candidates may also sit the certification exam: each has completed the
    course, and the exam's placeholder cut (which keeps a certification exam closed) is followed by one
    adopted as a standard-setting study would (the demo runs a modified-Angoff study for this).
    """
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    tokens = ["cfy_" + secrets.token_urlsafe(24) for _ in range(candidates)]
    with app.app_context(), write_intent():
        if migrate:
            flask_migrate.upgrade()
        catalog = repository_catalog([QUESTION_BANKS])
        load_content(catalog)
        now = utcnow()
        run = secrets.token_hex(4)
        ids = (
            db.session.execute(
                insert(User).returning(User.id, sort_by_parameter_order=True),
                [
                    {
                        "email": f"load-{run}-{n}@example.org",
                        "name": f"Load Candidate {n}",
                        "password_hash": None,
                        "active": True,
                        "session_version": 1,
                        "created_at": now,
                    }
                    for n in range(candidates)
                ],
            )
            .scalars()
            .all()
        )
        db.session.execute(insert(UserRole), [{"user_id": i, "role": "candidate", "granted_at": now} for i in ids])
        db.session.execute(
            insert(ApiToken),
            [
                {
                    "user_id": i,
                    "label": "load",
                    "token_sha256": hashlib.sha256(t.encode()).hexdigest(),
                    "created_at": now,
                }
                for i, t in zip(ids, tokens, strict=True)
            ],
        )
        if certification:
            db.session.execute(insert(CourseCompletion), [{"user_id": i, "completed_at": now} for i in ids])
            _open_certification_exam(now)
        db.session.commit()
        if bench_table:
            BENCH_METADATA.create_all(db.engine, checkfirst=True)
        db.engine.dispose()
    return tokens


def _open_certification_exam(now: datetime) -> None:
    exam = db.session.scalar(select(Assessment).where(Assessment.slug == CERTIFICATION_EXAM))
    assert exam is not None, f"no {CERTIFICATION_EXAM} exam in {QUESTION_BANKS}"
    if exam.launch_blocker is None:
        return
    current = exam.cut_score
    db.session.add(
        CutScore(
            assessment=exam,
            version=(current.version if current else 0) + 1,
            method="modified_angoff",
            percent=current.percent if current else 70.0,
            rationale="Adopted for the load bench, as the demo's modified-Angoff study does.",
            adopted_at=now,
        )
    )
    db.session.flush()


def browser_cookies(url: str, tokens: list[str]) -> list[str]:
    """A signed-in browser's session cookie for each token's owner, as signing in leaves it.

    The server-side session row is opened and the cookie signed with LOAD_SECRET_KEY, exactly as the
    sign-in form does (session protection bound to 127.0.0.1 and BROWSER_USER_AGENT), without the
    password round trip; the values go in the `certify_session` cookie of servers started by gunicorn().
    """
    from flask import session
    from flask_login import login_user

    from certify.auth import services as accounts

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": LOAD_SECRET_KEY})
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None
    digests = [hashlib.sha256(t.encode()).hexdigest() for t in tokens]
    cookies = []
    with app.app_context(), write_intent():
        query = select(ApiToken.token_sha256, ApiToken.user_id)
        owners = dict(db.session.execute(query).tuples().all())  # a list: dict() would take a Result for a mapping
        users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(owners.values())))}
        for digest in digests:
            user = users[owners[digest]]
            with app.test_request_context(
                environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": BROWSER_USER_AGENT}
            ):
                login_user(user)
                session[accounts.SESSION_KEY] = accounts.open_browser_session(user)
                session.permanent = True
                cookies.append(serializer.dumps(dict(session)))
        db.session.commit()
        db.engine.dispose()
    return cookies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(
    url: str,
    *,
    workers: int,
    module: str = "wsgi:app",
    grace: int = 60,
    log_level: str = "warning",
    worker_class: str = "sync",
    threads: int = 1,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Serve the app with gunicorn on a free port; yields (base URL, master process)."""
    port = free_port()
    environment = {
        **os.environ,
        **(env or {}),
        "CERTIFY_ENV": "production",
        "CERTIFY_SECRET_KEY": LOAD_SECRET_KEY,
        "CERTIFY_DATABASE_URL": url,
        "CERTIFY_BASE_URL": f"http://127.0.0.1:{port}",
        "CERTIFY_EXAM_GRACE_SECONDS": str(grace),
        "CERTIFY_MAIL_BACKEND": "file",
        "CERTIFY_MAIL_FILE_DIR": tempfile.mkdtemp(prefix="certify-load-mail-"),
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:certify.serving",
            module,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "4096",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            log_level,
            "--worker-class",
            worker_class,
            "--threads",
            str(threads),
        ],
        cwd=ROOT,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310 - our server
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def gunicorn_nodes(url: str, count: int, **options: Any) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """`count` gunicorn masters on one database, each with its own workers and port, booted and stopped at once.

    Yields [(base URL, master process)] as gunicorn() does for one; options are gunicorn()'s.
    """
    managers = [gunicorn(url, **options) for _ in range(count)]
    with ThreadPoolExecutor(count) as pool:
        booting = [pool.submit(manager.__enter__) for manager in managers]
        started, failure = [], None
        for manager, future in zip(managers, booting, strict=True):
            try:
                started.append((manager, future.result()))
            except Exception as exc:  # the others are stopped below, then this is raised
                failure = failure or exc
        try:
            if failure is not None:
                raise failure
            yield [node for _, node in started]
        finally:
            for stopping in [pool.submit(manager.__exit__, None, None, None) for manager, _ in started]:
                stopping.result()


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers of a master process (its children)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


@contextmanager
def temporary_postgres() -> Iterator[str | None]:
    """A throwaway PostgreSQL cluster on loopback (needs the server binaries); yields its URL, or None."""
    import glob
    import shutil
    import tempfile

    if os.environ.get("CERTIFY_BENCH_DATABASE_URL"):
        yield os.environ["CERTIFY_BENCH_DATABASE_URL"]
        return
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not binaries:
        yield None
        return
    bin_dir = Path(binaries[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="certify-bench-pg-"))
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")
    run = lambda *args: subprocess.run([*as_postgres, *args], check=True, capture_output=True)  # noqa: E731
    try:
        run(str(bin_dir / "initdb"), "-D", str(root / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(root / "data"),
            "-l",
            str(root / "log"),
            "-w",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=300 -c fsync=off "
            "-c synchronous_commit=off",
            "start",
        )
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "certify_bench")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/certify_bench"
    finally:
        subprocess.run(
            [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)
