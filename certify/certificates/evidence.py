"""Gathering each candidate's evidence for certification, in a few queries for any number of candidates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment
from certify.auth.models import User, UserRole
from certify.certificates.models import Certificate
from certify.core.eligibility import Eligibility, Evidence, ExamEvidence, PortfolioEvidence, assess
from certify.course.models import CourseCompletion
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review.models import Allocation, ConflictDeclaration, ConflictOfInterest, Resolution


def evidence_for(user_ids: Collection[int], now: datetime) -> dict[int, Evidence]:
    ids = list(user_ids)
    if not ids:
        return {}
    courses = dict(
        db.session.execute(
            select(CourseCompletion.user_id, CourseCompletion.completed_at).where(CourseCompletion.user_id.in_(ids))
        ).all()
    )
    exams: dict[int, list[ExamEvidence]] = defaultdict(list)
    rows = db.session.execute(
        select(Attempt.user_id, Attempt.id, AttemptScore)
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .join(Assessment, Assessment.id == Attempt.assessment_id)
        .where(Attempt.user_id.in_(ids), Assessment.kind == "certification")
    ).all()
    for user_id, attempt_id, score in rows:
        unmet = tuple(str(c.get("code")) for c in score.competencies if not c.get("met"))
        exams[user_id].append(
            ExamEvidence(attempt_id, score.passed, score.percent, score.cut_percent, unmet, score.scored_at)
        )
    portfolios: dict[int, PortfolioEvidence] = {}
    decided = db.session.execute(
        select(Portfolio.candidate_id, PortfolioVersion.number, Resolution.passed, Resolution.decided_at)
        .join(PortfolioVersion, PortfolioVersion.portfolio_id == Portfolio.id)
        .join(Resolution, Resolution.version_id == PortfolioVersion.id)
        .where(Portfolio.candidate_id.in_(ids))
        .order_by(PortfolioVersion.number)
    ).all()
    for candidate_id, number, passed, decided_at in decided:
        portfolios[candidate_id] = PortfolioEvidence(number, passed, decided_at)  # the latest number wins
    active = dict(
        db.session.execute(
            select(Certificate.holder_id, Certificate.serial).where(
                Certificate.holder_id.in_(ids), Certificate.status != "revoked", Certificate.expires_at > now
            )
        ).all()
    )
    return {
        uid: Evidence(courses.get(uid), tuple(exams.get(uid, ())), portfolios.get(uid), active.get(uid)) for uid in ids
    }


def eligibility_of(user: User, now: datetime) -> Eligibility:
    return assess(evidence_for([user.id], now)[user.id])


def candidates_assessed_by(assessor_id: int) -> set[int]:
    """Every candidate this person was allocated, or declared a conflict with (by account or by email address)."""
    allocated = db.session.scalars(
        select(Portfolio.candidate_id)
        .join(PortfolioVersion, PortfolioVersion.portfolio_id == Portfolio.id)
        .join(Allocation, Allocation.version_id == PortfolioVersion.id)
        .where(Allocation.assessor_id == assessor_id)
    )
    conflicted = db.session.scalars(
        select(ConflictOfInterest.candidate_id)
        .where(ConflictOfInterest.assessor_id == assessor_id)
        # A conflict declared by email address holds for whoever uses it, even one who registered later.
        .union(
            select(User.id)
            .join(ConflictDeclaration, ConflictDeclaration.email == User.email)
            .where(ConflictDeclaration.assessor_id == assessor_id)
        )
    )
    return set(allocated) | set(conflicted)


def queue(now: datetime) -> list[tuple[User, Eligibility]]:
    """Candidates close to certification (a passed portfolio), eligible first, then by name."""
    candidates = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .join(Portfolio, Portfolio.candidate_id == User.id)
        .join(PortfolioVersion, PortfolioVersion.portfolio_id == Portfolio.id)
        .join(Resolution, Resolution.version_id == PortfolioVersion.id)
        .where(UserRole.role == "candidate", User.active, Resolution.passed)
        .distinct()
    ).all()
    evidence = evidence_for([u.id for u in candidates], now)
    rows = [(user, assess(evidence[user.id])) for user in candidates]
    return sorted(rows, key=lambda row: (not row[1].eligible, row[0].name))
