"""The exam runner API (DESIGN.md contract). Sessions send X-CSRFToken; other clients a bearer token."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, url_for
from werkzeug.wrappers import Response

from certify.api import bp
from certify.assessments import attempts as runner
from certify.assessments import saving, starting
from certify.assessments import services as bank_service
from certify.assessments.serialise import attempt_result, attempt_state
from certify.database import utcnow
from certify.extensions import db
from certify.security.access import acting_user
from certify.security.json_input import JsonRefused, json_object


def _error(exc: runner.AttemptRefused) -> Response:
    body: dict[str, Any] = {"error": exc.detail.get("error", "refused"), "message": str(exc)}
    body.update({k: v for k, v in exc.detail.items() if k != "error"})
    response = jsonify(body)
    response.status_code = exc.status
    return response


@bp.get("/assessments")
def assessments() -> Response:
    user, now = acting_user(), utcnow()
    listed = []
    for assessment in bank_service.assessments():
        state = starting.availability(user, assessment, now)
        listed.append(
            {
                "slug": assessment.slug,
                "title": assessment.title,
                "time_limit_minutes": assessment.time_limit_minutes,
                "can_start": state.can_start,
                "reason": state.reason,
            }
        )
    return jsonify(listed)


@bp.post("/assessments/<slug>/attempts")
def start_attempt(slug: str) -> Response:
    assessment = bank_service.assessment_by_slug(slug)
    if assessment is None:
        abort(404)
    now = utcnow()
    try:
        started = starting.begin(acting_user(), assessment, now)
    except runner.AttemptRefused as exc:
        db.session.commit()  # an overdue attempt may have been finalised on the way
        return _error(exc)
    db.session.commit()
    # Built after the commit: rendering the reply inside the write transaction held SQLite's write lock for it.
    # A new attempt's reply comes from what the start already holds; a resumed one is read (without the lock).
    return jsonify(started.state(now))


@bp.get("/attempts/<int:attempt_id>")
def attempt(attempt_id: int) -> Response:
    attempt, now = runner.attempt_or_404(acting_user(), attempt_id), utcnow()
    if runner.finalise_if_overdue(attempt, now):
        db.session.commit()
    return jsonify(attempt_state(attempt, now))


@bp.put("/attempts/<int:attempt_id>/responses/<int:position>")
def save_response(attempt_id: int, position: int) -> Response:
    # The hot path of an exam window: one read and one conditional update (certify.assessments.saving).
    try:
        payload = json_object()
    except JsonRefused as exc:
        return _error(runner.AttemptRefused(str(exc), 400))
    if "seq" not in payload:
        return _error(runner.AttemptRefused("Send JSON with `answer` and `seq`.", 400))
    try:
        seq, saved_at = saving.save_answer(
            acting_user(), attempt_id, position, payload.get("answer"), payload["seq"], utcnow()
        )
    except runner.AttemptRefused as exc:
        db.session.commit()  # keeps a finalisation that happened on the way; a refused save wrote nothing
        return _error(exc)
    db.session.commit()
    return jsonify(seq=seq, saved_at=saved_at.isoformat())


@bp.put("/attempts/<int:attempt_id>/flags/<int:position>")
def set_flag(attempt_id: int, position: int) -> Response:
    try:
        payload = json_object()
    except JsonRefused as exc:
        return _error(runner.AttemptRefused(str(exc), 400))
    if not isinstance(payload.get("flagged"), bool):
        return _error(runner.AttemptRefused("Send JSON with `flagged`: true or false.", 400))
    try:
        saving.set_flag(acting_user(), attempt_id, position, payload["flagged"], utcnow())
    except runner.AttemptRefused as exc:
        db.session.commit()
        return _error(exc)
    db.session.commit()
    return jsonify(position=position, flagged=payload["flagged"])


@bp.post("/attempts/<int:attempt_id>/submit")
def submit(attempt_id: int) -> Response:
    status = runner.submit(runner.attempt_or_404(acting_user(), attempt_id), utcnow()).status
    db.session.commit()  # read before: the commit expires the attempt, and reading it again costs a statement
    return jsonify(status=status, result_url=url_for("assessments.result", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>/result")
def result(attempt_id: int) -> Response:
    attempt, now = runner.attempt_or_404(acting_user(), attempt_id), utcnow()
    if runner.finalise_if_overdue(attempt, now):
        db.session.commit()
    if attempt.score is None:
        return _error(runner.AttemptRefused("This attempt has not been submitted yet.", 409, error="not_scored"))
    return jsonify(attempt_result(attempt))
