"""The entry point: `simulate(N)` runs the stages in order and sums up what they did."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import delete, func, select

from certify.assessments import services as bank_service
from certify.auth.models import User, UserRole
from certify.database import utcnow
from certify.demo.simulation.certificates import issue_certificates
from certify.demo.simulation.common import SIM_DOMAIN, Tally, days
from certify.demo.simulation.course import take_course
from certify.demo.simulation.exams import sit_exams
from certify.demo.simulation.outcomes import record_outcomes
from certify.demo.simulation.people import COHORTS, create_accounts, create_people
from certify.demo.simulation.portfolios import Reviews, calibrate, only_simulated_reviewers
from certify.extensions import db
from certify.outbox.models import OutboxMessage
from certify.reports import calibration
from certify.reports.items import snapshot

MAX_CANDIDATES = 5000


def simulated_candidates() -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.email.like(f"%@{SIM_DOMAIN}"), UserRole.role == "candidate")
        )
        or 0
    )


def simulate(total: int, now: datetime | None = None) -> list[str]:
    """Add `total` simulated candidates and their history (once: nothing is added if some exist already)."""
    if not 1 <= total <= MAX_CANDIDATES:
        raise ValueError(f"simulate between 1 and {MAX_CANDIDATES} candidates, not {total}")
    existing = simulated_candidates()
    if existing:
        return [f"simulated cohort: {existing} candidates @{SIM_DOMAIN} already exist; nothing added"]
    started = time.perf_counter()
    now = (now or utcnow()).replace(microsecond=0)
    tally = Tally(candidates=total, cohorts=len(COHORTS))
    people = create_people(total, now)
    staff = create_accounts(people)
    take_course(people, now, tally)
    sit_exams(people, now, tally)
    reviews = Reviews(people, staff, now, tally)
    if reviews.events:
        calibrate(staff, min(reviews.events)[0] - days(30))
        with only_simulated_reviewers():
            reviews.run()
    issue_certificates(people, reviews.decisions, now, tally)
    outcomes = record_outcomes(people, now)
    calibrated = calibrate_exams()
    # Simulated people have no mailbox: drop the mail the services queued for them.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient.like(f"%@{SIM_DOMAIN}")))
    db.session.flush()
    return [
        _summary(tally, time.perf_counter() - started),
        *outcomes,
        *calibrated,
        *(f"  not done: {line}" for line in tally.skipped),
    ]


def calibrate_exams() -> list[str]:
    """What the nightly `flask analysis refresh` would do next: calibrate each exam and place its cut on the scale.

    The simulated results were decided as they came, on the raw cut (no calibration existed yet); results
    from now on are decided on each form's equated pass mark, and the equating page previews re-deciding
    the earlier ones.
    """
    lines = []
    for assessment in bank_service.assessments():
        try:
            stored, equated = calibration.run(assessment)
        except calibration.CalibrationError as exc:
            lines.append(f"  {assessment.slug}: not calibrated ({exc})")
            continue
        snapshot(assessment, refresh=True)
        placed = "; forms equated" if equated.rules else f"; forms not equated: {equated.reason}"
        lines.append(
            f"  {assessment.slug}: {stored.model} calibration from {stored.attempts_used} first attempts"
            f"{'' if stored.converged else ' (did not converge)'}{placed}"
        )
    return lines


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def _summary(tally: Tally, seconds: float) -> str:
    return (
        f"simulated {tally.candidates} candidates @{SIM_DOMAIN} in {tally.cohorts} cohorts: "
        f"{tally.diagnostics} diagnostics, {tally.course_completed} completed the course, "
        f"{tally.exam_attempts} exam attempts by {tally.exam_candidates} candidates "
        f"(first-attempt pass {_share(tally.first_passed, tally.exam_candidates)}, "
        f"passed in the end {_share(tally.passed, tally.exam_candidates)}), "
        f"{tally.portfolio_versions} portfolio versions ({tally.reviews} reviews, {tally.adjudicated} adjudicated; "
        f"{tally.portfolios_passed} passed, {tally.portfolios_failed} not yet), "
        f"{tally.certificates} certificates ({tally.expiring} expiring within 90 days, {tally.renewed} renewed) "
        f"in {seconds:.1f} s"
    )
