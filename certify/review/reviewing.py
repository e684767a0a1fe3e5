"""Reviews and their resolution: two independent reviews, then final levels or an adjudicator; calibration.

An appeal's re-mark is handed to `appeals`, which decides it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from certify.audit import services as audit
from certify.auth.models import User
from certify.core.rubrics import (
    RubricError,
    calibration,
    check_levels,
    resolve_adjudication,
    resolve_double_marking,
)
from certify.extensions import db
from certify.portfolios.models import PortfolioVersion
from certify.review import notify
from certify.review.allocation import AllocationError, allocate_adjudicator, allocate_waiting
from certify.review.appeals import decide_appeal
from certify.review.models import Allocation, AnchorPortfolio, CalibrationAttempt, Resolution, Review
from certify.review.services import ReviewError, get_rubric, rules


def criteria() -> list[str]:
    return list(criterion_titles())


def criterion_titles() -> dict[str, str]:
    """The rubric's criteria in order: code -> title (what messages to assessors name them by)."""
    rubric = get_rubric()
    if rubric is None:
        raise ReviewError("The portfolio rubric is not loaded.", 503)
    return {c.code: c.title for c in rubric.criteria}


def allocation_for(assessor: User, allocation_id: int) -> Allocation | None:
    """The allocation if it is this assessor's; None otherwise (answer 404)."""
    allocation = db.session.get(Allocation, allocation_id)
    return allocation if allocation is not None and allocation.assessor_id == assessor.id else None


def submit_review(
    assessor: User,
    allocation: Allocation,
    levels: dict[str, int],
    comments: dict[str, str],
    overall: str,
    now: datetime,
    *,
    token: str | None = None,
) -> Resolution | None:
    """Record a finished review and resolve the version when it can be; returns the resolution if one was made.

    With a lock `token` (from the review page), the submission is refused while another window holds the lock.
    """
    if allocation.assessor_id != assessor.id:
        raise ReviewError("This review is not allocated to you.", 404)
    if allocation.status != "allocated":
        raise ReviewError("This review has already been submitted.", 409)
    expires = allocation.lock_expires_at
    if token is not None and allocation.lock_token not in (None, token) and expires and expires > now:
        raise ReviewError("This review is open in another window, which now holds it; reload to continue here.", 423)
    try:
        check_levels(levels, criteria())
    except RubricError as exc:
        raise ReviewError(str(exc)) from None
    review = allocation.review or Review(allocation=allocation)
    review.levels, review.comments, review.overall_comment = dict(levels), dict(comments), overall.strip()
    review.submitted_at = review.updated_at = now
    db.session.add(review)
    allocation.status = "submitted"
    allocation.lock_token = allocation.lock_expires_at = None
    db.session.flush()
    audit.record(assessor, "review.submitted", "allocation", allocation.id, after={"levels": dict(levels)})
    version = db.session.get(PortfolioVersion, allocation.version_id)
    assert version is not None
    if allocation.role == "appeal":
        return decide_appeal(allocation, dict(levels), now)
    return _resolve_if_ready(version, now)


def _submitted(version: PortfolioVersion) -> dict[str, dict[str, Any]]:
    rows = db.session.scalars(
        select(Allocation).where(Allocation.version_id == version.id, Allocation.status == "submitted")
    ).all()
    return {row.role: dict(row.review.levels) for row in rows if row.review is not None}


def _resolve_if_ready(version: PortfolioVersion, now: datetime) -> Resolution | None:
    if db.session.get(Resolution, version.id) is not None:
        return None  # already decided (an adjudicator was allocated late, or a repeat)
    reviews, codes, current = _submitted(version), criteria(), rules()
    if "adjudicator" in reviews:
        outcome = resolve_adjudication(reviews["adjudicator"], codes, current)
    elif "first" in reviews and "second" in reviews:
        outcome = resolve_double_marking(reviews["first"], reviews["second"], codes, current)
        if outcome.needs_adjudication:
            audit.record(
                None, "portfolio.adjudication_needed", "portfolio_version", version.id, note="; ".join(outcome.reasons)
            )
            try:
                allocate_adjudicator(version)
            except AllocationError:
                version.state = "adjudication"  # an admin allocates one when an adjudicator is free
            return None
    else:
        return None
    resolution = Resolution(
        version_id=version.id,
        final_levels=dict(outcome.final_levels),
        passed=bool(outcome.passed),
        rule=outcome.rule,
        decided_at=now,
    )
    db.session.add(resolution)
    version.state = "resolved"
    db.session.flush()
    notify.decided(version, resolution.passed)
    audit.record(
        None,
        "portfolio.resolved",
        "portfolio_version",
        version.id,
        after={"final_levels": dict(outcome.final_levels), "passed": outcome.passed, "rule": outcome.rule},
    )
    return resolution


def record_calibration(assessor: User, scores: dict[str, dict[str, int]], now: datetime) -> CalibrationAttempt:
    """Score the anchor portfolios; calibrated when enough criteria match the reference levels."""
    anchors = db.session.scalars(select(AnchorPortfolio).order_by(AnchorPortfolio.slug)).all()
    if not anchors:
        raise ReviewError("No anchor portfolios are loaded; run `flask certify seed`.", 503)
    missing = [a.slug for a in anchors if a.slug not in scores]
    if missing:
        raise ReviewError(f"Score every anchor portfolio (missing: {', '.join(missing)}).")
    try:
        result = calibration([scores[a.slug] for a in anchors], [a.reference_levels for a in anchors], rules())
    except RubricError as exc:
        raise ReviewError(str(exc)) from None
    attempt = CalibrationAttempt(
        assessor_id=assessor.id, scores=scores, share=result.share, calibrated=result.calibrated, submitted_at=now
    )
    db.session.add(attempt)
    db.session.flush()
    if result.calibrated:
        allocate_waiting()
    audit.record(
        assessor,
        "assessor.calibrated" if result.calibrated else "assessor.calibration_missed",
        "user",
        assessor.id,
        after={"share": round(result.share, 3), "matched": result.matched, "of": result.total},
    )
    return attempt
