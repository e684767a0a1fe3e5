"""Outcome dashboards (funnel, mastery, learning gain, pass rates, certificates), their downloads, and cohorts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from certify.database import utcnow
from certify.extensions import db
from certify.params import whole_number
from certify.reports import admin_bp, outcomes
from certify.reports import cohorts as cohort_service
from certify.reports.charts import Bar, HeatCell, bar_chart, gain_chart, heatmap_chart
from certify.reports.export import csv_response, xlsx_response
from certify.reports.models import Cohort
from certify.reports.outcome_gain import GainRow
from certify.reports.outcome_tables import LONG_HEADERS, Table, long_rows, percent, report_tables
from certify.security.access import acting_user

FILTER_FIELDS = ("cohort", "from", "to")
NO_DATA = "\u2013"  # an en dash, printed in cells without results


def _filter_args() -> dict[str, str]:
    return {name: request.args.get(name, "").strip()[:100] for name in FILTER_FIELDS}


def _report_or_error() -> tuple[outcomes.OutcomeReport | None, dict[str, str], str | None]:
    typed = _filter_args()
    try:
        filters = outcomes.read_filters(typed["cohort"], typed["from"], typed["to"])
    except outcomes.FilterError as exc:
        return None, typed, str(exc)
    return outcomes.outcome_report(filters, utcnow()), typed, None


def _page(report: outcomes.OutcomeReport | None, typed: dict[str, str], error: str | None) -> tuple[str, int]:
    query = {k: v for k, v in typed.items() if v}
    tables = {t.key: t for t in report_tables(report)} if report else {}
    page = render_template(
        "reports/admin/outcomes.html",
        report=report,
        tables=tables,
        charts=report_charts(report) if report else {},
        cohorts=cohort_service.cohort_list(),
        typed=typed,
        error=error,
        query=query,
    )
    return page, 400 if error else 200


@admin_bp.route("/reports/outcomes", endpoint="outcomes")
def outcomes_page() -> tuple[str, int]:
    return _page(*_report_or_error())


def _download_name(report: outcomes.OutcomeReport, extension: str, section: str = "") -> str:
    parts = ["outcomes", section, report.generated_at.strftime("%Y%m%d")]
    return "-".join(p for p in parts if p) + "." + extension


@admin_bp.route("/reports/outcomes.csv")
def outcomes_csv() -> Response | tuple[str, int]:
    """One section (?section=funnel …) as its own table, or every section in one long table."""
    report, typed, error = _report_or_error()
    if report is None:
        return _page(report, typed, error)
    tables = report_tables(report)
    section = request.args.get("section", "")
    if not section:
        return csv_response(_download_name(report, "csv"), LONG_HEADERS, long_rows(tables))
    chosen: Table | None = next((t for t in tables if t.key == section), None)
    if chosen is None:
        names = ", ".join(t.key for t in tables)
        return _page(report, typed, f"There is no report section “{section[:40]}”; choose one of {names}.")
    return csv_response(_download_name(report, "csv", chosen.key), chosen.headers, chosen.rows)


@admin_bp.route("/reports/outcomes.xlsx")
def outcomes_xlsx() -> Response | tuple[str, int]:
    report, typed, error = _report_or_error()
    if report is None:
        return _page(report, typed, error)
    sheets = [(t.title, t.headers, t.rows) for t in report_tables(report)]
    return xlsx_response(_download_name(report, "xlsx"), sheets)


def report_charts(report: outcomes.OutcomeReport) -> dict[str, Markup]:
    """The report's SVG charts, keyed by section."""
    funnel = [
        Bar(s.label, float(s.count), f"{s.count} ({percent(s.share_of_registered) or 0:.1f}%)") for s in report.funnel
    ]
    heat = report.heatmap
    cells = [
        [HeatCell(c.share_met, NO_DATA if c.share_met is None else f"{percent(c.share_met):.0f}%") for c in row.cells]
        for row in heat.rows
    ]
    gains = [_gain_bar(row) for row in report.gain.rows]
    rows_are = "candidates" if heat.by == "candidate" else "groups of candidates"
    return {
        "funnel": bar_chart(
            "funnel-chart",
            "Certification funnel",
            "One bar per step, from registration to certification: the number of candidates who reached "
            "the step (with every earlier step done) and their share of those registered.",
            funnel,
        ),
        "mastery": heatmap_chart(
            "mastery-chart",
            "Competency mastery",
            f"Rows are {rows_are}, columns are competencies. Each cell prints the share of candidates whose "
            "latest certification attempt met the mastery threshold; darker cells are higher shares; "
            "a dash means no results.",
            [r.label for r in heat.rows],
            [code for code, _ in heat.competencies],
            cells,
        ),
        "gain": gain_chart(
            "gain-chart",
            "Learning gain per competency",
            "For each competency and the whole exam, from each candidate's first pre-test to their first "
            "certification attempt: the bar is the gain of the means, (mean exam % \u2212 mean pre-test %) "
            "\u00f7 (100 \u2212 mean pre-test %), on a scale from \u22121 to +1, right of the zero line a gain, "
            "left a loss; the dark tick is the mean normalised change c (Marx\u2013Cummings). The printed "
            "figures give both, with the candidates paired and those counted in c.",
            gains,
            [row.change.mean_change for row in report.gain.rows],
            "Bar: gain of the means (the figure to read). Tick: mean normalised change c.",
        ),
    }


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"


def _gain_bar(row: GainRow) -> Bar:
    c = row.change
    if not c.n:
        return Bar(row.code, None, "no data")
    return Bar(row.code, c.gain_of_means, f"{_signed(c.gain_of_means)}; c {_signed(c.mean_change)} (n={c.n})")


def _cohort_form() -> dict[str, str]:
    """The cohort fields the posted form carried (each form on the page sends only its own)."""
    return {k: request.form[k] for k in ("name", "description", "emails") if k in request.form}


@admin_bp.route("/cohorts", methods=["GET", "POST"])
def cohorts() -> Response | tuple[str, int]:
    form, error = {"name": "", "description": ""}, None
    if request.method == "POST":
        form = {**form, **_cohort_form()}
        try:
            cohort = cohort_service.create_cohort(acting_user(), form["name"], form["description"])
        except cohort_service.CohortError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(f"Cohort “{cohort.name}” created. Add its members below.", "success")
            return redirect(url_for("reports_admin.cohort", cohort_id=cohort.id))
    page = render_template("reports/admin/cohorts.html", rows=cohort_service.cohort_list(), form=form, error=error)
    return page, 400 if error else 200


@admin_bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
def cohort(cohort_id: int) -> Response | tuple[str, int]:
    found = db.session.get(Cohort, cohort_id)
    if found is None:
        abort(404)
    form = {"name": found.name, "description": found.description, "emails": ""}
    error = None
    if request.method == "POST":
        form = {**form, **_cohort_form()}
        try:
            message = _change_cohort(found, request.form.get("action", ""), form)
        except cohort_service.CohortError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("reports_admin.cohort", cohort_id=found.id))
    page = render_template(
        "reports/admin/cohort.html", cohort=found, members=cohort_service.members(found), form=form, error=error
    )
    return page, 400 if error else 200


def _change_cohort(found: Cohort, action: str, form: dict[str, str]) -> str:
    actor = acting_user()
    if action == "rename":
        cohort_service.rename_cohort(actor, found, form["name"], form["description"])
        return "Cohort name and description saved."
    if action == "add":
        result = cohort_service.add_members(actor, found, form["emails"])
        already = f" {len(result.already)} already belonged to it." if result.already else ""
        return f"Added {len(result.added)} member(s).{already}"
    if action == "remove":
        user = cohort_service.remove_member(actor, found, whole_number(request.form.get("user_id")))
        return f"Removed {user.name} from the cohort."
    raise cohort_service.CohortError("Choose what to do: rename, add members or remove a member.")
