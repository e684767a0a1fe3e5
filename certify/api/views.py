"""`/api/v1/me`: whose session or bearer token this is. The exam runner's routes are in attempts.py."""

from __future__ import annotations

from flask import jsonify
from werkzeug.wrappers import Response

from certify.api import bp
from certify.security.access import acting_user


@bp.route("/me")
def me() -> Response:
    user = acting_user()
    return jsonify(id=user.id, email=user.email, name=user.name, roles=sorted(user.roles))
