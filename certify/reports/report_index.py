"""What the reports index shows of each assessment: its latest analysis and the state of its IRT calibration.

Read only: nothing is computed or calibrated here (`flask analysis refresh` and `calibrate` do that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from certify.assessments.models import Assessment
from certify.extensions import db
from certify.reports.attempt_sets import chosen_attempt_ids
from certify.reports.calibration import latest
from certify.reports.items import configured_thresholds, flag_codes, state
from certify.reports.models import AnalysisSnapshot


@dataclass(frozen=True)
class CalibrationState:
    """The latest stored calibration of an assessment, or none (`computed_at` None).

    `min_attempts` is the analysis minimum (ANALYSIS_MIN_ATTEMPTS, 30 by default): below it the calibration's
    figures, like reliability and decision consistency, swing too much to be read.
    """

    scored_attempts: int  # scored attempts of the assessment now
    first_attempts: int  # of which candidates' first scored attempts (what a calibration reads by default)
    min_attempts: int
    model: str | None = None
    computed_at: datetime | None = None
    attempts_used: int = 0
    first_attempts_only: bool = True
    converged: bool = False
    newer_attempts: bool = False  # attempts were scored after it was made

    @property
    def calibrated(self) -> bool:
        return self.computed_at is not None

    @property
    def attempts_short(self) -> int:
        """How many more first attempts are needed before a calibration can be read (0: enough)."""
        return max(0, self.min_attempts - self.first_attempts)


@dataclass(frozen=True)
class AssessmentReports:
    assessment: Assessment
    snapshot: AnalysisSnapshot | None
    calibration: CalibrationState

    @property
    def test(self) -> dict[str, Any]:
        return dict(self.snapshot.payload.get("test", {})) if self.snapshot else {}

    @property
    def decision(self) -> dict[str, Any] | None:
        """The analysis's decision-quality block (None until the assessment is calibrated and analysed)."""
        found = self.test.get("decision")
        return found if isinstance(found, dict) else None

    @property
    def flagged_items(self) -> int | None:
        """Item versions with at least one flag, leaving out those on too few attempts to be judged."""
        if self.snapshot is None:
            return None
        items = self.snapshot.payload.get("items", [])
        return sum(1 for item in items if item.get("interpretable") is not False and flag_codes(item))


def calibration_state(assessment: Assessment) -> CalibrationState:
    count, scored_at = state(assessment)
    firsts = chosen_attempt_ids(assessment).subquery()
    first = int(db.session.scalar(select(func.count()).select_from(firsts)) or 0)
    minimum = configured_thresholds().min_attempts
    stored = latest(assessment)
    if stored is None:
        return CalibrationState(scored_attempts=count, first_attempts=first, min_attempts=minimum)
    return CalibrationState(
        scored_attempts=count,
        first_attempts=first,
        min_attempts=minimum,
        model=stored.model,
        computed_at=stored.computed_at,
        attempts_used=stored.attempts_used,
        first_attempts_only=stored.first_attempts_only,
        converged=stored.converged,
        newer_attempts=scored_at is not None and stored.computed_at < scored_at,
    )


def assessment_reports() -> list[AssessmentReports]:
    """Every assessment, by kind and title, with its stored analysis and calibration."""
    return [
        AssessmentReports(assessment, db.session.get(AnalysisSnapshot, assessment.id), calibration_state(assessment))
        for assessment in db.session.scalars(select(Assessment).order_by(Assessment.kind, Assessment.title))
    ]
