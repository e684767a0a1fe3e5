"""Imports every feature's models so the metadata is complete (for Alembic and tests)."""

from certify.audit.models import AuditEvent
from certify.auth.models import ApiToken, User, UserRole
from certify.outbox.models import OutboxMessage
from certify.security.models import LoginFailure

__all__ = ["ApiToken", "AuditEvent", "LoginFailure", "OutboxMessage", "User", "UserRole"]
