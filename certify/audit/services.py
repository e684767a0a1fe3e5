"""Recording audit events, and finding them again by who, what, which object and when."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from certify.audit.models import AuditEvent
from certify.auth.models import User
from certify.core.changes import FieldChange, field_changes
from certify.extensions import db

PAGE_SIZE = 50
SYSTEM = "system"  # typed as the actor, finds the events no person caused


class AuditFilterError(ValueError):
    """The audit log filters cannot be read; the message names every problem."""


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


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to; empty strings and None filter nothing."""

    actor: str = ""  # part of a name or email, or "system"
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    start: date | None = None  # first day included (UTC)
    end: date | None = None  # last day included (UTC)


def _day(text: str, label: str, problems: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{label} “{text[:40]}” is not a date; write it as YYYY-MM-DD, for example 2026-03-31.")
        return None


def read_filters(args: Mapping[str, str]) -> AuditFilters:
    """Filters from the audit log's form fields; raises AuditFilterError naming every problem."""
    text = {name: str(args.get(name, "")).strip() for name in ("actor", "action", "type", "id", "from", "to")}
    problems: list[str] = []
    start = _day(text["from"], "From", problems)
    end = _day(text["to"], "To", problems)
    if start and end and start > end:
        problems.append(f"“From” ({start:%d %b %Y}) is after “To” ({end:%d %b %Y}).")
    for name, label, limit in (("actor", "Who", 254), ("action", "Action", 80), ("type", "Object type", 40)):
        if len(text[name]) > limit:
            problems.append(f"{label} is longer than {limit} characters.")
    if len(text["id"]) > 64:
        problems.append("Object id is longer than 64 characters.")
    if problems:
        raise AuditFilterError(" ".join(problems))
    return AuditFilters(text["actor"], text["action"], text["type"], text["id"], start, end)


@dataclass(frozen=True)
class AuditEntry:
    """An event with its before/after states as field-by-field changes."""

    event: AuditEvent
    changes: list[FieldChange]


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def search(filters: AuditFilters, page: int = 1) -> AuditPage:
    """One page of matching events, newest first, each with its field-by-field changes."""
    query = select(AuditEvent)
    if filters.actor.lower() == SYSTEM:
        query = query.where(AuditEvent.actor_id.is_(None))
    elif filters.actor:
        like = f"%{filters.actor.lower()}%"
        people = select(User.id).where(or_(func.lower(User.name).like(like), func.lower(User.email).like(like)))
        query = query.where(AuditEvent.actor_id.in_(people))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.start:
        query = query.where(AuditEvent.at >= _midnight(filters.start))
    if filters.end:
        query = query.where(AuditEvent.at < _midnight(filters.end + timedelta(days=1)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    events = db.session.scalars(
        query.options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    entries = [AuditEntry(event, field_changes(event.before, event.after)) for event in events]
    return AuditPage(entries, total, page, pages)


def known_actions() -> list[str]:
    """Every action the log holds, for the filter's list."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def known_object_types() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))
