"""Accounts: registration, sign-in, passwords, sessions, roles and API tokens.

Services flush and never commit; the view or command that calls them commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from certify.audit import services as audit
from certify.auth.models import ROLES, ApiToken, User, UserRole
from certify.auth.passwords import (
    LinkError,
    hash_password,
    make_password_link_token,
    user_for_password_token,
    verify_password,
)
from certify.core.passwords import password_problems
from certify.database import utcnow
from certify.extensions import db
from certify.outbox import services as outbox
from certify.security import throttle
from certify.urls import external_url

__all__ = ["LinkError"]


class AccountError(ValueError):
    """A request about an account that cannot be carried out; safe to show."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SignInOutcome:
    user: User | None
    retry_after: int = 0


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: object) -> User | None:
    try:
        return db.session.get(User, int(user_id))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: the id carries the session version it was issued with."""
    user_id, _, version = session_id.partition(":")
    user = get_user(user_id)
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def _check_new_password(password: str, email: str, name: str) -> None:
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise AccountError(" ".join(problems), field="password")


def _add_user(email: str, name: str, roles: set[str], password: str | None) -> User:
    unknown = roles - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown role: {', '.join(sorted(unknown))}.", field="roles")
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise AccountError("An account with this email address already exists.", field="email")
    user = User(email=email, name=name.strip(), password_hash=hash_password(password) if password else None)
    user.role_rows = [UserRole(role=r) for r in sorted(roles)]
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a concurrent registration won the race
        raise AccountError("An account with this email address already exists.", field="email") from None
    return user


def register_candidate(name: str, email: str, password: str) -> User:
    """Self-registration: always and only the candidate role."""
    if not current_app.config["REGISTRATION_OPEN"]:
        raise AccountError("Registration is closed. Ask the certification office for an account.")
    _check_new_password(password, email, name)
    user = _add_user(email, name, {"candidate"}, password)
    audit.record(user, "user.registered", "user", user.id, after={"email": user.email, "roles": ["candidate"]})
    return user


def create_user(actor: User | None, *, name: str, email: str, roles: set[str], password: str | None = None) -> User:
    """An admin (or the CLI) creates an account; without a password, a set-password link is mailed."""
    if not roles:
        raise AccountError("Give the account at least one role.", field="roles")
    if password is not None:
        _check_new_password(password, email, name)
    user = _add_user(email, name, roles, password)
    audit.record(actor, "user.created", "user", user.id, after={"email": user.email, "roles": sorted(roles)})
    if password is None:
        link = external_url("auth.reset_password", token=make_password_link_token(user, setup=True))
        outbox.queue(
            user.email,
            "Your Certify account",
            f"Hello {user.name},\n\nAn account has been created for you on Certify.\n"
            f"Choose your password here (the link works once, for 7 days):\n\n{link}\n",
        )
    return user


def authenticate(email: str, password: str, ip: str | None) -> SignInOutcome:
    """Check credentials under throttling. Unknown account and wrong password look the same."""
    retry = throttle.login_retry_after(email, ip)
    if retry:
        return SignInOutcome(None, retry)
    user = find_user_by_email(email)
    if not verify_password(user, password) or user is None or not user.active:
        throttle.record_login_failure(email, ip)
        return SignInOutcome(None)
    throttle.clear_account_failures(email)
    user.last_login_at = utcnow()
    return SignInOutcome(user)


def change_password(user: User, current: str, new: str) -> None:
    """Change a password; other sessions are signed out."""
    if not verify_password(user, current):
        raise AccountError("Your current password is not correct.", field="current_password")
    _check_new_password(new, user.email, user.name)
    _set_password(user, new)
    audit.record(user, "user.password_changed", "user", user.id)


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_version += 1
    db.session.flush()


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists and is active; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"]) // 60
    link = external_url("auth.reset_password", token=make_password_link_token(user))
    outbox.queue(
        user.email,
        "Reset your Certify password",
        f"Hello {user.name},\n\nSomeone (hopefully you) asked to reset your Certify password.\n"
        f"This link works once, for {minutes} minutes:\n\n{link}\n\n"
        "If you did not ask for this, ignore this message; your password has not changed.\n",
    )


def check_password_token(token: str) -> User:
    """The account a reset link belongs to; raises LinkError for bad, expired or used links."""
    user, _setup = user_for_password_token(token, get_user)
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password from a link; the link cannot be used again."""
    user = check_password_token(token)
    _check_new_password(new, user.email, user.name)
    _set_password(user, new)
    throttle.clear_account_failures(user.email)
    audit.record(user, "user.password_reset", "user", user.id)
    return user


def sign_out_everywhere(actor: User | None, user: User) -> None:
    """Invalidate every session of `user` (theirs or an admin's decision)."""
    user.session_version += 1
    db.session.flush()
    audit.record(actor, "user.signed_out_everywhere", "user", user.id)


def issue_api_token(user: User, label: str = "") -> str:
    """Create a personal bearer token; the plaintext is returned once and never stored."""
    plaintext = "cfy_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, label=label[:120], token_sha256=_token_digest(plaintext)))
    db.session.flush()
    audit.record(user, "user.api_token_issued", "user", user.id, after={"label": label[:120]})
    return plaintext


def _token_digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def user_for_api_token(plaintext: str) -> User | None:
    """The active owner of an unrevoked token (one query, plus the roles)."""
    return db.session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_sha256 == _token_digest(plaintext), ApiToken.revoked_at.is_(None), User.active)
    )


def count_admins() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(UserRole).join(User).where(UserRole.role == "admin", User.active)
        )
        or 0
    )
