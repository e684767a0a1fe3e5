"""What candidates' pages and API clients receive about an attempt: never a key before scoring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select

from certify.assessments.attempt_models import Attempt, AttemptItem, Response
from certify.assessments.item_content import contents
from certify.assessments.models import Item, ItemVersion
from certify.core.delivery import present
from certify.core.irt import MID_SCALE
from certify.extensions import db
from certify.security.sanitize import render_inline, render_markdown


def remaining_seconds(attempt: Attempt, now: datetime) -> int:
    return _remaining(attempt.status, attempt.deadline, now)


def _remaining(status: str, deadline: datetime, now: datetime) -> int:
    return max(0, int((deadline - now).total_seconds())) if status == "in_progress" else 0


def form_select(*columns: Any) -> Select[Any]:
    """`columns` for each item of an attempt's form (bind `the_attempt`), in position order: the attempt item
    joined to its version, its item and its response. Built once by each caller, with bound parameters."""
    return (
        select(*columns)
        .select_from(AttemptItem)
        .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .outerjoin(Response, Response.attempt_item_id == AttemptItem.id)
        .where(AttemptItem.attempt_id == bindparam("the_attempt"))
        .order_by(AttemptItem.position)
    )


# The attempt's items with their item refs, content hashes and responses: one statement, no ORM objects.
_ITEM_ROWS = form_select(
    AttemptItem.position,
    AttemptItem.flagged,
    Item.ref,
    ItemVersion.id,
    ItemVersion.content_hash,
    Response.answer,
    Response.seq,
)


@dataclass(frozen=True)
class Header:
    """What the state says about the attempt itself; read before a commit expires the attempt."""

    attempt_id: int
    seed: str
    assessment: str
    status: str
    deadline: datetime

    @classmethod
    def of(cls, attempt: Attempt) -> Header:
        return cls(attempt.id, attempt.seed, attempt.assessment.slug, attempt.status, attempt.deadline)


@dataclass(frozen=True)
class Placed:
    """One item of the attempt as the state shows it."""

    position: int
    item_ref: str
    version_id: int
    content_hash: str
    answer: Any = None
    seq: int = 0
    flagged: bool = False


def _item_entry(header: Header, placed: Placed, content: Any) -> dict[str, Any]:
    shown = present(content, f"{header.seed}:{placed.position}")
    entry: dict[str, Any] = {
        "position": placed.position,
        "item_ref": placed.item_ref,
        "type": shown.type,
        "stem_html": render_markdown(shown.stem),
        "options": [{"id": o.id, "html": str(render_inline(o.text))} for o in shown.options],
        "answer": placed.answer,
        "seq": placed.seq,
        "flagged": placed.flagged,
    }
    if shown.type == "matching":
        entry["prompts"] = [{"id": p.id, "html": str(render_inline(p.text))} for p in shown.prompts]
        entry["responses"] = [{"id": r.id, "html": str(render_inline(r.text))} for r in shown.responses]
    if shown.unit:
        entry["unit"] = shown.unit
    if shown.stimulus:
        entry["stimulus_title"] = shown.stimulus.title
        entry["stimulus_html"] = render_markdown(shown.stimulus.text)
    return entry


def state_of(header: Header, placed: list[Placed], now: datetime) -> dict[str, Any]:
    """The attempt's state from what is already known: no statement but for content this process has not seen."""
    content = contents((p.version_id, p.content_hash) for p in placed)
    return {
        "attempt_id": header.attempt_id,
        "assessment": header.assessment,
        "status": header.status,
        "deadline": header.deadline.isoformat(),
        "remaining_seconds": _remaining(header.status, header.deadline, now),
        "items": [_item_entry(header, p, content[p.content_hash]) for p in placed],
    }


def attempt_state(attempt: Attempt, now: datetime) -> dict[str, Any]:
    placed = [
        Placed(position, ref, version_id, digest, answer, seq or 0, flagged)
        for position, flagged, ref, version_id, digest, answer, seq in db.session.execute(
            _ITEM_ROWS, {"the_attempt": attempt.id}
        )
    ]
    return state_of(Header.of(attempt), placed, now)


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
