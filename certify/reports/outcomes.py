"""Outcome dashboards: who gets how far towards certification, what they master and how much they gain.

The population is every account holding the candidate role, optionally narrowed to one cohort and to
a range of registration dates (inclusive, whole UTC days). Everything is gathered in a handful of
queries over that population; the arithmetic lives in `certify.core.outcomes`, and the learning gain
(how pre-tests and exams are paired, the pre-test's reliability, retakes) in `outcome_gain`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, load_only

from certify.assessments import services as bank_service
from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment
from certify.auth.models import User, UserRole
from certify.certificates.models import Certificate
from certify.core.outcomes import FunnelStep, MasteryCell, funnel, mastery_cell, share
from certify.course.models import CourseCompletion
from certify.extensions import db
from certify.params import whole_number
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.reports.models import Cohort, CohortMember
from certify.reports.outcome_gain import GainReport, Sitting, gain_report
from certify.review.models import Resolution

EXPIRING_DAYS = 90
CANDIDATE_ROWS_LIMIT = 30  # a chosen cohort this small gets one heatmap row per candidate
ALL_CANDIDATES = "All candidates"


class FilterError(ValueError):
    """A report filter that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class OutcomeFilters:
    cohort_id: int | None = None
    cohort_name: str = ""
    registered_from: date | None = None
    registered_to: date | None = None


def _parse_day(text: str, label: str, problems: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{label} “{text[:40]}” is not a date; write it as YYYY-MM-DD, for example 2024-03-31.")
        return None


def read_filters(cohort: str, registered_from: str, registered_to: str) -> OutcomeFilters:
    """Filters from the text of a form; raises FilterError naming every problem."""
    problems: list[str] = []
    cohort_id, cohort_name = None, ""
    if cohort.strip():
        found = db.session.get(Cohort, whole_number(cohort, -1))
        if found is None:
            problems.append(f"There is no cohort “{cohort.strip()[:40]}”; choose one from the list.")
        else:
            cohort_id, cohort_name = found.id, found.name
    start = _parse_day(registered_from.strip(), "Registered from", problems)
    end = _parse_day(registered_to.strip(), "Registered to", problems)
    if start and end and start > end:
        problems.append(f"“Registered from” ({start:%d %b %Y}) is after “Registered to” ({end:%d %b %Y}).")
    if problems:
        raise FilterError(" ".join(problems))
    return OutcomeFilters(cohort_id, cohort_name, start, end)


def candidate_ids(filters: OutcomeFilters) -> Any:
    """A subquery of the user ids the filters select, or None when nothing is filtered (everyone counts)."""
    if filters.cohort_id is None and filters.registered_from is None and filters.registered_to is None:
        return None
    query = select(User.id)
    if filters.cohort_id is not None:
        query = query.where(
            User.id.in_(select(CohortMember.user_id).where(CohortMember.cohort_id == filters.cohort_id))
        )
    if filters.registered_from is not None:
        query = query.where(User.created_at >= datetime.combine(filters.registered_from, time.min, tzinfo=UTC))
    if filters.registered_to is not None:
        query = query.where(
            User.created_at < datetime.combine(filters.registered_to + timedelta(days=1), time.min, tzinfo=UTC)
        )
    return query


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: list[MasteryCell]


@dataclass(frozen=True)
class Heatmap:
    by: str  # "cohort" or "candidate"
    competencies: list[tuple[str, str]]  # (code, title)
    rows: list[HeatRow]


@dataclass(frozen=True)
class FirstAttempts:
    n: int
    passed: int
    rate: float | None


@dataclass(frozen=True)
class CertificateCounts:
    issued: int = 0
    active: int = 0
    expiring: int = 0  # active and expiring within EXPIRING_DAYS
    renewed: int = 0  # replaced by a successor
    suspended: int = 0
    revoked: int = 0
    expired: int = 0


@dataclass(frozen=True)
class OutcomeReport:
    filters: OutcomeFilters
    generated_at: datetime
    candidates: int
    funnel: list[FunnelStep]
    heatmap: Heatmap
    gain: GainReport  # learning gain (first pre-test to first exam), pre-test alpha, retake change
    first_attempts: FirstAttempts
    certificates: CertificateCounts
    notes: list[str] = field(default_factory=list)


def population(filters: OutcomeFilters) -> Select[Any]:
    """The ids of the candidates a report covers, as a subquery-ready select."""
    query = select(User.id).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "candidate")
    if filters.cohort_id is not None:
        members = select(CohortMember.user_id).where(CohortMember.cohort_id == filters.cohort_id)
        query = query.where(User.id.in_(members))
    if filters.registered_from:
        query = query.where(User.created_at >= datetime.combine(filters.registered_from, time(), UTC))
    if filters.registered_to:
        end = datetime.combine(filters.registered_to + timedelta(days=1), time(), UTC)
        query = query.where(User.created_at < end)
    return query


def _competency_percent(entry: dict[str, Any]) -> float:
    return float(entry.get("percent", entry.get("score", 0.0)))


def outcome_report(filters: OutcomeFilters, now: datetime) -> OutcomeReport:
    """Every section of the outcome dashboard for the filtered population."""
    ids = population(filters)
    people = db.session.execute(
        select(User.id, User.name, User.created_at).where(User.id.in_(ids)).order_by(User.name, User.id)
    ).all()
    courses = dict(
        db.session.execute(
            select(CourseCompletion.user_id, CourseCompletion.completed_at).where(CourseCompletion.user_id.in_(ids))
        ).all()
    )
    first_exam: dict[int, Any] = {}  # first scored certification attempt
    latest_exam: dict[int, Any] = {}
    first_diagnostic: dict[int, Sitting] = {}
    exam_sittings: dict[int, list[Sitting]] = defaultdict(list)  # oldest first
    exam_passed: dict[int, datetime] = {}
    attempts = db.session.execute(
        select(Attempt.user_id, Attempt.assessment_id, Attempt.started_at, Assessment.kind, AttemptScore)
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .join(Assessment, Assessment.id == Attempt.assessment_id)
        .where(Attempt.user_id.in_(ids), Assessment.kind.in_(("certification", "diagnostic")))
        .order_by(Attempt.started_at, Attempt.id)
    ).all()
    for user_id, assessment_id, started_at, kind, score in attempts:
        sitting = Sitting(
            assessment_id,
            started_at,
            score.scored_at,
            float(score.percent),
            {code: percent for code, (percent, _) in _results(score).items()},
        )
        if kind == "diagnostic":
            first_diagnostic.setdefault(user_id, sitting)
            continue
        first_exam.setdefault(user_id, score)
        latest_exam[user_id] = score
        exam_sittings[user_id].append(sitting)
        if score.passed and (user_id not in exam_passed or score.scored_at < exam_passed[user_id]):
            exam_passed[user_id] = score.scored_at
    portfolio_passed: dict[int, datetime] = {}
    for candidate_id, decided_at in db.session.execute(
        select(Portfolio.candidate_id, Resolution.decided_at)
        .join(PortfolioVersion, PortfolioVersion.portfolio_id == Portfolio.id)
        .join(Resolution, Resolution.version_id == PortfolioVersion.id)
        .where(Portfolio.candidate_id.in_(ids), Resolution.passed)
    ).all():
        if candidate_id not in portfolio_passed or decided_at < portfolio_passed[candidate_id]:
            portfolio_passed[candidate_id] = decided_at
    certificates = _certificates(ids)
    certified: dict[int, datetime] = {}
    for cert, _ in certificates:
        if cert.holder_id not in certified or cert.issued_at < certified[cert.holder_id]:
            certified[cert.holder_id] = cert.issued_at

    journeys = [
        (created, courses.get(uid), exam_passed.get(uid), portfolio_passed.get(uid), certified.get(uid))
        for uid, _, created in people
    ]
    competencies = [(c.code, c.title) for c in bank_service.competencies()]
    firsts = [score.passed for score in first_exam.values()]
    return OutcomeReport(
        filters=filters,
        generated_at=now,
        candidates=len(people),
        funnel=funnel(journeys),
        heatmap=_heatmap(filters, people, latest_exam, competencies, ids),
        gain=gain_report(first_diagnostic, exam_sittings, competencies),
        first_attempts=FirstAttempts(len(firsts), sum(firsts), share(sum(firsts), len(firsts))),
        certificates=_count_certificates(certificates, now),
    )


def _certificates(ids: Select[Any]) -> list[tuple[Certificate, bool]]:
    successor = aliased(Certificate)
    renewed = select(successor.id).where(successor.predecessor_id == Certificate.id).exists()
    rows = db.session.execute(
        select(Certificate, renewed)
        .options(
            load_only(
                Certificate.id, Certificate.holder_id, Certificate.issued_at, Certificate.expires_at, Certificate.status
            )
        )
        .where(Certificate.holder_id.in_(ids))
    ).all()
    return [(cert, bool(has_successor)) for cert, has_successor in rows]


def _count_certificates(rows: list[tuple[Certificate, bool]], now: datetime) -> CertificateCounts:
    counts: dict[str, int] = defaultdict(int)
    soon = now + timedelta(days=EXPIRING_DAYS)
    for cert, has_successor in rows:
        state = cert.state(now)
        counts[state] += 1
        counts["renewed"] += has_successor
        counts["expiring"] += state == "active" and cert.expires_at <= soon
    return CertificateCounts(
        issued=len(rows),
        active=counts["active"],
        expiring=counts["expiring"],
        renewed=counts["renewed"],
        suspended=counts["suspended"],
        revoked=counts["revoked"],
        expired=counts["expired"],
    )


def _results(score: Any) -> dict[str, tuple[float, bool]]:
    return {str(c.get("code")): (_competency_percent(c), bool(c.get("met"))) for c in score.competencies}


def _heatmap(
    filters: OutcomeFilters,
    people: Any,
    latest_exam: dict[int, Any],
    competencies: list[tuple[str, str]],
    ids: Select[Any],
) -> Heatmap:
    """Mastery share per competency, from each candidate's latest scored certification attempt."""
    latest = {uid: _results(score) for uid, score in latest_exam.items()}

    def row(label: str, members: list[int]) -> HeatRow:
        cells = [
            mastery_cell([latest[uid][code] for uid in members if uid in latest and code in latest[uid]])
            for code, _ in competencies
        ]
        return HeatRow(label, cells)

    if filters.cohort_id is not None:
        if len(people) <= CANDIDATE_ROWS_LIMIT:
            return Heatmap("candidate", competencies, [row(name, [uid]) for uid, name, _ in people])
        return Heatmap("cohort", competencies, [row(filters.cohort_name, [uid for uid, _, _ in people])])
    groups: dict[str, list[int]] = defaultdict(list)
    for name, user_id in db.session.execute(
        select(Cohort.name, CohortMember.user_id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id.in_(ids))
        .order_by(Cohort.name)
    ).all():
        groups[name].append(user_id)
    rows = [row(ALL_CANDIDATES, [uid for uid, _, _ in people])]
    rows += [row(name, members) for name, members in groups.items()]
    return Heatmap("cohort", competencies, rows)
