"""Differential item functioning page: choose a grouping, read each item's MH D-DIF and ETS class."""

from __future__ import annotations

import re
from typing import Any

from flask import render_template, request
from werkzeug.wrappers import Response

from certify.assessments.models import Assessment
from certify.reports import admin_bp
from certify.reports.admin_views import assessment_or_404
from certify.reports.dif import DifReport, GroupingError, dif_report, grouping_choices, grouping_syntax, parse_grouping

GROUP_MAX = 200  # characters of the `group` parameter read
CLASS_ORDER = {"C": 0, "B": 1, "A": 2}
COLUMNS = [
    ("item_ref", "Item"),
    ("version", "Version"),
    ("competency", "Competency"),
    ("class", "ETS class"),
    ("status", "Status"),
    ("mh_d_dif", "MH D-DIF"),
    ("se", "SE"),
    ("p", "p (MH chi-square)"),
    ("alpha_mh", "MH odds ratio"),
    ("favours", "Favours"),
    ("n_focal", "n focal"),
    ("n_reference", "n reference"),
]


def _chosen(assessment: Assessment) -> tuple[DifReport | None, str | None, str, bool]:
    """(the report or None, an error message, the typed grouping, whether retakes are included)."""
    typed = request.args.get("group", "").strip()[:GROUP_MAX]
    all_attempts = request.args.get("attempts", "") == "all"
    if not typed:
        return None, None, typed, all_attempts
    try:
        grouping = parse_grouping(typed)
    except GroupingError as exc:
        return None, f"Grouping: {exc}.", typed, all_attempts
    return dif_report(assessment, grouping, all_attempts=all_attempts), None, typed, all_attempts


def _page_order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """C items first, then B, A, and items without a class; by item within each."""
    return sorted(items, key=lambda i: (CLASS_ORDER.get(i["class"], 3), i["item_ref"], i["version"]))


@admin_bp.route("/reports/<slug>/dif")
def dif_report_page(slug: str) -> tuple[str, int]:
    assessment = assessment_or_404(slug)
    report, error, typed, all_attempts = _chosen(assessment)
    page = render_template(
        "reports/admin/dif.html",
        assessment=assessment,
        report=report,
        items=_page_order(report.items) if report else [],
        error=error,
        typed=typed,
        all_attempts=all_attempts,
        choices=grouping_choices(),
        syntax=grouping_syntax(),
    )
    return page, 400 if error else 200


@admin_bp.route("/reports/<slug>/dif.csv")
def dif_report_csv(slug: str) -> Response:
    from certify.reports.export import csv_response

    report, error, _typed, _all = _chosen(assessment_or_404(slug))
    if report is None:
        message = error or f"Choose a grouping with ?group= ({grouping_syntax()})."
        return Response(message + "\n", status=400, mimetype="text/plain")
    rows = [[i[key] for key, _ in COLUMNS] for i in report.items]
    name = re.sub(r"[^A-Za-z0-9]+", "-", report.grouping.key).strip("-")
    return csv_response(f"{slug}-dif-{name}.csv", [label for _, label in COLUMNS], rows)
