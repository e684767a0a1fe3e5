"""Job-task analysis results for admins: weights, agreement, the proposed blueprint, adopting it, the CSV."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from certify.extensions import db
from certify.job_analysis import admin_bp, results, services
from certify.job_analysis.admin_views import study_or_404
from certify.job_analysis.forms import AdoptForm
from certify.job_analysis.models import JtaStudy
from certify.security.access import acting_user


def _render(
    study: JtaStudy, *, form: AdoptForm | None = None, error: str | None = None, status: int = 200
) -> tuple[str, int]:
    summary = results.results(study)
    return (
        render_template(
            "job_analysis/admin/results.html",
            study=study,
            assessment=services.assessment_of(study),
            label=services.STATUS_LABELS[study.status],
            summary=summary,
            titles=services.competency_titles(),
            raters=len(study.raters),
            min_raters=services.MIN_RATERS,
            advised=services.ADVISED_RATERS,
            adopted=results.adopted_version(study),
            form=form or AdoptForm(),
            error=error,
        ),
        status,
    )


@admin_bp.route("/<int:study_id>/results", endpoint="results")
def results_page(study_id: int) -> tuple[str, int]:
    return _render(study_or_404(study_id))


@admin_bp.route("/<int:study_id>/adopt", methods=["POST"])
def adopt(study_id: int) -> Response | tuple[str, int]:
    study = study_or_404(study_id)
    form = AdoptForm()
    if not form.validate_on_submit():
        return _render(study, form=form, status=400)
    try:
        version = results.adopt(acting_user(), study, form.rationale.data or "")
    except services.StudyError as exc:
        db.session.rollback()
        return _render(study, form=form, error=str(exc), status=409)
    db.session.commit()
    flash(
        f"Blueprint version {version.version} adopted for new attempts; attempts already started keep their items.",
        "success",
    )
    return redirect(url_for("job_analysis_admin.results", study_id=study.id))


@admin_bp.route("/<int:study_id>.csv")
def results_csv(study_id: int) -> Response:
    from certify.reports.export import csv_response

    headers, rows = results.table(study_or_404(study_id))
    return csv_response(f"job-analysis-{study_id}.csv", headers, rows)
