"""The public handbook page (printable: the print stylesheet drops the site's navigation)."""

from __future__ import annotations

from flask import render_template

from certify.database import utcnow
from certify.handbook import bp
from certify.handbook.contents import handbooks


@bp.route("/handbook")
def handbook() -> str:
    now = utcnow()
    return render_template("handbook/handbook.html", handbooks=handbooks(), now=now)
