"""The item analysis downloads: CSV (one section) and XLSX (items, the test and flags, one sheet each).

They carry the figures of the payload that the page and `flask analysis items --json` show
(certify/reports/item_tables.py lays them out), with the page's cohort and date filters.
"""

from __future__ import annotations

from flask import request
from werkzeug.wrappers import Response

from certify.reports import admin_bp
from certify.reports.admin_views import assessment_or_404, filtered_payload
from certify.reports.export import csv_response, xlsx_response
from certify.reports.item_tables import SECTIONS, tables

# Items and Test are the sheets the workbook always had, in that order; Flags is added after them.
SHEETS = (("items", "Items"), ("test", "Test"), ("flags", "Flags"))


def _refused(message: str) -> Response:
    return Response(message + "\n", status=400, mimetype="text/plain")


@admin_bp.route("/reports/<slug>.csv")
def item_report_csv(slug: str) -> Response:
    """?section=items (the default), flags or test."""
    _current, _stale, payload, _filters, error = filtered_payload(assessment_or_404(slug))
    if error:
        return _refused(error)
    section = request.args.get("section", "items")
    if section not in SECTIONS:
        return _refused(f"There is no section {section[:40]!r}; choose one of {', '.join(SECTIONS)}.")
    headers, rows = tables(payload)[section]
    suffix = "" if section == "items" else f"-{section}"
    return csv_response(f"{slug}-item-analysis{suffix}.csv", headers, rows)


@admin_bp.route("/reports/<slug>.xlsx")
def item_report_xlsx(slug: str) -> Response:
    _current, _stale, payload, _filters, error = filtered_payload(assessment_or_404(slug))
    if error:
        return _refused(error)
    found = tables(payload)
    return xlsx_response(f"{slug}-item-analysis.xlsx", [(title, *found[name]) for name, title in SHEETS])
