"""Submitted reviews as plain records: the ratings every measure of assessors is computed from.

Read only: nothing is flushed or committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review.models import Allocation, Resolution, Review, Rubric

DEFAULT_LEVELS = (1, 2, 3, 4)


def rating_levels(rubric: Rubric | None) -> tuple[int, ...]:
    """The rubric's levels (1..4 unless the rubric names others)."""
    return tuple(sorted(int(k) for k in rubric.level_names)) if rubric and rubric.level_names else DEFAULT_LEVELS


@dataclass(frozen=True)
class SubmittedReview:
    version_id: int
    assessor_id: int
    role: str
    levels: dict[str, int]
    submitted_at: datetime
    final_levels: dict[str, int] | None


def levels_of(raw: Any, categories: tuple[int, ...]) -> dict[str, int]:
    """Only levels the rubric knows, as ints (JSON may hold anything)."""
    if not isinstance(raw, dict):
        return {}
    return {str(code): level for code, level in raw.items() if type(level) is int and level in categories}


def submitted_reviews(categories: tuple[int, ...], candidates: Any = None) -> list[SubmittedReview]:
    only = []
    if candidates is not None:  # reviews of these candidates' portfolios only
        only.append(
            Allocation.version_id.in_(
                select(PortfolioVersion.id)
                .join(Portfolio, Portfolio.id == PortfolioVersion.portfolio_id)
                .where(Portfolio.candidate_id.in_(candidates))
            )
        )
    rows = db.session.execute(
        select(
            Allocation.version_id,
            Allocation.assessor_id,
            Allocation.role,
            Review.levels,
            Review.submitted_at,
            Resolution.final_levels,
        )
        .join(Review, Review.allocation_id == Allocation.id)
        .outerjoin(Resolution, Resolution.version_id == Allocation.version_id)
        .where(Allocation.status == "submitted", Review.submitted_at.is_not(None), *only)
        .order_by(Review.submitted_at, Allocation.id)
    ).all()
    return [
        SubmittedReview(
            version_id,
            assessor_id,
            role,
            levels_of(levels, categories),
            submitted_at,
            None if final is None else levels_of(final, categories),
        )
        for version_id, assessor_id, role, levels, submitted_at, final in rows
    ]
