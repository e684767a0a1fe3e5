"""Allocating assessors: two independent ones per version, by load, never with a conflict of interest."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select

from certify.audit import services as audit
from certify.auth.models import User, UserRole
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review.models import Allocation, CalibrationAttempt, ConflictOfInterest


class AllocationError(RuntimeError):
    pass


def eligible_assessors(version: PortfolioVersion, *, exclude: Collection[int] = ()) -> list[User]:
    """Active, calibrated assessors free of conflicts with the candidate, lightest load first."""
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
    candidates = db.session.scalars(select(User).join(UserRole).where(UserRole.role == "assessor", User.active)).all()
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


def allocate_adjudicator(version: PortfolioVersion) -> Allocation:
    """A third assessor, who has not reviewed this version, to decide a disagreement."""
    used = set(db.session.scalars(select(Allocation.assessor_id).where(Allocation.version_id == version.id)))
    people = eligible_assessors(version, exclude=used)
    if not people:
        raise AllocationError("No calibrated assessor is free to adjudicate.")
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
