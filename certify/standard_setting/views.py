"""Panellists' pages for modified-Angoff studies: their studies, and the rating form of the current round."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from certify.auth.forms import ConfirmForm
from certify.extensions import db
from certify.security.access import acting_user
from certify.standard_setting import angoff_changes, angoff_results, angoff_study, bp
from certify.standard_setting.models import AngoffStudy


@bp.app_context_processor
def panel_link() -> dict[str, object]:
    """`sits_on_a_panel` for the main navigation, as a plain value: templates never query the database."""
    return {"sits_on_a_panel": _sits_on_a_panel()}


def _sits_on_a_panel() -> bool:
    if not has_request_context() or not current_user.is_authenticated:
        return False
    return current_user.has_role(*angoff_study.PANEL_ROLES) and angoff_study.sits_on_a_panel(current_user.id)


@bp.route("/")
def index() -> str:
    me = acting_user()
    rows = []
    for study in angoff_study.studies_for(me):
        number = angoff_study.current_round(study)
        rated = len(angoff_results.my_ratings(study, me, number)) if number else 0
        rows.append((study, angoff_study.assessment_of(study), number, rated))
    return render_template("standard_setting/index.html", rows=rows, labels=angoff_study.STATE_LABELS)


def _mine(study_id: int) -> AngoffStudy:
    study = angoff_study.study_for_panellist(acting_user(), study_id)
    if study is None:
        abort(404)
    return study


def _percent_text(rating: float | None) -> str:
    return "" if rating is None else f"{rating * 100:g}"


@bp.route("/<int:study_id>", methods=["GET", "POST"])
def study(study_id: int) -> Response | tuple[str, int]:
    study = _mine(study_id)
    me = acting_user()
    number = angoff_study.current_round(study)
    problems: dict[str, str] = {}
    error = None
    typed: Mapping[str, str] | None = None
    status = 200
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400, "This form has expired, so nothing was saved. Reload the page and send it again.")
        submit = request.form.get("action") == "submit"
        try:
            saved = angoff_changes.save_ratings(me, study, request.form, submit=submit)
        except angoff_study.RatingProblems as exc:
            db.session.rollback()
            problems, error, typed, status = exc.problems, str(exc), request.form, 400
        except angoff_study.StudyError as exc:
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
            if saved.complete:
                flash(
                    f"Round {saved.round} submitted: all {saved.total} items rated. "
                    "You can still change your ratings until the round closes.",
                    "success",
                )
            else:
                flash(f"Draft saved: {saved.rated} of {saved.total} items rated in round {saved.round}.", "success")
            return redirect(url_for("standard_setting.study", study_id=study.id))
    versions = angoff_study.items_of(study)
    mine = angoff_results.my_ratings(study, me, number) if number else {}
    first = angoff_results.my_ratings(study, me, 1)
    if typed is None:
        if number == 2 and not mine:
            mine = first  # round 2 starts from the panellist's own round-1 ratings
        values = {angoff_study.rating_field(v.id): _percent_text(mine.get(v.id)) for v in versions}
        values.update(
            {
                angoff_study.hofstee_field(k): f"{v:g}"
                for k, v in angoff_results.my_hofstee(study, me).items()
                if k in angoff_study.HOFSTEE_FIELDS
            }
        )
    else:
        values = {
            key: typed.get(key, "")[:20]
            for key in [
                *map(angoff_study.rating_field, (v.id for v in versions)),
                *map(angoff_study.hofstee_field, angoff_study.HOFSTEE_FIELDS),
            ]
        }
    round_one = angoff_results.round_result(study, 1) if number == 2 else None
    return (
        render_template(
            "standard_setting/study.html",
            study=study,
            assessment=angoff_study.assessment_of(study),
            number=number,
            label=angoff_study.STATE_LABELS[study.state],
            versions=versions,
            values=values,
            problems=problems,
            error=error,
            first=first,
            round_one=round_one,
            round_one_items={row.version.id: row for row in round_one.items} if round_one else {},
            hofstee_fields=angoff_study.HOFSTEE_FIELDS,
            rating_field=angoff_study.rating_field,
            hofstee_field=angoff_study.hofstee_field,
            confirm=ConfirmForm(),
        ),
        status,
    )
