"""Allocating assessors: two independent ones per version, by load, never with a conflict of interest."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from certify.audit import services as audit
from certify.auth.models import User, UserRole
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review import notify
from certify.review.models import Allocation, Appeal, CalibrationAttempt, ConflictDeclaration, ConflictOfInterest


class AllocationError(RuntimeError):
    pass


def eligible_assessors(
    version: PortfolioVersion, *, exclude: Collection[int] = (), role: str = "assessor"
) -> list[User]:
    """Active, calibrated holders of `role` free of conflicts with the candidate, lightest load first.

    A conflict is one recorded with the candidate's account or one declared under their email address
    (possibly before they registered).
    """
    portfolio = db.session.get(Portfolio, version.portfolio_id)
    assert portfolio is not None
    candidate_email = select(User.email).where(User.id == portfolio.candidate_id).scalar_subquery()
    conflicted = set(
        db.session.scalars(
            select(ConflictOfInterest.assessor_id)
            .where(ConflictOfInterest.candidate_id == portfolio.candidate_id)
            .union(select(ConflictDeclaration.assessor_id).where(ConflictDeclaration.email == candidate_email))
        )
    )
    calibrated = set(
        db.session.scalars(select(CalibrationAttempt.assessor_id).where(CalibrationAttempt.calibrated.is_(True)))
    )
    load = dict(
        db.session.execute(
            select(Allocation.assessor_id, func.count())
            .where(Allocation.status == "allocated")
            .group_by(Allocation.assessor_id)
        ).all()
    )
    candidates = db.session.scalars(select(User).join(UserRole).where(UserRole.role == role, User.active)).all()
    chosen = [
        u
        for u in candidates
        if u.id in calibrated and u.id not in conflicted and u.id != portfolio.candidate_id and u.id not in exclude
    ]
    return sorted(chosen, key=lambda u: (load.get(u.id, 0), u.id))


def allocate_pair(version: PortfolioVersion) -> list[Allocation]:
    """Two independent assessors for a newly submitted version."""
    people = eligible_assessors(version)
    if len(people) < 2:
        audit.record(
            None,
            "portfolio.allocation_waiting",
            "portfolio_version",
            version.id,
            note=f"only {len(people)} eligible assessor(s)",
        )
        raise AllocationError("Fewer than two calibrated assessors without a conflict are available.")
    allocations = [
        Allocation(version_id=version.id, assessor_id=person.id, role=role)
        for person, role in zip(people[:2], ("first", "second"), strict=True)
    ]
    db.session.add_all(allocations)
    version.state = "in_review"
    db.session.flush()
    for allocation in allocations:
        notify.allocated(allocation)
    audit.record(
        None,
        "portfolio.allocated",
        "portfolio_version",
        version.id,
        after={"assessors": [a.assessor_id for a in allocations]},
    )
    return allocations


def used_assessors(version: PortfolioVersion) -> set[int]:
    """Everyone who has ever been allocated this version (withdrawn allocations included)."""
    return set(db.session.scalars(select(Allocation.assessor_id).where(Allocation.version_id == version.id)))


def allocate_adjudicator(version: PortfolioVersion) -> Allocation:
    """A third assessor, who has not reviewed this version, to decide a disagreement."""
    people = eligible_assessors(version, exclude=used_assessors(version), role="adjudicator")
    if not people:
        audit.record(None, "portfolio.adjudicator_waiting", "portfolio_version", version.id)
        raise AllocationError("No calibrated adjudicator without a conflict is free to decide this portfolio.")
    allocation = Allocation(version_id=version.id, assessor_id=people[0].id, role="adjudicator")
    db.session.add(allocation)
    version.state = "adjudication"
    db.session.flush()
    notify.allocated(allocation)
    audit.record(
        None,
        "portfolio.adjudicator_allocated",
        "portfolio_version",
        version.id,
        after={"assessor": allocation.assessor_id},
    )
    return allocation


def _role_pool(role: str) -> str:
    return "adjudicator" if role == "adjudicator" else "assessor"


def _live(version: PortfolioVersion) -> list[Allocation]:
    return list(
        db.session.scalars(
            select(Allocation).where(Allocation.version_id == version.id, Allocation.status != "withdrawn")
        )
    )


def fill_gaps(version: PortfolioVersion) -> int:
    """Give a version every assessor it is missing (after withdrawals); returns how many were allocated."""
    if version.state == "awaiting_review":
        allocate_pair(version)
        return 2
    needed = {"in_review": ("first", "second"), "adjudication": ("adjudicator",)}.get(version.state, ())
    held = {a.role for a in _live(version)}
    done = 0
    for role in needed:
        if role in held:
            continue
        people = eligible_assessors(version, exclude=used_assessors(version), role=_role_pool(role))
        if not people:
            if role == "adjudicator":
                raise AllocationError("No calibrated adjudicator without a conflict is free to decide this portfolio.")
            raise AllocationError(f"No calibrated assessor without a conflict is free to take the {role} review.")
        added = Allocation(version_id=version.id, assessor_id=people[0].id, role=role)
        db.session.add(added)
        db.session.flush()
        notify.allocated(added)
        audit.record(None, "portfolio.allocated", "portfolio_version", version.id, after={role: people[0].id})
        done += 1
    return done


def needs_assessors(version: PortfolioVersion) -> bool:
    needed = {
        "awaiting_review": ("first", "second"),
        "in_review": ("first", "second"),
        "adjudication": ("adjudicator",),
    }
    held = {a.role for a in _live(version)}
    return any(role not in held for role in needed.get(version.state, ()))


def allocate_waiting() -> int:
    """Allocate whatever waits for assessors (after a calibration, a withdrawal or a new assessor).

    Each version is tried on its own: who is eligible depends on the candidate's conflicts
    and on who has marked it already, so one that cannot be allocated does not block the rest.
    """
    open_versions = db.session.scalars(
        select(PortfolioVersion)
        .where(PortfolioVersion.state.in_(("awaiting_review", "in_review", "adjudication")))
        .order_by(PortfolioVersion.id)
    ).all()
    done = 0
    for version in open_versions:
        if not needs_assessors(version):
            continue
        try:
            with db.session.begin_nested():
                done += fill_gaps(version)
        except AllocationError:
            continue
    return done


def _replace(actor: User | None, allocation: Allocation, new_assessor: User | None) -> Allocation | None:
    """Withdraw an allocation and give its part to `new_assessor` (or the next eligible one, if any)."""
    version = db.session.get(PortfolioVersion, allocation.version_id)
    assert version is not None
    allocation.status = "withdrawn"
    allocation.lock_token = allocation.lock_expires_at = None
    db.session.flush()
    if new_assessor is None:
        people = eligible_assessors(version, exclude=used_assessors(version), role=_role_pool(allocation.role))
        if not people:
            audit.record(
                None, "portfolio.allocation_waiting", "portfolio_version", version.id, note="after a withdrawal"
            )
            return None
        new_assessor = people[0]
    replacement = Allocation(version_id=version.id, assessor_id=new_assessor.id, role=allocation.role)
    db.session.add(replacement)
    db.session.flush()
    notify.allocated(replacement)
    if allocation.role == "appeal":
        appeal = db.session.scalar(select(Appeal).where(Appeal.allocation_id == allocation.id))
        if appeal is not None:
            appeal.allocation_id = replacement.id
    audit.record(
        actor,
        "portfolio.reallocated",
        "allocation",
        allocation.id,
        before={"assessor": allocation.assessor_id},
        after={"assessor": new_assessor.id, "allocation": replacement.id, "role": allocation.role},
    )
    return replacement


def reallocate(actor: User, allocation: Allocation, new_assessor: User, *, force: bool = False) -> Allocation:
    """Move an unfinished review to another eligible assessor; the old allocation is withdrawn, its draft kept."""
    if allocation.status != "allocated":
        raise AllocationError("Only a review that has not been submitted can be reallocated.")
    version = db.session.get(PortfolioVersion, allocation.version_id)
    assert version is not None
    role = _role_pool(allocation.role)
    allowed = {u.id for u in eligible_assessors(version, exclude=used_assessors(version), role=role)}
    if new_assessor.id not in allowed:
        raise AllocationError(
            f"{new_assessor.name} cannot take this review: they must be an active, calibrated {role} with no "
            "conflict of interest who has not already been allocated this portfolio."
        )
    if allocation.lock_expires_at and allocation.lock_expires_at > utcnow() and not force:
        raise AllocationError(
            "The current assessor has this review open; confirm the reallocation to take it from them."
        )
    replacement = _replace(actor, allocation, new_assessor)
    assert replacement is not None
    return replacement


def record_conflict(actor: User, assessor: User, candidate: User, reason: str) -> list[Allocation]:
    """Record a conflict of interest and take the assessor off any unfinished review of that candidate."""
    if db.session.get(ConflictOfInterest, (assessor.id, candidate.id)) is None:
        db.session.add(ConflictOfInterest(assessor_id=assessor.id, candidate_id=candidate.id, reason=reason[:300]))
        db.session.flush()
        audit.record(actor, "conflict.recorded", "user", candidate.id, after={"assessor": assessor.id})
    open_work = db.session.scalars(
        select(Allocation)
        .join(PortfolioVersion, PortfolioVersion.id == Allocation.version_id)
        .join(Portfolio, Portfolio.id == PortfolioVersion.portfolio_id)
        .where(
            Allocation.assessor_id == assessor.id,
            Allocation.status == "allocated",
            Portfolio.candidate_id == candidate.id,
        )
    ).all()
    replacements = []
    for allocation in open_work:
        replacement = _replace(actor, allocation, None)
        if replacement is not None:
            replacements.append(replacement)
    return replacements


def withdraw_for_conflict(assessor: User, allocation: Allocation, reason: str) -> Allocation | None:
    """An assessor recognises the candidate: record the conflict, withdraw, and find a replacement if one is free."""
    if allocation.assessor_id != assessor.id or allocation.status != "allocated":
        raise AllocationError("Only your own unfinished review can be withdrawn.")
    version = db.session.get(PortfolioVersion, allocation.version_id)
    portfolio = db.session.get(Portfolio, version.portfolio_id) if version else None
    assert version is not None and portfolio is not None
    candidate = db.session.get(User, portfolio.candidate_id)
    assert candidate is not None
    audit.record(assessor, "review.withdrawn_conflict", "allocation", allocation.id, note=reason.strip()[:300])
    replacements = record_conflict(assessor, assessor, candidate, reason.strip() or "recognised during review")
    return next((r for r in replacements if r.version_id == version.id), None)
