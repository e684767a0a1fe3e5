"""Gunicorn's settings for serving Certify: `gunicorn -c python:certify.serving wsgi:app`.

Only what the application needs from its server lives here (the bind address and the number of workers are
the operator's, on the command line). Each worker warms its exam caches before it accepts a request
(certify/assessments/warmup.py), so that a cohort pressing Start together meets warm workers.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask

log = logging.getLogger("certify.serving")


def flask_app(wsgi: Any) -> Flask | None:
    """The Flask app inside the WSGI callable gunicorn loaded (through middleware that keeps it as `.app`)."""
    for _ in range(8):
        if isinstance(wsgi, Flask):
            return wsgi
        wsgi = getattr(wsgi, "app", None)
    return None


def post_worker_init(worker: Any) -> None:
    """Gunicorn's hook, in each worker once the app is loaded: warm the exam caches (a failure only logs)."""
    app = flask_app(getattr(worker, "wsgi", None))
    if app is None:
        return
    from certify.assessments.warmup import warm_delivery
    from certify.extensions import db

    started = time.perf_counter()
    try:
        with app.app_context():
            warmed = warm_delivery()
            db.session.remove()
    except Exception:  # a database not migrated yet, say: the worker serves, cold
        log.exception("could not warm the exam caches; serving without them")
        return
    log.info("worker %s: %d item versions ready in %.2f s", worker.pid, warmed, time.perf_counter() - started)
