"""Review services: the rubric and the resolution rules, the error review operations raise, work-queue counts.

The lower layer of the review feature: reviewing and appeals both build on it. Reviewing hands an appeal's
re-mark to appeals; appeals needs nothing from reviewing, so the two never import each other.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select

from certify.core.rubric_spec import AnchorSpec, RubricSpec
from certify.core.rubrics import ResolutionRules
from certify.extensions import db
from certify.portfolios.models import PortfolioVersion
from certify.review.models import Allocation, AnchorPortfolio, Appeal, Rubric, RubricCriterion


class ReviewError(ValueError):
    """A review, calibration or appeal request that cannot be honoured; `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def load_rubric(spec: RubricSpec) -> None:
    """Insert or update a rubric and its criteria (matched by code)."""
    rubric = db.session.scalar(select(Rubric).where(Rubric.slug == spec.slug))
    if rubric is None:
        rubric = Rubric(slug=spec.slug)
        db.session.add(rubric)
    rubric.title, rubric.pass_min_level = spec.title, spec.pass_min_level
    rubric.level_names = {str(k): v for k, v in spec.level_names.items()}
    by_code = {c.code: c for c in rubric.criteria}
    for position, criterion in enumerate(spec.criteria, start=1):
        row = by_code.get(criterion.code) or RubricCriterion(rubric=rubric, code=criterion.code)
        row.competency_code, row.title, row.guidance = criterion.competency, criterion.title, criterion.guidance
        row.descriptors = {str(k): v for k, v in criterion.descriptors.items()}
        row.position = position
        db.session.add(row)
    db.session.flush()


def get_rubric(slug: str = "mid-portfolio") -> Rubric | None:
    return db.session.scalar(select(Rubric).where(Rubric.slug == slug))


def rules() -> ResolutionRules:
    """How reviews are resolved: tolerance, combination, pass level (from the rubric) and calibration share."""
    config = current_app.config
    rubric = get_rubric()
    return ResolutionRules(
        tolerance=int(config.get("REVIEW_TOLERANCE", 1)),
        combine=str(config.get("REVIEW_COMBINE", "mean_floor")),
        pass_min_level=rubric.pass_min_level if rubric else 3,
        calibration_share=int(config.get("CALIBRATION_SHARE_PERCENT", 80)) / 100,
    )


def load_anchor(spec: AnchorSpec) -> None:
    """Insert or update a calibration portfolio (matched by slug)."""
    rubric = get_rubric(spec.rubric)
    if rubric is None:
        raise ValueError(f"anchor {spec.slug}: rubric {spec.rubric!r} is not loaded")
    anchor = db.session.scalar(select(AnchorPortfolio).where(AnchorPortfolio.slug == spec.slug))
    if anchor is None:
        anchor = AnchorPortfolio(slug=spec.slug)
        db.session.add(anchor)
    anchor.rubric_id, anchor.title, anchor.summary = rubric.id, spec.title, spec.summary
    anchor.sections, anchor.reference_levels, anchor.justification = (
        dict(spec.sections),
        dict(spec.reference_levels),
        dict(spec.justification),
    )
    db.session.flush()


OPEN_STATES = ("awaiting_review", "in_review")


def _live(role_filter: Any) -> Any:
    return select(Allocation.id).where(
        Allocation.version_id == PortfolioVersion.id, Allocation.status != "withdrawn", role_filter
    )


def portfolios_waiting_for_assessors_count() -> int:
    """Submitted versions missing an assessor they need (two markers, or an adjudicator), as `needs_assessors` says."""
    markers = (
        select(func.count(func.distinct(Allocation.role)))
        .where(
            Allocation.version_id == PortfolioVersion.id,
            Allocation.status != "withdrawn",
            Allocation.role.in_(("first", "second")),
        )
        .scalar_subquery()
    )
    adjudicator = _live(Allocation.role == "adjudicator").exists()
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(PortfolioVersion)
            .where(
                or_(
                    and_(PortfolioVersion.state.in_(OPEN_STATES), markers < 2),
                    and_(PortfolioVersion.state == "adjudication", ~adjudicator),
                )
            )
        )
        or 0
    )


def portfolios_awaiting_adjudication_count() -> int:
    """Versions whose two markers disagreed beyond tolerance and that no adjudicator has decided yet."""
    return int(
        db.session.scalar(
            select(func.count()).select_from(PortfolioVersion).where(PortfolioVersion.state == "adjudication")
        )
        or 0
    )


def open_appeals_count() -> int:
    """Appeals lodged and not yet decided (upheld or dismissed)."""
    return int(db.session.scalar(select(func.count()).select_from(Appeal).where(Appeal.status == "lodged")) or 0)
