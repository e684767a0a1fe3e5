"""What a result page shows: the outcome, the competency profile, and feedback where policy allows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from certify.assessments import attempts as runner
from certify.assessments import services as bank_service
from certify.assessments.attempt_models import Attempt, AttemptItem
from certify.core.feedback import feedback
from certify.core.irt import MID_SCALE
from certify.extensions import db

CHART_ROW = 36  # px per competency in the SVG chart


@dataclass(frozen=True)
class ProfileRow:
    code: str
    title: str
    percent: float
    mastery: float
    met: bool
    y: int
    bar_width: float  # in chart units of 0..100
    label_y: int


def profile(attempt: Attempt) -> list[ProfileRow]:
    assert attempt.score is not None
    titles = {c.code: c.title for c in bank_service.competencies()}
    return [
        ProfileRow(
            c["code"],
            titles.get(c["code"], c["code"]),
            c["percent"],
            c["mastery"],
            c["met"],
            n * CHART_ROW + 8,
            max(0.0, min(100.0, c["percent"])),
            n * CHART_ROW + 26,
        )
        for n, c in enumerate(attempt.score.competencies)
    ]


def result_view(attempt: Attempt) -> dict[str, Any]:
    """Template values for the result page. Keys and rationales only under a `full` review policy."""
    rows = profile(attempt)
    # The items with their versions and responses in one statement (a lazy load of each was two per item)
    items = db.session.scalars(
        select(AttemptItem)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)
        .options(joinedload(AttemptItem.version), joinedload(AttemptItem.response))
    ).all()
    review = []
    if attempt.assessment.review_policy == "full":
        for item in items:
            shown = runner.presentation(attempt, item)
            review.append((item, shown, feedback(item.version.content, runner.internal_answer(attempt, item))))
    return {
        "attempt": attempt,
        "score": attempt.score,
        "rows": rows,
        "chart_height": len(rows) * CHART_ROW + 16,
        "review": review,
        "work_on": [row for row in rows if not row.met],
        "scored_items": sum(1 for item in items if item.scored),
        "scale": MID_SCALE,  # shown beside the raw score when the result was decided on an equated cut
    }
