"""Login throttling per account and per client address, stored in the database."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from certify.core.throttle import retry_after_seconds
from certify.database import utcnow
from certify.extensions import db
from certify.security.models import LoginFailure


def _keys(email: str, ip: str | None) -> tuple[str, str]:
    return f"account:{email.strip().lower()[:254]}", f"ip:{ip or 'unknown'}"


def login_retry_after(email: str, ip: str | None) -> int:
    """Seconds the client must wait before trying to sign in again (0: go ahead)."""
    config = current_app.config
    window = int(config["LOGIN_THROTTLE_WINDOW"])
    now = utcnow()
    since = now - timedelta(seconds=window)
    account_key, ip_key = _keys(email, ip)
    rows = db.session.execute(
        select(LoginFailure.key, LoginFailure.at).where(
            LoginFailure.key.in_([account_key, ip_key]), LoginFailure.at > since
        )
    ).all()
    by_account = [at for key, at in rows if key == account_key]
    by_ip = [at for key, at in rows if key == ip_key]
    return max(
        retry_after_seconds(
            by_account, now=now, window_seconds=window, limit=int(config["LOGIN_THROTTLE_ACCOUNT_LIMIT"])
        ),
        retry_after_seconds(by_ip, now=now, window_seconds=window, limit=int(config["LOGIN_THROTTLE_IP_LIMIT"])),
    )


def record_login_failure(email: str, ip: str | None) -> None:
    """Count a failed sign-in against both the account and the address."""
    account_key, ip_key = _keys(email, ip)
    now = utcnow()
    db.session.add_all([LoginFailure(key=account_key, at=now), LoginFailure(key=ip_key, at=now)])
    # Keep the table small: anything older than the window no longer counts.
    window = int(current_app.config["LOGIN_THROTTLE_WINDOW"])
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(seconds=window)))
    db.session.flush()


def clear_account_failures(email: str) -> None:
    """A successful sign-in forgives the account's earlier failures (not the address's)."""
    account_key, _ = _keys(email, None)
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == account_key))
    db.session.flush()


def retry_after(key: str, *, limit: int, window: int) -> int:
    """Seconds to wait before `key` may act again, after `limit` counted events in `window` seconds."""
    now = utcnow()
    times = list(
        db.session.scalars(
            select(LoginFailure.at).where(LoginFailure.key == key, LoginFailure.at > now - timedelta(seconds=window))
        )
    )
    return retry_after_seconds(times, now=now, window_seconds=window, limit=limit)


def count(key: str) -> None:
    """Count one event against `key` (a failed lookup, an upload to a public form)."""
    db.session.add(LoginFailure(key=key[:300], at=utcnow()))
    db.session.flush()
