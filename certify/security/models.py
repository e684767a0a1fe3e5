"""Login throttling state, kept in the database so every worker shares it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from certify.database import UTCDateTime, utcnow
from certify.extensions import db


class LoginFailure(db.Model):
    """One failed sign-in, counted against the account and against the address."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "account:<normalised email>" or "ip:<address>"; the account key is kept
    # even for unknown emails so that probing them costs the same.
    key: Mapped[str] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
