"""Gathering each candidate's evidence for certification, in a few queries for any number of candidates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment
from certify.auth.models import User, UserRole
from certify.certificates.models import Certificate
from certify.core.eligibility import Eligibility, Evidence, ExamEvidence, PortfolioEvidence, Revocation, assess
from certify.course.models import CourseCompletion
from certify.extensions import db
from certify.params import whole_number
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
        select(
            Portfolio.candidate_id,
            PortfolioVersion.number,
            Resolution.passed,
            Resolution.decided_at,
            PortfolioVersion.id,
        )
        .join(PortfolioVersion, PortfolioVersion.portfolio_id == Portfolio.id)
        .join(Resolution, Resolution.version_id == PortfolioVersion.id)
        .where(Portfolio.candidate_id.in_(ids))
        .order_by(PortfolioVersion.number)
    ).all()
    for candidate_id, number, passed, decided_at, version_id in decided:
        portfolios[candidate_id] = PortfolioEvidence(number, passed, decided_at, version_id)  # the latest wins
    active = dict(
        db.session.execute(
            select(Certificate.holder_id, Certificate.serial).where(
                Certificate.holder_id.in_(ids), Certificate.status != "revoked", Certificate.expires_at > now
            )
        ).all()
    )
    revocations: dict[int, list[Revocation]] = defaultdict(list)
    revoker = aliased(User)
    for holder_id, serial, changed_at, issued_at, reason, by in db.session.execute(
        select(
            Certificate.holder_id,
            Certificate.serial,
            Certificate.status_changed_at,
            Certificate.issued_at,
            Certificate.status_reason,
            revoker.name,
        )
        .outerjoin(revoker, revoker.id == Certificate.status_changed_by_id)
        .where(Certificate.holder_id.in_(ids), Certificate.status == "revoked")
    ):
        revocations[holder_id].append(Revocation(serial, changed_at or issued_at, reason, by))
    return {
        uid: Evidence(
            courses.get(uid),
            tuple(exams.get(uid, ())),
            portfolios.get(uid),
            active.get(uid),
            tuple(revocations.get(uid, ())),
        )
        for uid in ids
    }


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


@dataclass(frozen=True)
class ExamRecord:
    """A scored certification exam attempt, as an admin sees it when it is cited as evidence."""

    attempt_id: int
    holder: User
    title: str
    number: int
    scored_at: datetime
    percent: float
    cut_percent: float
    passed: bool
    competencies: tuple[dict[str, Any], ...]

    def summary(self) -> str:
        outcome = "passed" if self.passed else "not passed"
        return (
            f"{self.title}, attempt {self.number}, scored {self.scored_at:%d %B %Y}: {self.percent:.1f} % "
            f"(cut score {self.cut_percent:.1f} %), {outcome}"
        )


def exam_record(attempt_id: int) -> ExamRecord | None:
    row = db.session.execute(
        select(Attempt, AttemptScore, Assessment, User)
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .join(Assessment, Assessment.id == Attempt.assessment_id)
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.id == attempt_id)
    ).first()
    if row is None:
        return None
    attempt, score, assessment, holder = row
    return ExamRecord(
        attempt.id,
        holder,
        assessment.title,
        attempt.number,
        score.scored_at,
        score.percent,
        score.cut_percent,
        score.passed,
        tuple(score.competencies or ()),
    )


@dataclass(frozen=True)
class EvidenceLine:
    """One line of a certificate's evidence; `linked` is the text of a link to `endpoint` (with `values`)."""

    text: str
    linked: str = ""
    endpoint: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def evidence_lines(certificate: Certificate) -> list[EvidenceLine]:
    """What a certificate was issued on, line by line, with links to what the stored ids stand for.

    The exam attempt id becomes the exam with its date and score, the portfolio version id a link to that
    version, a renewal's predecessor a link to it.
    """
    evidence = dict(certificate.evidence or {})
    attempt_id = whole_number(evidence.pop("exam_attempt", None), 0)
    version_id = whole_number(evidence.pop("portfolio_version", None), 0)
    lines = []
    for name, detail in evidence.items():
        record = exam_record(attempt_id) if name == "exam" and attempt_id else None
        if record is not None:
            lines.append(
                EvidenceLine(
                    str(detail), record.summary(), "certificates_admin.certificate_exam", {"attempt_id": attempt_id}
                )
            )
        elif name == "portfolio" and version_id:
            lines.append(
                EvidenceLine(str(detail), "the portfolio version", "review_admin.portfolio", {"version_id": version_id})
            )
        elif name == "renewal_of":
            lines.append(
                EvidenceLine("Renewal of", str(detail), "certificates_admin.certificate", {"serial": str(detail)})
            )
        else:
            lines.append(EvidenceLine(str(detail)))
    return lines
