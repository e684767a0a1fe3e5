"""The programme impact report: what became of the outcomes the holders' designs set out to move.

Counted per outcome plan (one per certificate), for the certificates issued in a date range (inclusive, whole
UTC days) to the members of one cohort, or all of them:
* holders: certificates with an outcome plan (the only place certificates are counted: the denominator);
* followed_up: plans with at least one follow-up due by now;
* responded: plans whose holder reported, or whose sponsor responded, at least once;
  non_respondents = followed_up plans with neither (stated, never hidden);
* attested / disputed: plans whose latest sponsor response attests / disputes;
* a plan's outcome: its latest follow-up with an attested sponsor response; its attainment uses the sponsor's
  value only (certify.core.outcome_evidence). The share that moved toward target is over the plans with an
  outcome, with its 95 % Wilson interval; the Level-3 ratings come from the same responses.
Read only: nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certify.auth.models import User
from certify.certificates.models import Certificate
from certify.core.outcome_evidence import (
    AttestedCase,
    RatingSummary,
    Share,
    ThemeCount,
    attainment,
    median,
    rating_summaries,
    response_rate,
    theme_rollup,
    wilson_share,
)
from certify.extensions import db
from certify.outcomes import services as outcomes
from certify.outcomes.models import FollowUp, OutcomePlan, SuccessCase
from certify.reports import cohorts as cohort_service

DAY_MAX = date(9999, 12, 30)


class FilterError(ValueError):
    """A report filter that cannot be used; the message names each problem."""


@dataclass(frozen=True)
class ReportFilter:
    cohort: str = ""  # the cohort's name as stored ("" = every holder)
    issued_from: date | None = None
    issued_to: date | None = None

    def describe(self) -> str:
        parts = [f"cohort {self.cohort}" if self.cohort else "all holders"]
        if self.issued_from:
            parts.append(f"issued from {self.issued_from.isoformat()}")
        if self.issued_to:
            parts.append(f"issued up to {self.issued_to.isoformat()}")
        return ", ".join(parts)


def _day(text: str, label: str, problems: list[str]) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        problems.append(f"{label} “{text[:40]}” is not a date; write it as YYYY-MM-DD, for example 2027-06-30.")
        return None
    if day > DAY_MAX:
        problems.append(f"{label} {day.isoformat()} is too far in the future.")
        return None
    return day


def read_filter(cohort: str, issued_from: str, issued_to: str) -> ReportFilter:
    """A filter from typed text (cohort by name, case-insensitively); raises FilterError naming every problem."""
    problems: list[str] = []
    name = " ".join(cohort.split())
    if name:
        found = next((c for c, _n in cohort_service.cohort_list() if c.name.casefold() == name.casefold()), None)
        if found is None:
            problems.append(f"There is no cohort “{name[:40]}”; choose one of the cohorts listed.")
        else:
            name = found.name
    start = _day(issued_from, "“Issued from”", problems)
    end = _day(issued_to, "“Issued to”", problems)
    if start and end and start > end:
        problems.append(f"“Issued from” ({start.isoformat()}) is after “Issued to” ({end.isoformat()}).")
    if problems:
        raise FilterError(" ".join(problems))
    return ReportFilter(name, start, end)


@dataclass(frozen=True)
class PlanOutcome:
    """One plan as the report sees it."""

    plan_id: int
    holder: str
    metric: str
    unit: str
    baseline: float
    target: float
    followed_up: bool
    responded: bool
    latest_decision: str | None  # of the latest sponsor response: attested, disputed, or None
    attested_value: float | None  # the outcome: the latest attested value
    attested_months: int | None
    attainment: float | None

    @property
    def status(self) -> str:
        if not self.followed_up:
            return "not yet due"
        if not self.responded:
            return "no response"
        return self.latest_decision or "awaiting sponsor"


@dataclass(frozen=True)
class CaseRow:
    case: SuccessCase
    outcome: PlanOutcome | None


@dataclass(frozen=True)
class ImpactReport:
    filter: ReportFilter
    generated_at: datetime
    plans: list[PlanOutcome]
    moved: Share
    median_attainment: float | None
    ratings: list[RatingSummary]
    enablers: list[ThemeCount]
    barriers: list[ThemeCount]
    cases: list[CaseRow] = field(default_factory=list)

    def _count(self, test: str) -> int:
        return sum(1 for p in self.plans if getattr(p, test))

    @property
    def holders(self) -> int:
        return len(self.plans)

    @property
    def followed_up(self) -> int:
        return self._count("followed_up")

    @property
    def responded(self) -> int:
        return self._count("responded")

    @property
    def non_respondents(self) -> int:
        return sum(1 for p in self.plans if p.followed_up and not p.responded)

    @property
    def attested(self) -> int:
        return sum(1 for p in self.plans if p.latest_decision == "attested")

    @property
    def disputed(self) -> int:
        return sum(1 for p in self.plans if p.latest_decision == "disputed")

    @property
    def response_rate(self) -> float | None:
        return response_rate(self.responded, self.followed_up)

    def attested_cases(self) -> list[AttestedCase]:
        return [AttestedCase(p.plan_id, p.attainment) for p in self.plans if p.attainment is not None]


def plan_reading(plan: OutcomePlan, holder: str, now: datetime) -> PlanOutcome:
    """The report's reading of one plan (its follow-ups and responses loaded), by the shared definitions of
    a plan's latest response and its outcome (certify.outcomes.services)."""
    followups = list(plan.followups)
    latest = outcomes.latest_response(plan)
    outcome = outcomes.plan_outcome(plan)
    value = outcomes.attested_value(outcome) if outcome is not None else None
    gained = None
    if value is not None and plan.target != plan.baseline:
        gained = attainment(plan.baseline, plan.target, value)
    return PlanOutcome(
        plan_id=plan.id,
        holder=holder,
        metric=plan.metric,
        unit=plan.unit,
        baseline=plan.baseline,
        target=plan.target,
        followed_up=any(f.due_at <= now for f in followups),
        responded=any(f.reported_at is not None or f.response is not None for f in followups),
        latest_decision=latest.decision if latest is not None else None,
        attested_value=value,
        attested_months=outcome.months if outcome is not None else None,
        attainment=gained,
    )


def _plans(chosen: ReportFilter) -> list[tuple[OutcomePlan, str]]:
    query = (
        select(OutcomePlan, User.name)
        .join(Certificate, Certificate.id == OutcomePlan.certificate_id)
        .join(User, User.id == OutcomePlan.holder_id)
        .options(selectinload(OutcomePlan.followups).selectinload(FollowUp.response))
        .order_by(OutcomePlan.id)
    )
    if chosen.issued_from:
        query = query.where(Certificate.issued_at >= datetime.combine(chosen.issued_from, time(), UTC))
    if chosen.issued_to:
        query = query.where(Certificate.issued_at < datetime.combine(chosen.issued_to + timedelta(days=1), time(), UTC))
    if chosen.cohort:
        cohort = next(c for c, _n in cohort_service.cohort_list() if c.name == chosen.cohort)
        query = query.where(OutcomePlan.holder_id.in_([u.id for u in cohort_service.members(cohort)]))
    return [(plan, name) for plan, name in db.session.execute(query).tuples()]


def impact_report(chosen: ReportFilter, now: datetime) -> ImpactReport:
    """The programme impact report for the filter, as of `now`."""
    rows = _plans(chosen)
    plans = [plan_reading(plan, name, now) for plan, name in rows]
    with_outcome = [p for p in plans if p.attainment is not None]
    moved = wilson_share(sum(1 for p in with_outcome if p.attainment and p.attainment > 0), len(with_outcome))
    rated = []
    for plan, _name in rows:
        outcome = outcomes.plan_outcome(plan)
        if outcome is not None and outcome.response is not None:
            rated.append((list(plan.objectives or []), dict(outcome.response.behaviour_ratings or {})))
    by_plan = {p.plan_id: p for p in plans}
    cases = list(
        db.session.scalars(
            select(SuccessCase)
            .where(SuccessCase.plan_id.in_(list(by_plan)))
            .order_by(SuccessCase.kind.desc(), SuccessCase.id)
        )
    )
    interviewed = [c for c in cases if c.interviewed_at is not None]
    return ImpactReport(
        filter=chosen,
        generated_at=now,
        plans=plans,
        moved=moved,
        median_attainment=median(p.attainment for p in with_outcome if p.attainment is not None),
        ratings=rating_summaries(rated),
        enablers=theme_rollup(c.enablers or [] for c in interviewed),
        barriers=theme_rollup(c.barriers or [] for c in interviewed),
        cases=[CaseRow(c, by_plan.get(c.plan_id)) for c in cases],
    )


def _rounded(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def report_json(report: ImpactReport) -> dict[str, object]:
    """The `flask outcomes report --json` contract (fields are only ever added)."""
    moved = report.moved
    kinds = [row.case.kind for row in report.cases]
    return {
        "holders": report.holders,
        "followed_up": report.followed_up,
        "responded": report.responded,
        "attested": report.attested,
        "disputed": report.disputed,
        "moved_toward_target": {
            "share": _rounded(moved.share),
            "ci_low": _rounded(moved.low),
            "ci_high": _rounded(moved.high),
            "count": moved.count,
            "n": moved.n,
            "confidence": moved.confidence,
            "method": "wilson",
        },
        "median_attainment": _rounded(report.median_attainment),
        "success_cases": len(report.cases),
        # added beside the contract's fields
        "non_respondents": report.non_respondents,
        "response_rate": _rounded(report.response_rate),
        "success_cases_by_kind": {
            "success": kinds.count("success"),
            "non_success": kinds.count("non_success"),
            "interviewed": sum(1 for row in report.cases if row.case.interviewed_at is not None),
        },
        "level3_ratings": [{"objective": r.objective, "mean": round(r.mean, 4), "n": r.n} for r in report.ratings],
        "enablers": [{"theme": t.theme, "cases": t.cases} for t in report.enablers],
        "barriers": [{"theme": t.theme, "cases": t.cases} for t in report.barriers],
        "filter": {
            "cohort": report.filter.cohort or None,
            "issued_from": report.filter.issued_from.isoformat() if report.filter.issued_from else None,
            "issued_to": report.filter.issued_to.isoformat() if report.filter.issued_to else None,
        },
        "generated_at": report.generated_at.isoformat(),
    }
