"""The app as gunicorn serves it in `make bench`, plus a bare-insert endpoint as the baseline.

The baseline does the least a save could do (one INSERT in its own transaction, on
the same database, through the same server), so the autosave figure can be read as
a ratio to it. It exists only here, never in the product.

With CERTIFY_BENCH_PROFILE_DIR set, each worker runs the hot requests (autosave, start, submit and the
question page) under cProfile, one profile per kind of request, counts their SQL statements, and writes
`<kind>.<pid>.prof` and `<kind>.<pid>.json` into that directory every few seconds and at exit
(bench/profiling.py reads them). Sync workers only: cProfile follows one thread.
"""

from __future__ import annotations

import json
import os
from typing import Any

from sqlalchemy import create_engine, insert
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from certify import create_app
from certify.database import configure_engine, write_intent
from tests.support.load import BENCH_INSERTS

certify_app = create_app()
_engine = create_engine(os.environ["CERTIFY_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"))
configure_engine(_engine, 15000)


def bare_insert(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    with write_intent(), _engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite, like a save
        row_id = conn.execute(insert(BENCH_INSERTS).values(note="bench")).inserted_primary_key[0]
    body = json.dumps({"id": row_id}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


app: Any = DispatcherMiddleware(certify_app, {"/bench-insert": bare_insert})

if os.environ.get("CERTIFY_BENCH_PROFILE_DIR"):
    from bench.profiling import Profiled

    app = Profiled(app, os.environ["CERTIFY_BENCH_PROFILE_DIR"])
