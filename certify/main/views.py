"""The home page and the health check."""

from __future__ import annotations

from flask import jsonify, render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from certify.extensions import db
from certify.main import bp


@bp.route("/")
def index() -> str:
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    """Liveness plus database reachability, for load balancers and monitors."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
