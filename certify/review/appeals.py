"""Appeals: a candidate contests a failed portfolio decision; a fresh assessor re-marks it.

The re-mark is independent (the appeal assessor sees the portfolio and the
candidate's reason, not the earlier reviews). If it reaches a pass, the appeal
is upheld and its levels become the final levels; otherwise the appeal is
dismissed and the original decision stands. Both outcomes are audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from certify.audit import services as audit
from certify.auth.models import User
from certify.core.rubrics import passes
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review import notify
from certify.review.allocation import AllocationError, eligible_assessors, used_assessors
from certify.review.models import Allocation, Appeal, Resolution
from certify.review.services import ReviewError, rules

MIN_REASON_CHARS = 30
MAX_REASON_CHARS = 5_000


def window() -> timedelta:
    return timedelta(days=int(current_app.config.get("APPEAL_WINDOW_DAYS", 14)))


def appeal_deadline(resolution: Resolution) -> datetime:
    return resolution.decided_at + window()


def can_appeal(version: PortfolioVersion, now: datetime) -> tuple[bool, str]:
    """Whether the candidate may appeal this version now, and if not, why."""
    resolution = db.session.get(Resolution, version.id)
    if resolution is None:
        return False, "This version has not been decided yet."
    if resolution.passed:
        return False, "This version passed; there is no decision to appeal."
    if db.session.scalar(select(Appeal).where(Appeal.version_id == version.id)) is not None:
        return False, "You have already appealed this decision."
    later = db.session.scalar(
        select(PortfolioVersion.id).where(
            PortfolioVersion.portfolio_id == version.portfolio_id, PortfolioVersion.number > version.number
        )
    )
    if later is not None:
        return False, "You have resubmitted since this decision; the new version is the one being assessed."
    if now > appeal_deadline(resolution):
        return False, f"The appeal window closed on {appeal_deadline(resolution):%d %B %Y}."
    return True, ""


def lodge(candidate: User, version: PortfolioVersion, reason: str, now: datetime) -> Appeal:
    portfolio = db.session.get(Portfolio, version.portfolio_id)
    if portfolio is None or portfolio.candidate_id != candidate.id:
        raise ReviewError("Not found.", 404)
    allowed, why = can_appeal(version, now)
    if not allowed:
        raise ReviewError(why, 409)
    reason = reason.strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ReviewError(
            f"Explain your grounds in at least {MIN_REASON_CHARS} characters: which criteria, and why the "
            "decision does not reflect your evidence."
        )
    if len(reason) > MAX_REASON_CHARS:
        raise ReviewError(f"Keep the reason to {MAX_REASON_CHARS:,} characters.")
    resolution = db.session.get(Resolution, version.id)
    assert resolution is not None
    appeal = Appeal(
        version_id=version.id,
        candidate_id=candidate.id,
        reason=reason,
        lodged_at=now,
        original_levels=dict(resolution.final_levels),
        original_passed=resolution.passed,
    )
    db.session.add(appeal)
    db.session.flush()
    audit.record(candidate, "appeal.lodged", "appeal", appeal.id, after={"version": version.id})
    return appeal


def fresh_assessors(appeal: Appeal) -> list[User]:
    """Calibrated assessors without a conflict who have never been allocated this version."""
    version = db.session.get(PortfolioVersion, appeal.version_id)
    assert version is not None
    return eligible_assessors(version, exclude=used_assessors(version))


def allocate(actor: User, appeal: Appeal, assessor: User) -> Allocation:
    if appeal.status != "lodged":
        raise AllocationError("This appeal already has an assessor.")
    if assessor.id not in {u.id for u in fresh_assessors(appeal)}:
        raise AllocationError(
            f"{assessor.name} is not a fresh assessor for this portfolio: they must be calibrated, free of "
            "conflicts, and never allocated it before."
        )
    allocation = Allocation(version_id=appeal.version_id, assessor_id=assessor.id, role="appeal")
    db.session.add(allocation)
    db.session.flush()
    appeal.allocation_id, appeal.status = allocation.id, "in_review"
    notify.allocated(allocation)
    audit.record(actor, "appeal.allocated", "appeal", appeal.id, after={"assessor": assessor.id})
    return allocation


def decide_appeal(allocation: Allocation, levels: dict[str, int], now: datetime) -> Resolution | None:
    """Called when the appeal assessor submits: uphold (new final levels) or dismiss."""
    appeal = db.session.scalar(select(Appeal).where(Appeal.allocation_id == allocation.id))
    resolution = db.session.get(Resolution, allocation.version_id)
    if appeal is None or resolution is None:
        raise ReviewError("This appeal review has no appeal to decide.", 409)
    current = rules()
    if passes(levels, current.pass_min_level):
        appeal.status = "upheld"
        appeal.outcome = "Upheld: an independent re-mark by a fresh assessor reached the standard on every criterion."
        resolution.final_levels, resolution.passed = dict(levels), True
        resolution.rule = "changed on appeal: the levels of an independent re-mark by a fresh assessor"
        resolution.decided_at = now
    else:
        below = sorted(code for code, level in levels.items() if level < current.pass_min_level)
        appeal.status = "dismissed"
        appeal.outcome = (
            "Dismissed: an independent re-mark by a fresh assessor also found criteria below the standard "
            f"({', '.join(below)}); the original decision stands."
        )
    appeal.decided_at = now
    db.session.flush()
    version = db.session.get(PortfolioVersion, appeal.version_id)
    assert version is not None
    notify.decided(version, resolution.passed, appeal_outcome=appeal.outcome)
    audit.record(
        None,
        f"appeal.{appeal.status}",
        "appeal",
        appeal.id,
        before={"final_levels": appeal.original_levels, "passed": appeal.original_passed},
        after={"remark": levels, "final_levels": dict(resolution.final_levels), "passed": resolution.passed},
    )
    return resolution
