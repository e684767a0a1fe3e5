"""What candidates' pages and API clients receive about an attempt: never a key before scoring."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Row

from certify.assessments.attempt_models import Attempt, AttemptItem, Response
from certify.assessments.models import Item, ItemVersion
from certify.core.delivery import present
from certify.core.irt import MID_SCALE
from certify.extensions import db
from certify.security.sanitize import render_inline, render_markdown


def remaining_seconds(attempt: Attempt, now: datetime) -> int:
    return max(0, int((attempt.deadline - now).total_seconds())) if attempt.status == "in_progress" else 0


def _items_with_content(attempt: Attempt) -> list[Row[Any]]:
    """The attempt's items with their content, item refs and responses: one statement, no ORM objects."""
    return list(
        db.session.execute(
            select(
                AttemptItem.position,
                AttemptItem.flagged,
                Item.ref,
                ItemVersion.content,
                Response.answer,
                Response.seq,
            )
            .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
            .join(Item, Item.id == ItemVersion.item_id)
            .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
            .where(AttemptItem.attempt_id == attempt.id)
            .order_by(AttemptItem.position)
        )
    )


def attempt_state(attempt: Attempt, now: datetime) -> dict[str, Any]:
    items = []
    for row in _items_with_content(attempt):
        shown = present(row.content, f"{attempt.seed}:{row.position}")
        entry: dict[str, Any] = {
            "position": row.position,
            "item_ref": row.ref,
            "type": shown.type,
            "stem_html": render_markdown(shown.stem),
            "options": [{"id": o.id, "html": str(render_inline(o.text))} for o in shown.options],
            "answer": row.answer,
            "seq": row.seq or 0,
            "flagged": row.flagged,
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
