"""Conflicts of interest an assessor declares by email address.

The assessor must learn nothing about accounts from it: the declaration is kept
under the address they typed whether or not anyone uses it, they are shown that
address back (never a name), and the answer is the same either way. When the
address belongs to a candidate, the declaration goes through `record_conflict`,
like every other conflict path: recorded, audited, and the assessor withdrawn
from any unfinished review of that candidate, which is reallocated.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from certify.audit import services as audit
from certify.auth import services as accounts
from certify.auth.models import User
from certify.extensions import db
from certify.review.allocation import record_conflict
from certify.review.models import ConflictDeclaration

MAX_REASON_CHARS = 300
# Shape only: whether the address exists is exactly what must not be revealed.
EMAIL_SHAPE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class ConflictError(ValueError):
    """A declaration that cannot be recorded; the message is safe to show."""


def declare_by_email(assessor: User, email: str, reason: str) -> ConflictDeclaration:
    """Keep the declaration under `email`; if a candidate uses that address, record the conflict with them too."""
    address, reason = accounts.normalise_email(email), reason.strip()
    if not address or not reason:
        raise ConflictError("Give the person's email address and the nature of the conflict.")
    if len(reason) > MAX_REASON_CHARS:
        raise ConflictError(f"Keep the description to {MAX_REASON_CHARS} characters.")
    if len(address) > 254 or not EMAIL_SHAPE.match(address):
        raise ConflictError("That is not an email address (it needs a name, an @ and a domain); check the spelling.")
    declaration = db.session.scalar(
        select(ConflictDeclaration).where(
            ConflictDeclaration.assessor_id == assessor.id, ConflictDeclaration.email == address
        )
    )
    if declaration is None:
        declaration = ConflictDeclaration(assessor_id=assessor.id, email=address)
        db.session.add(declaration)
    declaration.reason = reason
    db.session.flush()
    audit.record(assessor, "conflict.declared", "conflict_declaration", declaration.id, after={"email": address})
    person = accounts.find_user_by_email(address)
    if person is not None and person.id != assessor.id:
        record_conflict(assessor, assessor, person, reason)
    return declaration


def declarations_of(assessor: User) -> list[ConflictDeclaration]:
    """The addresses the assessor declared, as typed. Conflicts recorded any other way are not listed:
    listing them, or counting them, would tell the assessor which addresses belong to those candidates."""
    return list(
        db.session.scalars(
            select(ConflictDeclaration)
            .where(ConflictDeclaration.assessor_id == assessor.id)
            .order_by(ConflictDeclaration.email)
        )
    )


def all_declarations() -> list[tuple[ConflictDeclaration, User, User | None]]:
    """For administrators: every declaration by email, its assessor, and the account using the address, if any."""
    assessor, account = db.aliased(User), db.aliased(User)
    rows = db.session.execute(
        select(ConflictDeclaration, assessor, account)
        .join(assessor, assessor.id == ConflictDeclaration.assessor_id)
        .outerjoin(account, account.email == ConflictDeclaration.email)
        .order_by(assessor.name, ConflictDeclaration.email)
    ).all()
    return [(declaration, who, whom) for declaration, who, whom in rows]
