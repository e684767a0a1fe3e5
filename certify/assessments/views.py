"""The exam runner's pages: one question per page, an overview, submit, and the result.

Everything works without JavaScript (each page posts its answer); runner.js adds
autosave, the live timer and the unsaved-changes warning on top.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from certify.assessments import attempts as runner
from certify.assessments import bp, instructions, question_page, saving, starting
from certify.assessments import services as bank_service
from certify.assessments.answers import answer_from_form
from certify.assessments.attempt_models import Attempt
from certify.assessments.question_page import Question
from certify.assessments.results import result_view
from certify.assessments.serialise import remaining_seconds
from certify.auth.forms import ConfirmForm
from certify.core.items import ItemError
from certify.database import utcnow
from certify.extensions import db
from certify.security.access import acting_user


def _closed(attempt: Attempt) -> Response:
    flash("This attempt is closed: time ran out or it was submitted. Your saved answers have been scored.", "info")
    return redirect(url_for("assessments.result", attempt_id=attempt.id))


@bp.route("/")
def index() -> str:
    user, now = acting_user(), utcnow()
    titles = instructions.competency_titles()
    listed = [
        (
            a,
            starting.availability(user, a, now),
            instructions.blueprint_rows(a, titles),
            bank_service.pilots_per_form(a),
        )
        for a in bank_service.assessments()
    ]
    history = db.session.query(Attempt).filter(Attempt.user_id == user.id).order_by(Attempt.id.desc()).all()
    return render_template("exams/index.html", listed=listed, history=history, confirm=ConfirmForm())


@bp.route("/<slug>/start", methods=["GET", "POST"])
def start(slug: str) -> Response | str:
    """GET: the instructions, before any attempt exists; POST: the explicit start (or resume)."""
    assessment = bank_service.assessment_by_slug(slug)
    if assessment is None:
        abort(404)
    if request.method == "GET":
        briefing = instructions.briefing(acting_user(), assessment, utcnow())
        if briefing.state.open_attempt is not None:  # resuming needs no instructions
            return redirect(url_for("assessments.question", attempt_id=briefing.state.open_attempt.id, position=1))
        return render_template("exams/instructions.html", briefing=briefing, confirm=ConfirmForm())
    try:
        attempt = starting.start(acting_user(), assessment, utcnow())
    except runner.AttemptRefused as exc:
        db.session.commit()
        flash(str(exc), "error")
        return redirect(url_for("assessments.index"))
    db.session.commit()
    return redirect(url_for("assessments.question", attempt_id=attempt.id, position=1))


def _render_question(
    attempt: Attempt,
    shown: Question,
    *,
    error: str | None = None,
    notice: str | None = None,
    answer: object = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "exams/question.html",
        attempt=attempt,
        item=shown,
        shown=shown.shown,
        total=shown.total,
        title=shown.title,
        answer=shown.stored_answer if answer is None else answer,
        seq=shown.next_seq,
        remaining=remaining_seconds(attempt, utcnow()),
        error=error,
        notice=notice,
        confirm=ConfirmForm(),
    ), status


@bp.route("/attempts/<int:attempt_id>/q/<int:position>", methods=["GET", "POST"])
def question(attempt_id: int, position: int) -> Response | tuple[str, int]:
    attempt, now = runner.attempt_or_404(acting_user(), attempt_id), utcnow()
    if runner.finalise_if_overdue(attempt, now) or attempt.status != "in_progress":
        db.session.commit()
        return _closed(attempt)
    try:
        shown = question_page.question(attempt, position)
    except runner.AttemptRefused:
        abort(404)
    if request.method == "GET":
        page = _render_question(attempt, shown)
        question_page.mark_seen(shown, now)  # after rendering: SQLite's write lock is held for this update alone
        db.session.commit()
        return page
    try:
        answer = answer_from_form(shown.shown, request.form, "answer")
    except ItemError as exc:
        return _render_question(attempt, shown, error=f"{exc}.", status=400)
    try:
        seq = int(request.form.get("seq", ""))
        saving.save_answer(acting_user(), attempt.id, position, answer, seq, now)
        flagged = request.form.get("flagged") == "1"
        if flagged != shown.flagged:  # the page showed the flag as stored: unchanged needs no write
            saving.set_flag(acting_user(), attempt.id, position, flagged, now)
    except ValueError:
        return _render_question(attempt, shown, error="The page was incomplete; reload it.", status=400)
    except runner.AttemptRefused as exc:
        db.session.commit()
        if exc.detail.get("error") == "closed":
            return _closed(attempt)
        if exc.detail.get("error") == "stale":
            return _render_question(
                attempt,
                question_page.question(attempt, position),  # the newer answer, as stored
                status=409,
                notice=(
                    "A newer answer to this question was saved from another window or tab. It is shown below; "
                    "change it if you need to and save again."
                ),
            )
        return _render_question(attempt, shown, error=str(exc), status=exc.status)
    target = _next_url(attempt.id, position, shown.total, request.form.get("go", "next"))
    db.session.commit()
    return redirect(target)


def _next_url(attempt_id: int, position: int, total: int, go: str) -> str:
    if go == "prev" and position > 1:
        return url_for("assessments.question", attempt_id=attempt_id, position=position - 1)
    if go == "next" and position < total:
        return url_for("assessments.question", attempt_id=attempt_id, position=position + 1)
    if go.isdigit() and 1 <= int(go) <= total:
        return url_for("assessments.question", attempt_id=attempt_id, position=int(go))
    if go in ("submit", "next"):
        return url_for("assessments.submit", attempt_id=attempt_id)
    if go == "stay":
        return url_for("assessments.question", attempt_id=attempt_id, position=position)
    return url_for("assessments.overview", attempt_id=attempt_id)


@bp.route("/attempts/<int:attempt_id>/overview")
def overview(attempt_id: int) -> Response | str:
    attempt, now = runner.attempt_or_404(acting_user(), attempt_id), utcnow()
    if runner.finalise_if_overdue(attempt, now) or attempt.status != "in_progress":
        db.session.commit()
        return _closed(attempt)
    listed = question_page.places(attempt)
    return render_template(
        "exams/overview.html", attempt=attempt, places=listed, remaining=remaining_seconds(attempt, now)
    )


@bp.route("/attempts/<int:attempt_id>/submit", methods=["GET", "POST"])
def submit(attempt_id: int) -> Response | str:
    attempt, now = runner.attempt_or_404(acting_user(), attempt_id), utcnow()
    if request.method == "POST" or runner.finalise_if_overdue(attempt, now) or attempt.status != "in_progress":
        runner.submit(attempt, now)
        db.session.commit()
        return redirect(url_for("assessments.result", attempt_id=attempt_id))  # not attempt.id: the commit expired it
    listed = question_page.places(attempt)
    unanswered = [place for place in listed if not place.answered]
    flagged = [place for place in listed if place.flagged]
    return render_template(
        "exams/submit.html",
        attempt=attempt,
        unanswered=unanswered,
        flagged=flagged,
        remaining=remaining_seconds(attempt, now),
        confirm=ConfirmForm(),
    )


@bp.route("/attempts/<int:attempt_id>/result")
def result(attempt_id: int) -> Response | str:
    attempt, now = runner.attempt_or_404(acting_user(), attempt_id), utcnow()
    if runner.finalise_if_overdue(attempt, now):
        db.session.commit()
    if attempt.score is None:
        return redirect(url_for("assessments.question", attempt_id=attempt.id, position=1))
    return render_template("exams/result.html", **result_view(attempt))
