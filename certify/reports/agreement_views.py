"""Measurement quality of the portfolio review: agreement between assessors, and each assessor's standing."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from flask import render_template, request
from werkzeug.wrappers import Response

from certify.reports import admin_bp
from certify.reports.export import csv_response, xlsx_response
from certify.reports.rater_model import rater_model
from certify.review import agreement as agreement_service


@admin_bp.route("/agreement")
def agreement() -> tuple[str, int]:
    from certify.reports.admin_views import chosen_people, typed_filters
    from certify.reports.cohorts import cohort_list

    typed = typed_filters()
    people, error, filters = chosen_people(typed)
    page = render_template(
        "reports/admin/agreement.html",
        report=agreement_service.rater_report(people),
        cohorts=cohort_list(),
        typed=typed,
        filters=filters,
        filter_error=error,
        query={k: v for k, v in typed.items() if v and not error},
    )
    return page, 400 if error else 200


@admin_bp.route("/assessors")
def assessors() -> str:
    report = agreement_service.rater_report()
    model = rater_model({a.id: a.name for a in report.assessors})
    measures = {r["id"]: r for r in model.raters}
    return render_template(
        "reports/admin/assessors.html",
        assessors=[a for a in report.assessors if a.holds_role],
        model=model,
        measures=measures,
    )


# The rater model's measures, appended to the Assessors table after the agreement report's own columns. Its
# `severity` is in logits and positive = severe, unlike the older `severity` (levels, negative = severe) before it.
MODEL_COLUMNS = [
    ("severity", "severity_logits"),
    ("severity_se", "severity_logits_se"),
    ("infit", "infit"),
    ("outfit", "outfit"),
    ("drift_per_30_days", "drift_logits_per_30_days"),
    ("drift_se", "drift_logits_se"),
    ("portfolios", "portfolios_measured"),
    ("tentative", "measure_tentative"),
]


def agreement_sheets() -> list[tuple[str, list[str], list[list[Any]]]]:
    """The agreement report as tables: criteria, pairs, assessors (with the rater model) and the model's status."""
    from certify.reports.admin_views import chosen_people, typed_filters

    people, _error, _filters = chosen_people(typed_filters())
    report = agreement_service.rater_report(people)
    data = report.as_dict()
    model = rater_model({a.id: a.name for a in report.assessors}, people)
    measures = {r["id"]: r for r in model.raters}
    summary = ["n", "exact", "adjacent", "qwk", "band"]
    criteria = [[c["code"], c["title"], *(c.get(k) for k in summary)] for c in data["criteria"]]
    pairs = [
        [p["assessors"][0]["name"], p["assessors"][1]["name"], p.get("versions"), *(p.get(k) for k in summary)]
        for p in data["pairs"]
    ]
    profile_keys = [f.name for f in fields(agreement_service.AssessorProfile)]
    assessors = [
        [a.get(k) for k in profile_keys] + [measures.get(a["id"], {}).get(k) for k, _ in MODEL_COLUMNS]
        for a in data["assessors"]
    ]
    decisions = [[f"pass_fail_{key}", value] for key, value in model.decisions.items()]
    return [
        ("Criteria", ["criterion", "title", *summary], criteria),
        ("Pairs", ["assessor", "assessor", "versions", *summary], pairs),
        ("Assessors", profile_keys + [name for _, name in MODEL_COLUMNS], assessors),
        ("Rater model", ["statistic", "value"], [["status", model.status], ["message", model.message], *decisions]),
    ]


def _refused(message: str) -> Response:
    return Response(message + "\n", status=400, mimetype="text/plain")


def _filter_error() -> str | None:
    from certify.reports.admin_views import chosen_people, typed_filters

    return chosen_people(typed_filters())[1]


@admin_bp.route("/agreement.csv")
def agreement_csv() -> Response:
    """?section=criteria (the default), pairs, assessors or rater_model; the page's cohort and date filters."""
    if error := _filter_error():
        return _refused(error)
    sheets = agreement_sheets()
    by_name = {title.lower().replace(" ", "_"): (title, headers, rows) for title, headers, rows in sheets}
    wanted = request.args.get("section", "criteria").strip().lower().replace(" ", "_").replace("-", "_")
    if wanted not in by_name:
        return _refused(f"There is no section {wanted[:40]!r}; choose one of {', '.join(by_name)}.")
    title, headers, rows = by_name[wanted]
    return csv_response(f"assessor-agreement-{title.lower().replace(' ', '-')}.csv", headers, rows)


@admin_bp.route("/agreement.xlsx")
def agreement_xlsx() -> Response:
    if error := _filter_error():
        return _refused(error)
    return xlsx_response("assessor-agreement.xlsx", agreement_sheets())
