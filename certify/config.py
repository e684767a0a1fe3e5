"""Configuration read from CERTIFY_* environment variables.

`load_config` is a pure function of the environment and the instance folder so
that tests can build any configuration without touching ``os.environ``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from certify.core.dif import MIN_GROUP as DIF_MIN_GROUP
from certify.core.rubrics import COMBINE_RULES

ENVIRONMENTS = ("production", "development", "testing")

# scrypt with N = 2**17, r = 8, p = 1: about 128 MiB and a few hundred
# milliseconds per hash, which is what we want an offline attacker to pay.
PASSWORD_HASH_METHOD = "scrypt:131072:8:1"  # noqa: S105 - a hash method, not a password

# The longest exam is 90 minutes; with a 3x accommodation and a break that is
# under five hours, so a form opened at the start of an exam must still post
# at its end. Twelve hours leaves room for future longer assessments.
CSRF_TIME_LIMIT_SECONDS = 12 * 60 * 60


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _months(env: Mapping[str, str], name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """Distinct whole months from 1 to 60, e.g. "3,6"; in increasing order."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        months = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise ConfigError(f"{name} must be whole months separated by commas, such as 3,6; got {raw!r}") from None
    if not months or not all(1 <= m <= 60 for m in months):
        raise ConfigError(f"{name} must list months from 1 to 60, such as 3,6; got {raw!r}")
    return tuple(months)


def _development_secret(instance_path: Path) -> str:
    """The demo's secret key: generated once and kept in the instance folder."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def served_url(env: Mapping[str, str]) -> str:
    """The address `flask run` serves on, from the variables it reads itself (FLASK_RUN_HOST, FLASK_RUN_PORT).

    `make run HOST=… PORT=…` sets both, so links in mail, PDFs and credentials follow the port actually
    served without CERTIFY_BASE_URL. A wildcard host (0.0.0.0, ::) is no address to link to: links then
    use 127.0.0.1, and a server reachable from elsewhere sets CERTIFY_BASE_URL to its public address.
    """
    host = env.get("FLASK_RUN_HOST") or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104 - recognising a wildcard bind, not binding one
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal in a URL
    port = _int(env, "FLASK_RUN_PORT", 5000)
    if not 1 <= port <= 65535:
        raise ConfigError(f"FLASK_RUN_PORT must be a port number from 1 to 65535, got {port}")
    return f"http://{host}:{port}"


def load_config(env: Mapping[str, str], instance_path: str) -> dict[str, Any]:
    """Build the Flask configuration from CERTIFY_* variables."""
    instance = Path(instance_path)
    environment = env.get("CERTIFY_ENV", "production")
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"CERTIFY_ENV must be one of {', '.join(ENVIRONMENTS)}, got {environment!r}")
    development = environment == "development"

    secret = env.get("CERTIFY_SECRET_KEY", "")
    if not secret:
        if development:
            secret = _development_secret(instance)
        elif environment != "testing":
            raise ConfigError(
                "CERTIFY_SECRET_KEY is not set. Production needs a long random value, e.g. "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`; "
                "the demo (CERTIFY_ENV=development, as `make run` sets) generates one."
            )
    elif len(secret) < 32 and environment == "production":
        raise ConfigError("CERTIFY_SECRET_KEY must be at least 32 characters long")

    combine = env.get("CERTIFY_REVIEW_COMBINE", "mean_floor")
    if combine not in COMBINE_RULES:
        raise ConfigError(f"CERTIFY_REVIEW_COMBINE must be one of {', '.join(COMBINE_RULES)}, got {combine!r}")
    for name, low, high in (
        ("CERTIFY_REVIEW_TOLERANCE", 0, 3),
        ("CERTIFY_CALIBRATION_SHARE_PERCENT", 1, 100),
        ("CERTIFY_ANALYSIS_MIN_ATTEMPTS", 2, 100_000),
        ("CERTIFY_ANALYSIS_MIN_ITEM_N", 2, 100_000),
        ("CERTIFY_EQUATING_MIN_ATTEMPTS", 2, 1_000_000),
        ("CERTIFY_DIF_MIN_GROUP", 2, 100_000),
    ):
        if not low <= _int(env, name, low) <= high:
            raise ConfigError(f"{name} must be between {low} and {high}")

    database_url = env.get("CERTIFY_DATABASE_URL") or f"sqlite:///{instance / 'certify.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]

    base_url = (env.get("CERTIFY_BASE_URL") or served_url(env)).rstrip("/")
    https = base_url.startswith("https://")

    return {
        "CERTIFY_ENV": environment,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A server connection can drop (a restart, a failover): PostgreSQL's are pinged when taken from the pool
        # after sitting idle (certify.database, PING_AFTER_IDLE_SECONDS), not before every request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        "SQLITE_BUSY_TIMEOUT_MS": _int(env, "CERTIFY_SQLITE_BUSY_TIMEOUT_MS", 15000),
        "BASE_URL": base_url,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "HSTS": https,
        "SIGNING_KEY_FILE": env.get("CERTIFY_SIGNING_KEY_FILE") or str(instance / "signing_key.pem"),
        # Sessions and cookies.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development and environment != "testing",
        "SESSION_COOKIE_NAME": "certify_session",
        "PERMANENT_SESSION_LIFETIME": _int(env, "CERTIFY_SESSION_HOURS", 12) * 3600,
        # A session lasts PERMANENT_SESSION_LIFETIME from sign-in: its server-side row expires then, whatever the
        # cookie says. Re-signing the cookie on every response would extend nothing and cost every page
        # (a candidate's autosaves and question pages most of all); it is sent again only when the session changes.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not development and environment != "testing",
        # CSRF: checked by our own hook so that bearer-token API clients are exempt.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": _int(env, "CERTIFY_CSRF_TIME_LIMIT", CSRF_TIME_LIMIT_SECONDS),
        "WTF_CSRF_SSL_STRICT": True,
        # Request bodies: the largest legitimate one is a portfolio attachment (20 MB).
        "MAX_CONTENT_LENGTH": _int(env, "CERTIFY_MAX_CONTENT_LENGTH", 25 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,
        # Accounts.
        "PASSWORD_HASH_METHOD": env.get("CERTIFY_PASSWORD_HASH_METHOD", PASSWORD_HASH_METHOD),
        "PASSWORD_RESET_MAX_AGE": _int(env, "CERTIFY_PASSWORD_RESET_MINUTES", 60) * 60,
        "LOGIN_THROTTLE_WINDOW": _int(env, "CERTIFY_LOGIN_THROTTLE_WINDOW", 15 * 60),
        "LOGIN_THROTTLE_ACCOUNT_LIMIT": _int(env, "CERTIFY_LOGIN_THROTTLE_ACCOUNT_LIMIT", 5),
        "LOGIN_THROTTLE_IP_LIMIT": _int(env, "CERTIFY_LOGIN_THROTTLE_IP_LIMIT", 30),
        "REGISTRATION_OPEN": _bool(env, "CERTIFY_REGISTRATION_OPEN", True),
        # Exams: saves still in flight when time runs out are accepted for this long.
        "EXAM_GRACE_SECONDS": _int(env, "CERTIFY_EXAM_GRACE_SECONDS", 60),
        # Portfolios and their review.
        "PORTFOLIO_MAX_FILE_BYTES": _int(env, "CERTIFY_PORTFOLIO_MAX_FILE_MB", 20) * 1024 * 1024,
        "PORTFOLIO_MAX_TOTAL_BYTES": _int(env, "CERTIFY_PORTFOLIO_MAX_TOTAL_MB", 100) * 1024 * 1024,
        "REVIEW_TOLERANCE": _int(env, "CERTIFY_REVIEW_TOLERANCE", 1),
        "REVIEW_COMBINE": combine,
        "REVIEW_LOCK_MINUTES": _int(env, "CERTIFY_REVIEW_LOCK_MINUTES", 120),
        "CALIBRATION_SHARE_PERCENT": _int(env, "CERTIFY_CALIBRATION_SHARE_PERCENT", 80),
        "APPEAL_WINDOW_DAYS": _int(env, "CERTIFY_APPEAL_WINDOW_DAYS", 14),
        # Measurement reports: below these many attempts reliability figures and item flags are not yet judged.
        "ANALYSIS_MIN_ATTEMPTS": _int(env, "CERTIFY_ANALYSIS_MIN_ATTEMPTS", 30),
        "ANALYSIS_MIN_ITEM_N": _int(env, "CERTIFY_ANALYSIS_MIN_ITEM_N", 30),
        # Equated pass marks: a calibration from fewer attempts is not used to decide results (the raw cut is).
        "EQUATING_MIN_ATTEMPTS": _int(env, "CERTIFY_EQUATING_MIN_ATTEMPTS", 200),
        # Differential item functioning: candidates needed in each group before an item gets an ETS class.
        "DIF_MIN_GROUP": _int(env, "CERTIFY_DIF_MIN_GROUP", DIF_MIN_GROUP),
        # Certificates.
        "CERTIFICATE_VALIDITY_YEARS": _int(env, "CERTIFY_CERTIFICATE_VALIDITY_YEARS", 3),
        "RECERTIFICATION_POINTS": _int(env, "CERTIFY_RECERTIFICATION_POINTS", 40),
        # Outcome follow-ups: months after issue (comma-separated) and the days a sponsor's link stays valid
        "OUTCOME_FOLLOWUP_MONTHS": _months(env, "CERTIFY_OUTCOME_FOLLOWUP_MONTHS", (3, 6)),
        "SPONSOR_LINK_DAYS": _int(env, "CERTIFY_SPONSOR_LINK_DAYS", 30),
        "RECERTIFICATION_WINDOW_YEARS": _int(env, "CERTIFY_RECERTIFICATION_WINDOW_YEARS", 3),
        "RECERTIFICATION_OUTCOME_POINTS": _int(env, "CERTIFY_RECERTIFICATION_OUTCOME_POINTS", 10),
        # Renewal requests wait for an admin's decision unless this is on (then the rule alone decides).
        "RENEWAL_AUTO_APPROVE": _bool(env, "CERTIFY_RENEWAL_AUTO_APPROVE", False),
        # Mail goes through the outbox table; the backend delivers it.
        "MAIL_BACKEND": env.get("CERTIFY_MAIL_BACKEND", "console"),
        # Deliver a request's mail after its response has been sent (timing then
        # reveals nothing); tests turn it off to read the mail right after a request.
        "MAIL_AFTER_RESPONSE": _bool(env, "CERTIFY_MAIL_AFTER_RESPONSE", True),
        "MAIL_FROM": env.get("CERTIFY_MAIL_FROM", "Certify <no-reply@certify.invalid>"),
        "MAIL_FILE_DIR": env.get("CERTIFY_MAIL_FILE_DIR") or str(instance / "outbox"),
        "SMTP_HOST": env.get("CERTIFY_SMTP_HOST", "localhost"),
        "SMTP_PORT": _int(env, "CERTIFY_SMTP_PORT", 587),
        "SMTP_USERNAME": env.get("CERTIFY_SMTP_USERNAME", ""),
        "SMTP_PASSWORD": env.get("CERTIFY_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env, "CERTIFY_SMTP_STARTTLS", True),
        # Behind a load balancer: how many proxies set X-Forwarded-* headers.
        "PROXY_COUNT": _int(env, "CERTIFY_PROXY_COUNT", 0),
    }


def testing_overrides(instance_path: str) -> dict[str, Any]:
    """Defaults for tests: a cheaper password hash and a throwaway key."""
    return {
        "TESTING": True,
        "CERTIFY_ENV": "testing",
        "SECRET_KEY": "test-" + "x" * 40,
        "PASSWORD_HASH_METHOD": "scrypt:16384:8:1",
        "MAIL_BACKEND": "memory",
        "MAIL_AFTER_RESPONSE": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(instance_path, 'test.sqlite3')}",
    }
