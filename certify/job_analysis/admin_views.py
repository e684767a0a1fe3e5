"""Job-task analysis for admins: create studies, list their tasks by competency, invite raters, open and close."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from certify.assessments import services as assessment_service
from certify.auth.forms import ConfirmForm
from certify.extensions import db
from certify.job_analysis import admin_bp, changes, services
from certify.job_analysis.forms import CreateStudyForm, InviteForm, TaskForm
from certify.job_analysis.models import JtaStudy
from certify.security.access import acting_user


@admin_bp.route("", methods=["GET", "POST"])
def index() -> Response | tuple[str, int]:
    form = CreateStudyForm()
    form.assessment.choices = [(a.id, f"{a.title} ({a.slug})") for a in assessment_service.assessments()]
    error = None
    if form.validate_on_submit():
        assessment = next(a for a in assessment_service.assessments() if a.id == form.assessment.data)
        try:
            study = changes.create_study(acting_user(), assessment, form.title.data or "")
        except services.StudyError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(f"Study “{study.title}” created as a draft: add the job's tasks and invite raters.", "success")
            return redirect(url_for("job_analysis_admin.study", study_id=study.id))
    return (
        render_template(
            "job_analysis/admin/index.html",
            form=form,
            error=error,
            studies=services.studies(),
            assessment=services.assessment_of,
            labels=services.STATUS_LABELS,
        ),
        400 if request.method == "POST" else 200,
    )


def study_or_404(study_id: int) -> JtaStudy:
    study = services.get_study(study_id)
    if study is None:
        abort(404)
    return study


def _forms(study: JtaStudy) -> tuple[TaskForm, InviteForm]:
    task_form, invite_form = TaskForm(), InviteForm()
    task_form.competency.choices = list(services.competency_titles().items())
    invited = {r.user_id for r in study.raters}
    invite_form.raters.choices = [
        (u.id, f"{u.name} <{u.email}>") for u in services.eligible_raters() if u.id not in invited
    ]
    return task_form, invite_form


def _render(
    study: JtaStudy,
    *,
    task_form: TaskForm | None = None,
    invite_form: InviteForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    default_task, default_invite = _forms(study)
    return (
        render_template(
            "job_analysis/admin/study.html",
            study=study,
            assessment=services.assessment_of(study),
            label=services.STATUS_LABELS[study.status],
            groups=services.grouped_tasks(study),
            raters=services.raters_of(study),
            progress=services.progress(study),
            task_form=task_form or default_task,
            invite_form=invite_form or default_invite,
            confirm=ConfirmForm(),
            min_raters=services.MIN_RATERS,
            advised=services.ADVISED_RATERS,
            error=error,
        ),
        status,
    )


@admin_bp.route("/<int:study_id>")
def study(study_id: int) -> tuple[str, int]:
    return _render(study_or_404(study_id))


def _done(study: JtaStudy, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("job_analysis_admin.study", study_id=study.id))


@admin_bp.route("/<int:study_id>/tasks", methods=["POST"])
def add_task(study_id: int) -> Response | tuple[str, int]:
    study = study_or_404(study_id)
    form, _invite = _forms(study)
    if not form.validate_on_submit():
        return _render(study, task_form=form, status=400)
    try:
        changes.add_task(acting_user(), study, form.competency.data or "", form.statement.data or "")
    except services.StudyError as exc:
        db.session.rollback()
        return _render(study, task_form=form, error=str(exc), status=409)
    return _done(study, f"Task added to {form.competency.data}.")


@admin_bp.route("/<int:study_id>/tasks/<int:task_id>/remove", methods=["POST"])
def remove_task(study_id: int, task_id: int) -> Response | tuple[str, int]:
    study = study_or_404(study_id)
    if not ConfirmForm().validate_on_submit():
        return _render(study, error="The form expired. Send it again.", status=400)
    try:
        changes.remove_task(acting_user(), study, task_id)
    except services.StudyError as exc:
        db.session.rollback()
        return _render(study, error=str(exc), status=409)
    return _done(study, "Task removed.")


@admin_bp.route("/<int:study_id>/raters", methods=["POST"])
def invite(study_id: int) -> Response | tuple[str, int]:
    study = study_or_404(study_id)
    _task, form = _forms(study)
    if not form.validate_on_submit():
        return _render(study, invite_form=form, status=400)
    try:
        added = changes.invite(acting_user(), study, list(form.raters.data or []))
    except services.StudyError as exc:
        db.session.rollback()
        return _render(study, invite_form=form, error=str(exc), status=409)
    return _done(study, f"Invited {len(added)} rater{'s' if len(added) != 1 else ''}.")


@admin_bp.route("/<int:study_id>/open", methods=["POST"])
def open_study(study_id: int) -> Response | tuple[str, int]:
    study = study_or_404(study_id)
    if not ConfirmForm().validate_on_submit():
        return _render(study, error="The form expired. Send it again.", status=400)
    try:
        changes.open_study(acting_user(), study)
    except services.StudyError as exc:
        db.session.rollback()
        return _render(study, error=str(exc), status=409)
    return _done(study, "The study is open: its raters can rate the tasks on their own page.")


@admin_bp.route("/<int:study_id>/close", methods=["POST"])
def close_study(study_id: int) -> Response | tuple[str, int]:
    study = study_or_404(study_id)
    if not ConfirmForm().validate_on_submit():
        return _render(study, error="The form expired. Send it again.", status=400)
    try:
        changes.close_study(acting_user(), study)
    except services.StudyError as exc:
        db.session.rollback()
        return _render(study, error=str(exc), status=409)
    return _done(study, "The study is closed: ratings can no longer change. Read the results and adopt a blueprint.")
