"""Cohorts: named groups of candidates (an organisation, an intake) that reports can be filtered by.

Every change is audited. Services flush; the view commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from certify.audit import services as audit
from certify.auth.models import User
from certify.extensions import db
from certify.reports.models import Cohort, CohortMember

NAME_MAX = 120
DESCRIPTION_MAX = 2000
PASTE_MAX_LINES = 2000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CohortError(ValueError):
    """A cohort change that cannot be made; the message says why."""


def cohort_list() -> list[tuple[Cohort, int]]:
    """Every cohort with its number of members, by name."""
    counts = select(CohortMember.cohort_id, func.count().label("n")).group_by(CohortMember.cohort_id).subquery()
    rows = db.session.execute(
        select(Cohort, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .order_by(func.lower(Cohort.name))
    ).all()
    return [(cohort, int(n)) for cohort, n in rows]


def members(cohort: Cohort) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id)
            .order_by(User.name, User.id)
        )
    )


def _checked_name(name: str, description: str, keep: Cohort | None = None) -> tuple[str, str]:
    name, description = " ".join(name.split()), description.strip()
    if not name:
        raise CohortError("Give the cohort a name.")
    if len(name) > NAME_MAX:
        raise CohortError(f"A cohort name has at most {NAME_MAX} characters (this one has {len(name)}).")
    if len(description) > DESCRIPTION_MAX:
        raise CohortError(f"A description has at most {DESCRIPTION_MAX} characters.")
    clash = db.session.scalar(select(Cohort).where(func.lower(Cohort.name) == name.lower()))
    if clash is not None and clash is not keep:
        raise CohortError(f"A cohort called “{clash.name}” already exists; choose another name.")
    return name, description


def create_cohort(actor: User, name: str, description: str) -> Cohort:
    name, description = _checked_name(name, description)
    cohort = Cohort(name=name, description=description)
    db.session.add(cohort)
    db.session.flush()
    audit.record(actor, "cohort.create", "cohort", cohort.id, after={"name": name, "description": description})
    return cohort


def rename_cohort(actor: User, cohort: Cohort, name: str, description: str) -> None:
    before = {"name": cohort.name, "description": cohort.description}
    cohort.name, cohort.description = _checked_name(name, description, keep=cohort)
    db.session.flush()
    after = {"name": cohort.name, "description": cohort.description}
    audit.record(actor, "cohort.rename", "cohort", cohort.id, before=before, after=after)


def _listed(values: list[str], limit: int = 20) -> str:
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return ", ".join(values[:limit]) + more


@dataclass(frozen=True)
class Added:
    added: list[User]
    already: list[User]


def add_members(actor: User, cohort: Cohort, pasted: str) -> Added:
    """Add the accounts whose email addresses are pasted one per line; all or nothing."""
    lines = [line.strip().strip(",;").lower() for line in pasted.splitlines()]
    emails = list(dict.fromkeys(line for line in lines if line))
    if not emails:
        raise CohortError("Paste at least one email address, one per line.")
    if len(emails) > PASTE_MAX_LINES:
        raise CohortError(f"Add at most {PASTE_MAX_LINES} addresses at a time (you pasted {len(emails)}).")
    malformed = [e for e in emails if not _EMAIL.match(e)]
    if malformed:
        raise CohortError(f"Not email addresses: {_listed(malformed)}. Nobody was added.")
    found = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}
    unknown = [e for e in emails if e not in found]
    if unknown:
        raise CohortError(f"No account uses: {_listed(unknown)}. Nobody was added.")
    current = set(db.session.scalars(select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)))
    added = [found[e] for e in emails if found[e].id not in current]
    already = [found[e] for e in emails if found[e].id in current]
    db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=u.id) for u in added)
    db.session.flush()
    if added:
        audit.record(actor, "cohort.add_members", "cohort", cohort.id, after={"user_ids": [u.id for u in added]})
    return Added(added, already)


def remove_member(actor: User, cohort: Cohort, user_id: int) -> User:
    row = db.session.get(CohortMember, (cohort.id, user_id))
    if row is None:
        raise CohortError("That person is not a member of this cohort.")
    user = db.session.get(User, user_id)
    assert user is not None  # the foreign key guarantees it
    db.session.delete(row)
    db.session.flush()
    audit.record(actor, "cohort.remove_member", "cohort", cohort.id, before={"user_id": user_id})
    return user
