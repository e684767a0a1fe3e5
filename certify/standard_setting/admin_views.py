"""Standard setting for admins: create modified-Angoff studies, follow the panel, read results, adopt a cut."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from certify.assessments import services as assessment_service
from certify.auth.forms import ConfirmForm
from certify.core.standard_setting import MIN_PANEL, HofsteeResult
from certify.extensions import db
from certify.security.access import acting_user
from certify.standard_setting import (
    admin_bp,
    angoff_adoption,
    angoff_changes,
    angoff_export,
    angoff_quality,
    angoff_results,
    angoff_study,
)
from certify.standard_setting.forms import AdoptForm, CreateStudyForm
from certify.standard_setting.models import AngoffStudy


def _create_form() -> CreateStudyForm:
    form = CreateStudyForm()
    form.assessment.choices = [(a.id, f"{a.title} ({a.slug})") for a in assessment_service.assessments()]
    form.panel.choices = [
        (u.id, f"{u.name} <{u.email}>: {', '.join(sorted(u.roles & set(angoff_study.PANEL_ROLES)))}")
        for u in angoff_study.eligible_panellists()
    ]
    return form


@admin_bp.route("/standard-setting", methods=["GET", "POST"])
def standard_setting() -> Response | tuple[str, int]:
    form = _create_form()
    error = None
    if form.validate_on_submit():
        assessment = next(a for a in assessment_service.assessments() if a.id == form.assessment.data)
        try:
            chosen = angoff_study.versions_for_refs(assessment, form.item_refs.data) if form.item_refs.data else None
            size = int(form.draw.data) if form.draw.data else None
            study, warnings = angoff_changes.create_study(
                acting_user(), assessment, form.title.data or "", form.panel.data or [], chosen, size=size
            )
        except angoff_study.StudyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(f"Study “{study.title}” created; round 1 is open to its panel.", "success")
            for warning in warnings:
                flash(warning, "info")
            return redirect(url_for("standard_setting_admin.standard_setting_study", study_id=study.id))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "standard_setting/admin/index.html",
            form=form,
            error=error,
            studies=angoff_study.studies(),
            assessments={a.id: a for a in assessment_service.assessments()},
            labels=angoff_study.STATE_LABELS,
            min_panel=MIN_PANEL,
            not_launched=assessment_service.not_launched(),
        ),
        status,
    )


def _study_or_404(study_id: int) -> AngoffStudy:
    study = angoff_study.get_study(study_id)
    if study is None:
        abort(404)
    return study


@dataclass(frozen=True)
class HofsteeChart:
    """Coordinates for the Hofstee plot: cut score (%) across, fail rate (%) up."""

    curve: str
    box: tuple[float, float, float, float]
    line: tuple[float, float, float, float]
    point: tuple[float, float] | None
    angoff_x: float | None
    ticks: tuple[int, ...] = (0, 20, 40, 60, 80, 100)
    left: float = 56.0
    top: float = 16.0
    size: float = 300.0

    def x(self, percent: float) -> float:
        return round(self.left + self.size * min(max(percent, 0.0), 100.0) / 100.0, 1)

    def y(self, percent: float) -> float:
        return round(self.top + self.size * (1.0 - min(max(percent, 0.0), 100.0) / 100.0), 1)


def _hofstee_chart(result: HofsteeResult, scores: list[float], angoff_cut: float | None) -> HofsteeChart:
    base = HofsteeChart("", (0, 0, 0, 0), (0, 0, 0, 0), None, None)
    ordered = sorted(scores)
    points = [(0.0, 0.0)]
    if ordered:
        n = len(ordered)
        for score in sorted(set(ordered)):
            points.append((score, 100.0 * bisect.bisect_left(ordered, score) / n))
            points.append((score, 100.0 * bisect.bisect_right(ordered, score) / n))
        points.append((100.0, points[-1][1]))
    drawn = [(base.x(c), base.y(f)) for c, f in points]
    drawn = [p for i, p in enumerate(drawn) if i == 0 or p != drawn[i - 1]]
    curve = " ".join(f"{x},{y}" for x, y in drawn) if ordered else ""
    point = None
    if result.cut is not None:
        # The line meets the staircase at the cut, on a riser or a flat: mark the meeting on the line.
        spread = result.max_cut - result.min_cut
        meets = (
            result.max_fail - (result.max_fail - result.min_fail) * (result.cut - result.min_cut) / spread
            if spread > 0
            else (result.fail_rate or 0.0)
        )
        point = (base.x(result.cut), base.y(meets))
    x0, x1 = base.x(result.min_cut), base.x(result.max_cut)
    y_top, y_bottom = base.y(result.max_fail), base.y(result.min_fail)
    return HofsteeChart(
        curve=curve,
        box=(x0, y_top, round(x1 - x0, 1), round(y_bottom - y_top, 1)),
        line=(x0, y_top, x1, y_bottom),
        point=point,
        angoff_x=base.x(angoff_cut) if angoff_cut is not None else None,
    )


def _render_study(
    study: AngoffStudy, *, adopt_form: AdoptForm | None = None, error: str | None = None, status: int = 200
) -> tuple[str, int]:
    summary = angoff_results.results(study)
    chart = None
    if summary.hofstee is not None:
        final_cut = summary.final.angoff.cut_percent if summary.final else None
        chart = _hofstee_chart(summary.hofstee, summary.scores, final_cut)
    adopted = angoff_study.adopted_cut(study)
    assessment = angoff_study.assessment_of(study)
    return (
        render_template(
            "standard_setting/admin/study.html",
            study=study,
            assessment=assessment,
            current_cut=assessment.cut_score,
            label=angoff_study.STATE_LABELS[study.state],
            summary=summary,
            progress=angoff_results.progress(study),
            panel_size=len(study.panellists),
            min_panel=MIN_PANEL,
            chart=chart,
            preview=angoff_results.adoption_preview(study, summary.rounds[1]),
            adopted=adopted,
            kept=angoff_study.attempts_before(adopted) if adopted else 0,
            adopt_form=adopt_form or AdoptForm(),
            coverage=angoff_quality.coverage(assessment, angoff_study.items_of(study)),
            error=error,
        ),
        status,
    )


@admin_bp.route("/standard-setting/<int:study_id>")
def standard_setting_study(study_id: int) -> tuple[str, int]:
    return _render_study(_study_or_404(study_id))


@admin_bp.route("/standard-setting/<int:study_id>/round2", methods=["POST"])
def standard_setting_advance(study_id: int) -> Response | tuple[str, int]:
    study = _study_or_404(study_id)
    if not ConfirmForm().validate_on_submit():
        return _render_study(study, error="The form expired. Send it again.", status=400)
    try:
        missing = angoff_changes.advance(acting_user(), study)
    except angoff_study.StudyError as exc:
        db.session.rollback()
        return _render_study(study, error=str(exc), status=409)
    db.session.commit()
    flash("Round 2 is open: panellists now see each item's p-value and the panel's round-1 spread.", "success")
    if missing:
        flash(
            f"Not complete in round 1, so left out of its results: {', '.join(u.name for u in missing)}.",
            "info",
        )
    return redirect(url_for("standard_setting_admin.standard_setting_study", study_id=study.id))


@admin_bp.route("/standard-setting/<int:study_id>/close", methods=["POST"])
def standard_setting_close(study_id: int) -> Response | tuple[str, int]:
    study = _study_or_404(study_id)
    if not ConfirmForm().validate_on_submit():
        return _render_study(study, error="The form expired. Send it again.", status=400)
    try:
        angoff_changes.close(acting_user(), study)
    except angoff_study.StudyError as exc:
        db.session.rollback()
        return _render_study(study, error=str(exc), status=409)
    db.session.commit()
    flash("The study is closed: ratings can no longer change.", "success")
    return redirect(url_for("standard_setting_admin.standard_setting_study", study_id=study.id))


@admin_bp.route("/standard-setting/<int:study_id>/adopt", methods=["POST"])
def standard_setting_adopt(study_id: int) -> Response | tuple[str, int]:
    study = _study_or_404(study_id)
    form = AdoptForm()
    if not form.validate_on_submit():
        return _render_study(study, adopt_form=form, status=400)
    try:
        cut = angoff_adoption.adopt(acting_user(), study)
    except angoff_study.StudyError as exc:
        db.session.rollback()
        return _render_study(study, adopt_form=form, error=str(exc), status=409)
    db.session.commit()
    flash(
        f"Cut-score version {cut.version} ({cut.percent:g} %) adopted for new attempts; "
        "attempts already started keep the version they began with.",
        "success",
    )
    return redirect(url_for("standard_setting_admin.standard_setting_study", study_id=study.id))


@admin_bp.route("/standard-setting/<int:study_id>.csv")
def standard_setting_csv(study_id: int) -> Response:
    from certify.reports.export import csv_response

    sheets = angoff_export.study_sheets(_study_or_404(study_id))
    wanted = request.args.get("section", "Items")
    title, headers, rows = next((s for s in sheets if s[0].lower() == wanted.lower()), sheets[1])
    return csv_response(f"angoff-study-{study_id}-{title.lower()}.csv", headers, rows)


@admin_bp.route("/standard-setting/<int:study_id>.xlsx")
def standard_setting_xlsx(study_id: int) -> Response:
    from certify.reports.export import xlsx_response

    return xlsx_response(f"angoff-study-{study_id}.xlsx", angoff_export.study_sheets(_study_or_404(study_id)))
