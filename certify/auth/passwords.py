"""Password hashing and signed, expiring, single-use password links."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from certify.auth.models import User

RESET_SALT = "certify.password-reset"
SETUP_SALT = "certify.account-setup"
SETUP_MAX_AGE = 7 * 24 * 3600


class LinkError(ValueError):
    """A password link that cannot be used; the message is shown to the person."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache(maxsize=4)
def _decoy_hash(method: str) -> str:
    return generate_password_hash("certify-decoy-password", method=method)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password; unknown or password-less accounts cost the same time."""
    if user is None or not user.password_hash:
        check_password_hash(_decoy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return check_password_hash(user.password_hash, password)


def _fingerprint(user: User) -> str:
    # Changes whenever the password does (a fresh salt every time), which is
    # what makes a link single-use without storing it.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:20]


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_password_link_token(user: User, *, setup: bool = False) -> str:
    """A token for a reset link (or, for new accounts, a set-your-password link)."""
    return _serializer(SETUP_SALT if setup else RESET_SALT).dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_password_token(token: str, load_user: object) -> tuple[User, bool]:
    """Return (user, is_setup) for a valid token; raise LinkError otherwise."""
    for salt, max_age in (
        (RESET_SALT, int(current_app.config["PASSWORD_RESET_MAX_AGE"])),
        (SETUP_SALT, SETUP_MAX_AGE),
    ):
        try:
            data = _serializer(salt).loads(token, max_age=max_age)
        except SignatureExpired:
            raise LinkError("This link has expired. Ask for a new one below.") from None
        except BadSignature:
            continue
        user = load_user(data.get("u")) if isinstance(data, dict) else None  # type: ignore[operator]
        if user is None or not user.active or data.get("f") != _fingerprint(user):
            raise LinkError("This link has already been used or is no longer valid. Ask for a new one below.")
        return user, salt == SETUP_SALT
    raise LinkError("This link is not valid. Check that you copied all of it, or ask for a new one below.")
