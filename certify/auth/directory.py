"""The user directory as admins manage it: search, roles, activation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from certify.audit import services as audit
from certify.auth.models import ROLES, User, UserRole
from certify.auth.services import AccountError, count_admins
from certify.auth.sessions import close_all_browser_sessions
from certify.extensions import db

PAGE_SIZE = 25


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    total: int
    page: int
    pages: int


def search_users(text: str = "", role: str = "", status: str = "", page: int = 1) -> UserPage:
    """A page of users matching name/email text, a role and active/inactive status."""
    query = select(User)
    if text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    if role in ROLES:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if status in ("active", "inactive"):
        query = query.where(User.active.is_(status == "active"))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    users = db.session.scalars(query.order_by(User.name, User.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return UserPage(list(users), total, page, pages)


def update_user(actor: User, user: User, *, name: str, roles: set[str], active: bool) -> bool:
    """Change a person's name, roles and active flag; returns whether anything changed."""
    unknown = roles - set(ROLES)
    if unknown:
        raise AccountError(f"Unknown role: {', '.join(sorted(unknown))}.", field="roles")
    if not roles:
        raise AccountError("Give the account at least one role.", field="roles")
    losing_admin = "admin" in user.roles and ("admin" not in roles or not active)
    if losing_admin and user.active and count_admins() <= 1:
        raise AccountError("This is the last active admin; make someone else an admin first.")
    if user.id == actor.id and (not active or "admin" not in roles):
        raise AccountError("You cannot remove your own admin role or deactivate yourself.")
    before = {"name": user.name, "roles": sorted(user.roles), "active": user.active}
    after = {"name": name.strip(), "roles": sorted(roles), "active": active}
    if before == after:
        return False
    user.name = name.strip()
    current = user.roles
    user.role_rows = [row for row in user.role_rows if row.role in roles] + [
        UserRole(role=r) for r in sorted(roles - current)
    ]
    if user.active and not active:
        close_all_browser_sessions(user)  # a deactivated account is signed out at once
    user.active = active
    db.session.flush()
    audit.record(actor, "user.updated", "user", user.id, before=before, after=after)
    return True
