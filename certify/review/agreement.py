"""How well assessors agree, and how severe each one is: gathered from submitted reviews in a few queries.

Agreement uses the two independent reviews of a version (roles `first` and `second`): one pair of levels per
criterion. Severity and drift use every submitted review (any role) of a version that has final levels.
Read only: nothing is flushed or committed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from certify.auth.models import User, UserRole
from certify.core.psychometrics import AgreementSummary, Pair, drift, level_deviations, severity, summarise_agreement
from certify.extensions import db
from certify.review.models import Allocation, CalibrationAttempt
from certify.review.ratings import SubmittedReview, rating_levels, submitted_reviews
from certify.review.services import get_rubric

REVIEWER_ROLES = ("assessor", "adjudicator")  # user roles whose holders are listed even before they review
DRIFT_DAYS = 30  # drift is reported in levels per this many days


@dataclass(frozen=True)
class CriterionAgreement:
    code: str
    title: str
    agreement: AgreementSummary


@dataclass(frozen=True)
class PairAgreement:
    """Two assessors who double-marked the same versions; levels are paired lower id first."""

    first_id: int
    first_name: str
    second_id: int
    second_name: str
    versions: int
    agreement: AgreementSummary


@dataclass(frozen=True)
class AssessorProfile:
    id: int
    name: str
    active: bool
    holds_role: bool  # currently holds the assessor (or adjudicator) role
    reviews: int  # submitted reviews, any role
    resolved_reviews: int  # those on versions with final levels: the basis of severity and drift
    severity: float | None  # mean of (own level - final level) over criteria: negative = severe, positive = lenient
    drift_per_30_days: float | None  # least-squares slope of each review's mean deviation, levels per 30 days
    calibrated: bool  # passed calibration at least once (the rule allocation uses)
    latest_calibration_share: float | None
    latest_calibration_at: datetime | None
    calibration_attempts: int
    open_allocations: int  # allocated and not yet submitted: the current load


@dataclass(frozen=True)
class AgreementReport:
    double_marked: int  # versions with both independent reviews submitted
    overall: AgreementSummary
    criteria: list[CriterionAgreement]
    pairs: list[PairAgreement]
    assessors: list[AssessorProfile]

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values: stable keys, numbers rounded to 3 decimals, None where undefined."""
        return {
            "double_marked_versions": self.double_marked,
            "overall": _summary_dict(self.overall),
            "criteria": [{"code": c.code, "title": c.title, **_summary_dict(c.agreement)} for c in self.criteria],
            "pairs": [
                {
                    "assessors": [{"id": p.first_id, "name": p.first_name}, {"id": p.second_id, "name": p.second_name}],
                    "versions": p.versions,
                    **_summary_dict(p.agreement),
                }
                for p in self.pairs
            ],
            "assessors": [_assessor_dict(a) for a in self.assessors],
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3) + 0.0  # + 0.0 turns -0.0 into 0.0


def _summary_dict(summary: AgreementSummary) -> dict[str, Any]:
    return {
        "n": summary.n,
        "exact": _rounded(summary.exact),
        "adjacent": _rounded(summary.adjacent),
        "qwk": _rounded(summary.qwk),
        "band": summary.band,
        "tentative": summary.tentative,
    }


def _assessor_dict(assessor: AssessorProfile) -> dict[str, Any]:
    values = asdict(assessor)
    for key in ("severity", "drift_per_30_days", "latest_calibration_share"):
        values[key] = _rounded(values[key])
    when = assessor.latest_calibration_at
    values["latest_calibration_at"] = when.isoformat() if when else None
    return values


def _agreement(
    reviews: list[SubmittedReview], codes: list[str]
) -> tuple[int, list[Pair], dict[str, list[Pair]], dict[tuple[int, int], tuple[int, list[Pair]]]]:
    """Pairs of levels from the independent reviews: overall, per criterion, per (unordered) assessor pair."""
    by_version: dict[int, dict[str, SubmittedReview]] = defaultdict(dict)
    for review in reviews:
        if review.role in ("first", "second"):
            by_version[review.version_id][review.role] = review
    overall: list[Pair] = []
    per_criterion: dict[str, list[Pair]] = {code: [] for code in codes}
    per_pair: dict[tuple[int, int], tuple[int, list[Pair]]] = {}
    double_marked = 0
    for roles in by_version.values():
        if "first" not in roles or "second" not in roles:
            continue
        double_marked += 1
        first, second = roles["first"], roles["second"]
        swap = first.assessor_id > second.assessor_id
        key = (second.assessor_id, first.assessor_id) if swap else (first.assessor_id, second.assessor_id)
        versions, pair_levels = per_pair.get(key, (0, []))
        for code in codes:
            if code in first.levels and code in second.levels:
                pair = (first.levels[code], second.levels[code])
                overall.append(pair)
                per_criterion[code].append(pair)
                pair_levels.append((pair[1], pair[0]) if swap else pair)
        per_pair[key] = (versions + 1, pair_levels)
    return double_marked, overall, per_criterion, per_pair


def _severity_and_drift(reviews: list[SubmittedReview]) -> dict[int, tuple[int, float | None, float | None]]:
    """Per assessor: resolved reviews, severity, and drift in levels per DRIFT_DAYS."""
    deviations: dict[int, list[float]] = defaultdict(list)
    series: dict[int, list[tuple[datetime, float]]] = defaultdict(list)
    for review in reviews:
        if review.final_levels is None:
            continue
        own = level_deviations(review.levels, review.final_levels)
        if own:
            deviations[review.assessor_id].extend(own)
            series[review.assessor_id].append((review.submitted_at, sum(own) / len(own)))
    result = {}
    for assessor_id, points in series.items():
        start = points[0][0]
        slope = drift([((when - start).total_seconds() / 86400, mean) for when, mean in points])
        result[assessor_id] = (
            len(points),
            severity(deviations[assessor_id]),
            None if slope is None else slope * DRIFT_DAYS,
        )
    return result


def rater_report(candidates: Any = None) -> AgreementReport:
    """Agreement between assessors and each assessor's severity, drift, calibration and load.

    `candidates` (a subquery of user ids, from the report filters) limits it to reviews of their portfolios.
    """
    rubric = get_rubric()
    categories = rating_levels(rubric)
    titles = {c.code: c.title for c in rubric.criteria} if rubric else {}
    reviews = submitted_reviews(categories, candidates)
    seen = {code for review in reviews for code in review.levels}
    codes = list(titles) + sorted(seen - titles.keys())  # criteria since removed from the rubric come last
    double_marked, overall, per_criterion, per_pair = _agreement(reviews, codes)
    criteria = [
        CriterionAgreement(code, titles.get(code, code), summarise_agreement(per_criterion[code], categories))
        for code in codes
        if per_criterion[code] or code in titles
    ]

    role_holders = set(db.session.scalars(select(UserRole.user_id).where(UserRole.role.in_(REVIEWER_ROLES))))
    people = {
        user_id: (name, active)
        for user_id, name, active in db.session.execute(
            select(User.id, User.name, User.active).where(
                or_(
                    User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(REVIEWER_ROLES))),
                    User.id.in_(select(Allocation.assessor_id)),
                )
            )
        ).all()
    }
    load = dict(
        db.session.execute(
            select(Allocation.assessor_id, func.count())
            .where(Allocation.status == "allocated")
            .group_by(Allocation.assessor_id)
        )
        .tuples()
        .all()
    )
    calibrations: dict[int, list[tuple[float, bool, datetime]]] = defaultdict(list)
    for assessor_id, share, calibrated, when in db.session.execute(
        select(
            CalibrationAttempt.assessor_id,
            CalibrationAttempt.share,
            CalibrationAttempt.calibrated,
            CalibrationAttempt.submitted_at,
        ).order_by(CalibrationAttempt.submitted_at, CalibrationAttempt.id)
    ).all():
        calibrations[assessor_id].append((share, calibrated, when))

    def name(user_id: int) -> str:
        return str(people.get(user_id, (f"User {user_id}", False))[0])

    pairs = sorted(
        (
            PairAgreement(a, name(a), b, name(b), versions, summarise_agreement(levels, categories))
            for (a, b), (versions, levels) in per_pair.items()
        ),
        key=lambda p: (p.first_name.casefold(), p.second_name.casefold(), p.first_id, p.second_id),
    )
    reviewed: dict[int, int] = defaultdict(int)
    for review in reviews:
        reviewed[review.assessor_id] += 1
    marking = _severity_and_drift(reviews)
    assessors = []
    for user_id, (person, active) in people.items():
        attempts = calibrations.get(user_id, [])
        latest = attempts[-1] if attempts else None
        resolved, severe, moving = marking.get(user_id, (0, None, None))
        assessors.append(
            AssessorProfile(
                id=user_id,
                name=person,
                active=bool(active),
                holds_role=user_id in role_holders,
                reviews=reviewed[user_id],
                resolved_reviews=resolved,
                severity=severe,
                drift_per_30_days=moving,
                calibrated=any(calibrated for _, calibrated, _ in attempts),
                latest_calibration_share=latest[0] if latest else None,
                latest_calibration_at=latest[2] if latest else None,
                calibration_attempts=len(attempts),
                open_allocations=load.get(user_id, 0),
            )
        )
    assessors.sort(key=lambda a: (a.name.casefold(), a.id))
    return AgreementReport(double_marked, summarise_agreement(overall, categories), criteria, pairs, assessors)
