"""Allocating assessors: two independent ones per version, by load, never with a conflict of interest."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from certify.audit import services as audit
from certify.auth.models import User, UserRole
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review.models import Allocation, CalibrationAttempt, ConflictOfInterest


class AllocationError(RuntimeError):
    pass


def eligible_assessors(
    version: PortfolioVersion, *, exclude: Collection[int] = (), role: str = "assessor"
) -> list[User]:
    """Active, calibrated holders of `role` free of conflicts with the candidate, lightest load first."""
    portfolio = db.session.get(Portfolio, version.portfolio_id)
    assert portfolio is not None
    conflicted = set(
        db.session.scalars(
            select(ConflictOfInterest.assessor_id).where(ConflictOfInterest.candidate_id == portfolio.candidate_id)
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
    audit.record(
        None,
        "portfolio.adjudicator_allocated",
        "portfolio_version",
        version.id,
        after={"assessor": allocation.assessor_id},
    )
    return allocation


def allocate_waiting() -> int:
    """Allocate versions that were waiting for assessors (after a calibration or a new assessor); returns how many."""
    waiting = db.session.scalars(
        select(PortfolioVersion).where(PortfolioVersion.state == "awaiting_review").order_by(PortfolioVersion.id)
    ).all()
    done = 0
    for version in waiting:
        try:
            allocate_pair(version)
        except AllocationError:
            break
        done += 1
    deciding = db.session.scalars(
        select(PortfolioVersion).where(PortfolioVersion.state == "adjudication").order_by(PortfolioVersion.id)
    ).all()
    for version in deciding:
        live = db.session.scalar(
            select(func.count()).where(
                Allocation.version_id == version.id, Allocation.role == "adjudicator", Allocation.status != "withdrawn"
            )
        )
        if not live:
            try:
                allocate_adjudicator(version)
            except AllocationError:
                break
            done += 1
    return done


def reallocate(actor: User, allocation: Allocation, new_assessor: User, *, force: bool = False) -> Allocation:
    """Move an unfinished review to another eligible assessor; the old allocation is withdrawn, its draft kept."""
    if allocation.status != "allocated":
        raise AllocationError("Only a review that has not been submitted can be reallocated.")
    version = db.session.get(PortfolioVersion, allocation.version_id)
    assert version is not None
    role = "adjudicator" if allocation.role == "adjudicator" else "assessor"
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
    allocation.status = "withdrawn"
    allocation.lock_token = allocation.lock_expires_at = None
    replacement = Allocation(version_id=version.id, assessor_id=new_assessor.id, role=allocation.role)
    db.session.add(replacement)
    db.session.flush()
    audit.record(
        actor,
        "portfolio.reallocated",
        "allocation",
        allocation.id,
        before={"assessor": allocation.assessor_id},
        after={"assessor": new_assessor.id, "allocation": replacement.id, "role": allocation.role},
    )
    return replacement


def withdraw_for_conflict(assessor: User, allocation: Allocation, reason: str) -> Allocation | None:
    """An assessor recognises the candidate: record the conflict, withdraw, and find a replacement if one is free."""
    if allocation.assessor_id != assessor.id or allocation.status != "allocated":
        raise AllocationError("Only your own unfinished review can be withdrawn.")
    version = db.session.get(PortfolioVersion, allocation.version_id)
    portfolio = db.session.get(Portfolio, version.portfolio_id) if version else None
    assert version is not None and portfolio is not None
    if db.session.get(ConflictOfInterest, (assessor.id, portfolio.candidate_id)) is None:
        db.session.add(
            ConflictOfInterest(
                assessor_id=assessor.id, candidate_id=portfolio.candidate_id, reason=reason.strip()[:300]
            )
        )
    allocation.status = "withdrawn"
    allocation.lock_token = allocation.lock_expires_at = None
    db.session.flush()
    audit.record(assessor, "review.withdrawn_conflict", "allocation", allocation.id, note=reason.strip()[:300])
    role = "adjudicator" if allocation.role == "adjudicator" else "assessor"
    people = eligible_assessors(version, exclude=used_assessors(version), role=role)
    if not people:
        audit.record(None, "portfolio.allocation_waiting", "portfolio_version", version.id, note="after a withdrawal")
        return None
    replacement = Allocation(version_id=version.id, assessor_id=people[0].id, role=allocation.role)
    db.session.add(replacement)
    db.session.flush()
    audit.record(None, "portfolio.reallocated", "allocation", allocation.id, after={"allocation": replacement.id})
    return replacement
