"""Server-side records of signed-in browsers.

The signed session cookie alone cannot be withdrawn: a copy stays valid until it
expires. Each sign-in therefore stores a row keyed by the SHA-256 of a random id
that only the cookie holds; the user loader accepts a cookie only while its row
exists, and signing out deletes the row. The per-user session version still
signs a person out everywhere at once (password change, deactivation).
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from certify.auth.models import BrowserSession, User
from certify.database import UTCDateTime, utcnow
from certify.extensions import db

# The key under which the browser session id is kept in the signed cookie.
SESSION_KEY = "_certify_sid"


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_browser_session(user: User) -> str:
    """Record a new signed-in browser for `user`; returns the id to keep in its cookie."""
    now = utcnow()
    # Expired rows of this person are dropped here, so the table stays small
    # without a separate cleaning job.
    db.session.execute(
        delete(BrowserSession).where(BrowserSession.user_id == user.id, BrowserSession.expires_at <= now)
    )
    session_id = secrets.token_urlsafe(32)
    db.session.add(
        BrowserSession(
            id_sha256=_digest(session_id),
            user_id=user.id,
            created_at=now,
            expires_at=now + current_app.permanent_session_lifetime,
        )
    )
    db.session.flush()
    return session_id


def close_browser_session(session_id: str | None) -> None:
    """Sign one browser out on the server: its cookie, and every copy of it, stop working."""
    if session_id:
        db.session.execute(delete(BrowserSession).where(BrowserSession.id_sha256 == _digest(session_id)))
        db.session.flush()


def close_all_browser_sessions(user: User) -> None:
    """Sign `user` out on every browser and device."""
    user.session_version += 1
    db.session.execute(delete(BrowserSession).where(BrowserSession.user_id == user.id))
    db.session.flush()


def load_session_user(user_key: str, session_id: str | None) -> User | None:
    """Flask-Login's loader: the user key carries the session version it was issued with,
    and the browser session must still be open (one statement: the user, the session and the roles)."""
    user_id, _, version = user_key.partition(":")
    if not session_id or not user_id.isdigit():
        return None
    found = db.session.scalars(_SESSION_USER, {"digest": _digest(session_id), "now": utcnow(), "user_id": int(user_id)})
    user = found.unique().first()
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


# Built once (every signed-in request runs it); the roles come joined, since the access rules read them.
_SESSION_USER = (
    select(User)
    .join(BrowserSession, BrowserSession.user_id == User.id)
    .where(
        BrowserSession.id_sha256 == bindparam("digest"),
        BrowserSession.expires_at > bindparam("now", type_=UTCDateTime()),
        User.id == bindparam("user_id"),
    )
    .options(joinedload(User.role_rows))
)
