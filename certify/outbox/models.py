"""Outgoing mail: queued in the caller's transaction, delivered after it commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from certify.database import UTCDateTime, utcnow
from certify.extensions import db

# How a delivered message left, by the backend that delivered it (`OutboxMessage.delivered_via`).
DELIVERED = {
    "console": "printed to the console (the demo's mail backend: no email left this machine)",
    "file": "written to a file in the mail directory",
    "smtp": "sent by SMTP",
    "memory": "kept in memory (the test backend)",
}


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    delivered_via: Mapped[str] = mapped_column(String(20), default="", server_default="")

    @property
    def delivery(self) -> str:
        """Where the message stands, in words; real failures keep their error."""
        if self.sent_at is not None:
            return DELIVERED.get(self.delivered_via, "sent")
        if self.attempts == 0:
            return "queued, not tried yet"
        tries = f"{self.attempts} attempt{'s' if self.attempts != 1 else ''}"
        return f"not sent after {tries}" + (f": {self.last_error}" if self.last_error else "")
