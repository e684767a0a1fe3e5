"""Raters' pages: the studies they are invited to, and the rating form of an open study."""

from __future__ import annotations

from flask import abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from certify.auth.forms import ConfirmForm
from certify.core.job_analysis import SCALES
from certify.extensions import db
from certify.job_analysis import RATER_ROLES, bp, changes, services
from certify.job_analysis.models import JtaStudy
from certify.security.access import acting_user


@bp.app_context_processor
def rater_link() -> dict[str, object]:
    """`rates_a_job_analysis` for the main navigation, as a plain value: templates never query the database."""
    if not has_request_context() or not current_user.is_authenticated or not current_user.has_role(*RATER_ROLES):
        return {"rates_a_job_analysis": False}
    return {"rates_a_job_analysis": services.is_invited_anywhere(current_user.id)}


@bp.route("/")
def index() -> str:
    me = acting_user()
    mine = services.studies_for(me)
    rated = {s.id: len(services.ratings_of(s, me)) for s in mine}
    return render_template(
        "job_analysis/index.html",
        studies=mine,
        rated=rated,
        labels=services.STATUS_LABELS,
        assessment=services.assessment_of,
    )


def _mine(study_id: int) -> JtaStudy:
    study = services.get_study(study_id)
    if study is None:
        abort(404)
    if not services.is_rater(acting_user(), study):
        abort(403, "Only the raters invited to this study can see it.")
    return study


@bp.route("/<int:study_id>", methods=["GET", "POST"])
def study(study_id: int) -> Response | tuple[str, int]:
    study = _mine(study_id)
    me = acting_user()
    problems: dict[str, str] = {}
    error = None
    status = 200
    typed = None
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400, "This form has expired, so nothing was saved. Reload the page and send it again.")
        try:
            saved = changes.save_ratings(me, study, request.form, submit=request.form.get("action") == "submit")
        except services.RatingProblems as exc:
            db.session.rollback()
            problems, error, typed, status = exc.problems, str(exc), request.form, 400
        except services.StudyError as exc:
            db.session.rollback()
            error, typed, status = str(exc), request.form, 409
        except IntegrityError:
            db.session.rollback()
            error, typed, status = (
                "Your ratings were saved from another window at the same moment; send them again.",
                request.form,
                409,
            )
        else:
            db.session.commit()
            if saved.submitted:
                flash(
                    f"Ratings submitted: all {saved.total} tasks rated. You can change them until the study closes.",
                    "success",
                )
            else:
                flash(f"Draft saved: {saved.rated} of {saved.total} tasks rated.", "success")
            return redirect(url_for("job_analysis.study", study_id=study.id))
    if typed is None:
        values = {
            services.rating_field(r.task_id, scale): str(getattr(r, scale))
            for r in services.ratings_of(study, me)
            for scale in SCALES
        }
    else:
        values = {key: typed.get(key, "")[:2] for key in typed if key.partition("-")[0] in SCALES}
    return (
        render_template(
            "job_analysis/study.html",
            study=study,
            assessment=services.assessment_of(study),
            label=services.STATUS_LABELS[study.status],
            groups=services.grouped_tasks(study),
            scales=SCALES,
            scale_labels=services.SCALE_LABELS,
            questions=services.SCALE_QUESTIONS,
            values=values,
            problems=problems,
            error=error,
            field=services.rating_field,
            confirm=ConfirmForm(),
        ),
        status,
    )
