"""What each person is shown: blind portfolios for assessors, released feedback for candidates.

Assessors never see who wrote a portfolio: they get the version's random
reference, the sections as frozen at submission, and files renamed by position
with identifying metadata scrubbed from their bytes. Candidates never see who
assessed them: reviews are labelled by role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from certify.core.textdiff import SectionDiff, diff_text
from certify.extensions import db
from certify.portfolios.models import Attachment, PortfolioVersion
from certify.portfolios.services import blind_name, version_attachments
from certify.review.models import Allocation, Appeal, Resolution, RubricCriterion
from certify.review.services import get_rubric

ROLE_LABELS = {"first": "Assessor A", "second": "Assessor B", "adjudicator": "Adjudicator", "appeal": "Appeal assessor"}


def reference(version: PortfolioVersion) -> str:
    """The version's stored random reference: stable, and nothing about the candidate or the row derives it."""
    return version.reference


@dataclass(frozen=True)
class ReviewShown:
    label: str
    levels: dict[str, int]
    comments: dict[str, str]
    overall: str


@dataclass(frozen=True)
class BlindFile:
    attachment: Attachment
    name: str
    criterion: str


@dataclass
class BlindPortfolio:
    reference: str
    number: int
    submitted_at: datetime
    criteria: list[RubricCriterion]
    sections_html: dict[str, Any]
    files: list[BlindFile]
    changes: dict[str, SectionDiff] | None = None
    other_reviews: list[ReviewShown] = field(default_factory=list)
    appeal_reason: str = ""


def _reviews(version_id: int, roles: tuple[str, ...]) -> list[ReviewShown]:
    rows = db.session.scalars(
        select(Allocation)
        .where(Allocation.version_id == version_id, Allocation.status == "submitted", Allocation.role.in_(roles))
        .order_by(Allocation.id)
    ).all()
    return [
        ReviewShown(
            ROLE_LABELS[row.role], dict(row.review.levels), dict(row.review.comments), row.review.overall_comment
        )
        for row in rows
        if row.review is not None
    ]


def blind_files(version: PortfolioVersion) -> list[BlindFile]:
    return [
        BlindFile(attachment, blind_name(attachment, position), attachment.criterion)
        for position, attachment in enumerate(version_attachments(version), start=1)
    ]


def blind_portfolio(allocation: Allocation) -> BlindPortfolio:
    version = db.session.get(PortfolioVersion, allocation.version_id)
    rubric = get_rubric()
    assert version is not None and rubric is not None
    shown = BlindPortfolio(
        reference=reference(version),
        number=version.number,
        submitted_at=version.submitted_at,
        criteria=list(rubric.criteria),
        sections_html=dict(version.sections_html),
        files=blind_files(version),
    )
    if version.number > 1:
        previous = db.session.scalar(
            select(PortfolioVersion).where(
                PortfolioVersion.portfolio_id == version.portfolio_id, PortfolioVersion.number == version.number - 1
            )
        )
        if previous is not None:
            shown.changes = {
                c.code: diff_text(str(previous.sections.get(c.code, "")), str(version.sections.get(c.code, "")))
                for c in rubric.criteria
            }
    if allocation.role == "adjudicator":
        shown.other_reviews = _reviews(version.id, ("first", "second"))
    if allocation.role == "appeal":
        appeal = db.session.scalar(select(Appeal).where(Appeal.allocation_id == allocation.id))
        shown.appeal_reason = appeal.reason if appeal else ""
    return shown


@dataclass(frozen=True)
class CriterionFeedback:
    criterion: RubricCriterion
    level: int
    level_name: str
    descriptor: str
    met: bool
    target: str
    comments: list[tuple[str, str]]


@dataclass
class Feedback:
    version: PortfolioVersion
    resolution: Resolution
    criteria: list[CriterionFeedback]
    overall: list[tuple[str, str]]
    appeal: Appeal | None
    pass_min_level: int


def feedback(version: PortfolioVersion) -> Feedback | None:
    """The released feedback for a decided version; None while it is being assessed."""
    resolution = db.session.get(Resolution, version.id)
    rubric = get_rubric()
    if resolution is None or rubric is None:
        return None
    reviews = _reviews(version.id, ("first", "second", "adjudicator", "appeal"))
    rows = []
    for criterion in rubric.criteria:
        level = int(resolution.final_levels.get(criterion.code, 0))
        met = level >= rubric.pass_min_level
        rows.append(
            CriterionFeedback(
                criterion=criterion,
                level=level,
                level_name=str(rubric.level_names.get(str(level), level)),
                descriptor=str(criterion.descriptors.get(str(level), "")),
                met=met,
                target="" if met else str(criterion.descriptors.get(str(rubric.pass_min_level), "")),
                comments=[(r.label, r.comments[criterion.code]) for r in reviews if r.comments.get(criterion.code)],
            )
        )
    appeal = db.session.scalar(select(Appeal).where(Appeal.version_id == version.id))
    return Feedback(
        version=version,
        resolution=resolution,
        criteria=rows,
        overall=[(r.label, r.overall) for r in reviews if r.overall],
        appeal=appeal,
        pass_min_level=rubric.pass_min_level,
    )
