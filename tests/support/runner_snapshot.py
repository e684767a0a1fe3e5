"""Everything the runner stores, as plain values, to prove a refused request changed nothing."""

from __future__ import annotations

from typing import Any

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore, Response
from certify.extensions import db


def stored(app: Any) -> tuple[Any, ...]:
    with app.app_context():
        attempts = db.session.query(Attempt.id, Attempt.status, Attempt.deadline, Attempt.submitted_at).all()
        items = db.session.query(AttemptItem.id, AttemptItem.flagged, AttemptItem.credit).all()
        responses = db.session.query(Response.attempt_item_id, Response.seq, Response.answer, Response.saved_at).all()
        scores = db.session.query(AttemptScore.attempt_id, AttemptScore.percent).all()
        return tuple(sorted(map(tuple, rows), key=repr) for rows in (attempts, items, responses, scores))
