"""Who may be certified, and the rules of a certificate's life: serials, expiry, renewal, reminders.

A candidate is eligible when the MID course is complete, a certification exam
attempt passed (the cut score and every competency's mastery threshold), their
latest decided portfolio passed, they do not already hold an active
certificate, and no revocation bars the evidence: a certificate revoked (for
misconduct, say) cannot be reissued on the evidence that preceded the
revocation. A new decision needs an exam pass and a portfolio decision dated
after it, or an admin's explicit override with a reason. The deciding admin
must not have assessed the candidate.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

SERIAL_PREFIX = "MID"
REMINDER_DAYS = (90, 30, 7)


@dataclass(frozen=True)
class ExamEvidence:
    attempt_id: int
    passed: bool
    percent: float
    cut_percent: float
    unmet_competencies: tuple[str, ...]
    scored_at: datetime


@dataclass(frozen=True)
class PortfolioEvidence:
    version_number: int
    passed: bool
    decided_at: datetime
    version_id: int | None = None


@dataclass(frozen=True)
class Revocation:
    """A certificate of the candidate's that was revoked: when, why and by whom (None: not recorded)."""

    serial: str
    revoked_at: datetime
    reason: str
    revoked_by: str | None = None


@dataclass(frozen=True)
class Evidence:
    course_completed_at: datetime | None
    exams: tuple[ExamEvidence, ...]
    portfolio: PortfolioEvidence | None  # the latest decided version
    active_certificate: str | None  # its serial
    revocations: tuple[Revocation, ...] = ()


@dataclass(frozen=True)
class Check:
    name: str
    met: bool
    detail: str


REVOCATION_CHECK = "revocation"


@dataclass(frozen=True)
class Eligibility:
    checks: tuple[Check, ...]
    exam: ExamEvidence | None
    revocations: tuple[Revocation, ...] = ()

    @property
    def eligible(self) -> bool:
        return all(check.met for check in self.checks)

    @property
    def barred_only_by_revocation(self) -> bool:
        """Every check met but the revocation bar: the one case an admin may override, with a reason."""
        unmet = [check.name for check in self.checks if not check.met]
        return unmet == [REVOCATION_CHECK]

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(check.detail for check in self.checks if not check.met)


def best_exam(exams: Iterable[ExamEvidence]) -> ExamEvidence | None:
    """The most recent fully passed attempt (cut score and every competency), else None."""
    passing = [e for e in exams if e.passed and not e.unmet_competencies]
    return max(passing, key=lambda e: e.scored_at, default=None)


def barring_revocation(
    revocations: Iterable[Revocation], exam: ExamEvidence | None, portfolio: PortfolioEvidence | None
) -> Revocation | None:
    """The revocation that bars a new certificate on this evidence, or None.

    A revocation bars reissue on the evidence that preceded it: only an exam pass and a portfolio decision
    both dated after the latest revocation support a new decision.
    """
    latest = max(revocations, key=lambda r: r.revoked_at, default=None)
    if latest is None:
        return None
    fresh_exam = exam is not None and exam.scored_at > latest.revoked_at
    fresh_portfolio = portfolio is not None and portfolio.decided_at > latest.revoked_at
    return None if fresh_exam and fresh_portfolio else latest


def _revocation_check(evidence: Evidence, exam: ExamEvidence | None) -> Check:
    bar = barring_revocation(evidence.revocations, exam, evidence.portfolio)
    if bar is not None:
        return Check(
            REVOCATION_CHECK,
            False,
            f"Certificate {bar.serial} was revoked on {bar.revoked_at:%d %B %Y}; the evidence predates the "
            "revocation. A new decision needs an exam pass and a portfolio decision dated after it.",
        )
    if evidence.revocations:
        latest = max(evidence.revocations, key=lambda r: r.revoked_at)
        return Check(
            REVOCATION_CHECK,
            True,
            f"Exam pass and portfolio decision are dated after the revocation of {latest.serial} "
            f"on {latest.revoked_at:%d %B %Y}.",
        )
    return Check(REVOCATION_CHECK, True, "No revoked certificate.")


def assess(evidence: Evidence) -> Eligibility:
    exam = best_exam(evidence.exams)
    course = evidence.course_completed_at
    portfolio = evidence.portfolio
    checks = (
        Check(
            "course",
            course is not None,
            f"Course completed on {course:%d %B %Y}." if course else "The MID course is not complete.",
        ),
        Check(
            "exam",
            exam is not None,
            f"Certification exam passed with {exam.percent:.1f} % (cut score {exam.cut_percent:.1f} %) and every "
            "competency at mastery."
            if exam
            else "No certification exam attempt has passed the cut score with every competency at mastery.",
        ),
        Check(
            "portfolio",
            portfolio is not None and portfolio.passed,
            f"Portfolio version {portfolio.version_number} passed on {portfolio.decided_at:%d %B %Y}."
            if portfolio and portfolio.passed
            else (
                f"Portfolio version {portfolio.version_number} did not pass."
                if portfolio
                else "No portfolio has been decided yet."
            ),
        ),
        Check(
            "not_certified",
            evidence.active_certificate is None,
            "No active certificate."
            if evidence.active_certificate is None
            else f"Already holds the active certificate {evidence.active_certificate}.",
        ),
        _revocation_check(evidence, exam),
    )
    return Eligibility(checks, exam, tuple(sorted(evidence.revocations, key=lambda r: r.revoked_at)))


def assessed_the_candidate(candidate_id: int, decider_assessed: Collection[int]) -> bool:
    """ISO/IEC 17024: whoever decides certification must not have assessed the candidate.

    `decider_assessed` holds every candidate the decider was allocated or declared a conflict with.
    """
    return candidate_id in decider_assessed


def serial(year: int, number: int) -> str:
    if not 1 <= number <= 999_999:
        raise ValueError("serial numbers run from 1 to 999999 each year")
    return f"{SERIAL_PREFIX}-{year}-{number:06d}"


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    year = day.year + years
    last = calendar.monthrange(year, day.month)[1]
    return day.replace(year=year, day=min(day.day, last))


def reminder_due(
    expires_on: date, today: date, sent: Collection[int], days: Sequence[int] = REMINDER_DAYS
) -> int | None:
    """The reminder (days before expiry) to send today: the nearest threshold reached, if not sent yet.

    A missed earlier reminder is never sent late: on the 30-day threshold, only the 30-day one goes out.
    """
    left = (expires_on - today).days
    if left < 0:
        return None
    nearest = min((d for d in days if left <= d), default=None)
    return nearest if nearest is not None and nearest not in sent else None


@dataclass(frozen=True)
class RecertificationRule:
    points: int = 40
    window_years: int = 3


def recertification(
    activities: Iterable[tuple[date, int]],
    today: date,
    rule: RecertificationRule,
    *,
    exam_passed_since: date | None = None,
) -> tuple[bool, str]:
    """Whether a holder may renew: enough development points in the window, or a passed recertification exam."""
    start = add_years(today, -rule.window_years)
    points = sum(p for day, p in activities if start <= day <= today)
    if exam_passed_since is not None:
        return True, f"Recertification exam passed on {exam_passed_since:%d %B %Y}."
    if points >= rule.points:
        return True, f"{points} continuing-development points since {start:%d %B %Y} (needed: {rule.points})."
    return False, (
        f"{points} of {rule.points} continuing-development points logged since {start:%d %B %Y}; log "
        f"{rule.points - points} more or pass the recertification exam."
    )


def expired(expires_at: datetime, now: datetime) -> bool:
    return now >= expires_at
