"""Accounts: registration, sign-in, passwords, sessions, roles and API tokens.

Services flush and never commit; the view or command that calls them commits once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from certify.audit import services as audit
from certify.auth import mails
from certify.auth.models import ROLES, ApiToken, User, UserRole
from certify.auth.passwords import (
    LinkError,
    hash_password,
    make_password_link_token,
    user_for_password_token,
    verify_password,
)
from certify.auth.sessions import (
    SESSION_KEY,
    close_all_browser_sessions,
    close_browser_session,
    load_session_user,
    open_browser_session,
)
from certify.core.passwords import password_problems
from certify.database import utcnow
from certify.extensions import db
from certify.outbox import services as outbox
from certify.security import throttle
from certify.urls import external_url

__all__ = [
    "SESSION_KEY",
    "LinkError",
    "close_browser_session",
    "load_session_user",
    "open_browser_session",
]


class AccountError(ValueError):
    """A request about an account that cannot be carried out; safe to show."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TooManyRequests(AccountError):
    """Too many requests of one kind from one client or about one address."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, round(retry_after / 60))
        super().__init__(f"Too many requests. Try again in about {minutes} minute{'s' if minutes > 1 else ''}.")
        self.retry_after = retry_after


def _throttle_account_form(kind: str, email: str, ip: str | None) -> None:
    """Limit a public account form per client address and per target address.

    Counted before looking the address up, so known and unknown addresses are
    limited alike (and nobody can flood one inbox with our mail).
    """
    config = current_app.config
    window = int(config["LOGIN_THROTTLE_WINDOW"])
    keys = {
        f"{kind}-ip:{ip or 'unknown'}": int(config["LOGIN_THROTTLE_IP_LIMIT"]),
        f"{kind}-to:{normalise_email(email)[:254]}": int(config["LOGIN_THROTTLE_ACCOUNT_LIMIT"]),
    }
    wait = max(throttle.retry_after(key, limit=limit, window=window) for key, limit in keys.items())
    if wait:
        raise TooManyRequests(wait)
    for key in keys:
        throttle.count(key)


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


def register_candidate(name: str, email: str, password: str, ip: str | None = None) -> User | None:
    """Self-registration, always and only the candidate role.

    The answer must not tell whether the address is taken, so both cases do the
    same work (a password hash, a mail): a new address gets its account and a
    welcome mail, a taken one a mail to its owner. Returns the new account, or
    None when the address already had one.
    """
    if not current_app.config["REGISTRATION_OPEN"]:
        raise AccountError("Registration is closed. Ask the certification office for an account.")
    _check_new_password(password, email, name)
    _throttle_account_form("register", email, ip)
    owner = find_user_by_email(email)
    if owner is None:
        try:
            user = _add_user(email, name, {"candidate"}, password)
        except AccountError:  # a concurrent registration won the race
            owner = find_user_by_email(email)
        else:
            audit.record(user, "user.registered", "user", user.id, after={"email": user.email, "roles": ["candidate"]})
            outbox.queue(user.email, *mails.welcome_mail(user.name))
            return user
    hash_password(password)  # the cost a new account pays, so that timing tells nothing
    if owner is not None:
        outbox.queue(owner.email, *mails.already_registered_mail(owner.name))
    return None


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
    close_all_browser_sessions(user)


def request_password_reset(email: str, ip: str | None = None) -> None:
    """Mail a reset link if the account exists and is active; say nothing either way.

    Unknown addresses go through the same token signing and mail rendering as
    known ones, so the answer takes as long; only the queueing differs.
    """
    _throttle_account_form("reset", email, ip)
    user = find_user_by_email(email)
    known = user is not None and user.active
    target = (
        user if user is not None and known else User(id=0, email=normalise_email(email), name="", password_hash=None)
    )
    link = external_url("auth.reset_password", token=make_password_link_token(target))
    subject, body = mails.reset_mail(target.name, link)
    if known:
        outbox.queue(target.email, subject, body)


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
    close_all_browser_sessions(user)
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
    """The active owner of an unrevoked token, with the roles, in one statement (every API request runs it)."""
    return db.session.scalars(_TOKEN_OWNER, {"digest": _token_digest(plaintext)}).unique().first()


# Built once: constructing the statement cost more than running it, on every API request.
_TOKEN_OWNER = (
    select(User)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_sha256 == bindparam("digest"), ApiToken.revoked_at.is_(None), User.active)
    .options(joinedload(User.role_rows))
)


def count_admins() -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(UserRole).join(User).where(UserRole.role == "admin", User.active)
        )
        or 0
    )
