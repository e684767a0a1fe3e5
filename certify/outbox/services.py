"""Queue mail in the caller's transaction; deliver it once that transaction has committed."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from certify.database import utcnow
from certify.extensions import db
from certify.outbox.backends import MailError, backend_for
from certify.outbox.models import OutboxMessage

MAX_ATTEMPTS = 5
PENDING_FLAG = "certify.outbox_pending"


def queue(recipient: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the outbox (flushed with the caller's work, sent after commit)."""
    message = OutboxMessage(recipient=recipient, subject=subject[:200], body=body)
    db.session.add(message)
    db.session.flush()
    db.session.info[PENDING_FLAG] = True
    return message


def has_pending_in_session() -> bool:
    return bool(db.session.info.get(PENDING_FLAG))


def deliver_pending(app: Flask, limit: int = 50) -> tuple[int, int]:
    """Send unsent messages; returns (sent, failed). Commits its own bookkeeping."""
    db.session.info.pop(PENDING_FLAG, None)
    backend = backend_for(app)
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in messages:
        message.attempts += 1
        try:
            backend.send(message.recipient, message.subject, message.body)
        except MailError as exc:
            message.last_error = str(exc)[:500]
            failed += 1
        else:
            message.sent_at = utcnow()
            message.last_error = ""
            message.delivered_via = backend.via
            sent += 1
    db.session.commit()
    return sent, failed


def deliver_after_command(app: Flask) -> None:
    """Deliver the mail a CLI command queued and committed; anything it left uncommitted is discarded first."""
    if not has_pending_in_session():
        return
    db.session.rollback()
    deliver_pending(app)


def undelivered_count() -> int:
    """Messages not delivered yet: waiting for their first try, or failed (retried up to MAX_ATTEMPTS)."""
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    return int(db.session.scalar(query) or 0)


def recent(limit: int = 100) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))
