"""The programme impact report and the Success Case Method, for admins."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from certify.database import utcnow
from certify.extensions import db
from certify.outcomes import admin_bp, success_cases
from certify.outcomes.models import SuccessCase
from certify.outcomes.report import FilterError, ImpactReport, ReportFilter, impact_report, read_filter
from certify.outcomes.report_tables import long_rows, report_charts, report_tables
from certify.reports import cohorts as cohort_service
from certify.reports.export import csv_response, xlsx_response
from certify.security.access import acting_user

FILTER_FIELDS = ("cohort", "from", "to")
FINDING_FIELDS = ("interviewed_on", "enablers", "barriers", "notes")


def _typed(source: dict[str, str] | None = None) -> dict[str, str]:
    values = request.args if source is None else source
    return {name: str(values.get(name, "")).strip()[:100] for name in FILTER_FIELDS}


def _report() -> tuple[ImpactReport | None, dict[str, str], str | None]:
    typed = _typed()
    try:
        chosen = read_filter(typed["cohort"], typed["from"], typed["to"])
    except FilterError as exc:
        return None, typed, str(exc)
    return impact_report(chosen, utcnow()), typed, None


def _render(
    template: str, report: ImpactReport | None, typed: dict[str, str], error: str | None, **extra: object
) -> tuple[str, int]:
    tables = {t.key: t for t in report_tables(report)} if report else {}
    page = render_template(
        template,
        report=report,
        tables=tables,
        charts=report_charts(report) if report else {},
        cohorts=cohort_service.cohort_list(),
        typed=typed,
        query={k: v for k, v in typed.items() if v},
        error=error,
        **extra,
    )
    return page, 400 if error else 200


@admin_bp.route("/", endpoint="report")
def report_page() -> tuple[str, int]:
    return _render("outcomes/admin/report.html", *_report())


def _filename(report: ImpactReport, extension: str, section: str = "") -> str:
    parts = ["outcome-impact", section, report.generated_at.strftime("%Y%m%d")]
    return "-".join(p for p in parts if p) + "." + extension


@admin_bp.route("/report.csv")
def report_csv() -> Response | tuple[str, int]:
    """One section (?section=summary …) as its own table, or every section in one long table."""
    report, typed, error = _report()
    if report is None:
        return _render("outcomes/admin/report.html", report, typed, error)
    tables = report_tables(report)
    section = request.args.get("section", "")
    if not section:
        return csv_response(_filename(report, "csv"), ["Section", "Row", "Values"], long_rows(tables))
    chosen = next((t for t in tables if t.key == section), None)
    if chosen is None:
        names = ", ".join(t.key for t in tables)
        message = f"There is no report section “{section[:40]}”; choose one of {names}."
        return _render("outcomes/admin/report.html", report, typed, message)
    return csv_response(_filename(report, "csv", chosen.key), chosen.headers, chosen.rows)


@admin_bp.route("/report.xlsx")
def report_xlsx() -> Response | tuple[str, int]:
    report, typed, error = _report()
    if report is None:
        return _render("outcomes/admin/report.html", report, typed, error)
    return xlsx_response(_filename(report, "xlsx"), [(t.title, t.headers, t.rows) for t in report_tables(report)])


def _cases_page(
    error: str | None = None, findings: dict[str, str] | None = None, case_id: int | None = None
) -> tuple[str, int]:
    report, typed, filter_error = _report()
    return _render(
        "outcomes/admin/cases.html",
        report,
        typed,
        error or filter_error,
        findings=findings or {},
        editing=case_id,
    )


@admin_bp.route("/cases", endpoint="cases")
def cases_page() -> tuple[str, int]:
    return _cases_page()


@admin_bp.route("/cases/propose", methods=["POST"])
def propose_cases() -> Response | tuple[str, int]:
    typed = _typed(request.form)
    try:
        chosen: ReportFilter = read_filter(typed["cohort"], typed["from"], typed["to"])
    except FilterError as exc:
        return _cases_page(str(exc))
    proposed = success_cases.propose(acting_user(), chosen, utcnow())
    db.session.commit()
    already = f" {proposed.already} were already cases." if proposed.already else ""
    flash(f"Proposed {len(proposed.created)} case(s) for interview.{already} {proposed.note}".strip(), "success")
    query = urlencode({k: v for k, v in typed.items() if v})
    return redirect(url_for("outcomes_admin.cases") + (f"?{query}" if query else ""))


@admin_bp.route("/cases/<int:case_id>", methods=["POST"])
def case_findings(case_id: int) -> Response | tuple[str, int]:
    case = db.session.get(SuccessCase, case_id)
    if case is None:
        abort(404)
    typed = {name: request.form.get(name, "") for name in FINDING_FIELDS}
    try:
        success_cases.record_findings(
            acting_user(), case, typed["interviewed_on"], typed["enablers"], typed["barriers"], typed["notes"], utcnow()
        )
    except success_cases.CaseError as exc:
        db.session.rollback()
        return _cases_page(str(exc), typed, case_id)
    db.session.commit()
    flash(f"Findings of the interview for plan {case.plan_id} saved.", "success")
    return redirect(url_for("outcomes_admin.cases", _anchor=f"case-{case.id}"))
