"""What candidates' pages and API clients receive about an attempt: never a key before scoring."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from certify.assessments import attempts as runner
from certify.assessments.attempt_models import Attempt, AttemptItem
from certify.assessments.models import ItemVersion
from certify.core.irt import MID_SCALE
from certify.extensions import db
from certify.security.sanitize import render_inline, render_markdown


def remaining_seconds(attempt: Attempt, now: datetime) -> int:
    return max(0, int((attempt.deadline - now).total_seconds())) if attempt.status == "in_progress" else 0


def _items_with_content(attempt: Attempt) -> list[AttemptItem]:
    """The attempt's items with their versions, item refs and responses, in one query."""
    return list(
        db.session.scalars(
            select(AttemptItem)
            .where(AttemptItem.attempt_id == attempt.id)
            .order_by(AttemptItem.position)
            .options(joinedload(AttemptItem.version).joinedload(ItemVersion.item), joinedload(AttemptItem.response))
        ).unique()
    )


def attempt_state(attempt: Attempt, now: datetime) -> dict[str, Any]:
    items = []
    for item in _items_with_content(attempt):
        shown = runner.presentation(attempt, item)
        entry: dict[str, Any] = {
            "position": item.position,
            "item_ref": item.version.item.ref,
            "type": shown.type,
            "stem_html": render_markdown(shown.stem),
            "options": [{"id": o.id, "html": str(render_inline(o.text))} for o in shown.options],
            "answer": item.response.answer if item.response else None,
            "seq": item.response.seq if item.response else 0,
            "flagged": item.flagged,
        }
        if shown.type == "matching":
            entry["prompts"] = [{"id": p.id, "html": str(render_inline(p.text))} for p in shown.prompts]
            entry["responses"] = [{"id": r.id, "html": str(render_inline(r.text))} for r in shown.responses]
        if shown.unit:
            entry["unit"] = shown.unit
        items.append(entry)
    return {
        "attempt_id": attempt.id,
        "assessment": attempt.assessment.slug,
        "status": attempt.status,
        "deadline": attempt.deadline.isoformat(),
        "remaining_seconds": remaining_seconds(attempt, now),
        "items": items,
    }


def attempt_result(attempt: Attempt) -> dict[str, Any]:
    score = attempt.score
    assert score is not None
    return {
        "passed": score.passed,
        "score": score.percent,
        "cut_score": score.cut_percent,  # the pass mark this form was held to (equated when decision_rule is)
        "points": score.points,
        "max_points": score.max_points,
        "cut_points": score.cut_points,
        "standard_percent": attempt.cut_score.percent,  # the adopted cut-score version's percent
        "decision_rule": score.decision_rule,
        "scaled_score": score.scaled_score,
        "scale": MID_SCALE.as_dict() if score.scaled_score is not None else None,
        "competencies": [
            {"code": c["code"], "score": c["percent"], "mastery": c["mastery"], "met": c["met"]}
            for c in score.competencies
        ],
    }
