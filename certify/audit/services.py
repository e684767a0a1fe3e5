"""Recording and listing audit events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from certify.audit.models import AuditEvent
from certify.auth.models import User
from certify.extensions import db


def record(
    actor: User | None,
    action: str,
    obj_type: str,
    obj_id: object,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Add an audit event to the current transaction (flushed, not committed)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        before=before,
        after=after,
        note=note[:500],
    )
    db.session.add(event)
    db.session.flush()
    return event


def recent(limit: int = 200, *, action: str | None = None) -> list[AuditEvent]:
    """The newest audit events first, optionally of one action."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))
