"""Measurement quality of the portfolio review: agreement between assessors, and each assessor's standing."""

from __future__ import annotations

from flask import render_template

from certify.admin import bp
from certify.review import agreement as agreement_service


@bp.route("/agreement")
def agreement() -> str:
    return render_template("admin/agreement.html", report=agreement_service.rater_report())


@bp.route("/assessors")
def assessors() -> str:
    report = agreement_service.rater_report()
    return render_template("admin/assessors.html", assessors=[a for a in report.assessors if a.holds_role])
