"""The handbook's contents for each certification exam, read from the live configuration.

Nothing here is written twice: the blueprint is the assessment's, the weights and example tasks the
adopted job-task analysis's, the cut the current cut-score version's, the decision's consistency the
stored analysis's, and the programme's rules (appeal window, validity, recertification) the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from certify.assessments import services as bank_service
from certify.assessments.instructions import BlueprintRow, blueprint_rows
from certify.assessments.models import Assessment, CutScore
from certify.core.irt import MID_SCALE, ReportingScale
from certify.job_analysis.published import BlueprintEvidence, blueprint_evidence
from certify.reports.irt_payload import CONSISTENCY_TARGET, KAPPA_TARGET
from certify.reports.published import decision_evidence
from certify.review import services as review_service

METHOD_NAMES = {
    "informed_judgement": "a provisional judgement (a placeholder: the exam does not open on it)",
    "modified_angoff": "a modified-Angoff study",
    "hofstee": "the Hofstee compromise method",
    "contrasting_groups": "the contrasting-groups method",
    "bookmark": "the bookmark method",
}


@dataclass(frozen=True)
class OutlineRow:
    code: str
    title: str
    items: int
    share: float  # percent of the scored items
    job_weight: float | None  # percent of the job, from the job-task analysis
    examples: list[str]
    mastery: float  # percent of the competency's points needed


@dataclass(frozen=True)
class Handbook:
    exam: Assessment
    outline: list[OutlineRow]
    pilots: int
    study: BlueprintEvidence | None
    cut: CutScore | None
    cut_method: str
    launch_blocker: str | None
    scale: ReportingScale
    evidence: dict[str, Any] | None
    weak_competencies: list[str]  # per-competency decisions below the consistency targets
    targets: tuple[float, float]  # (consistency, kappa)
    grace_seconds: int
    appeal_days: int
    validity_years: int
    recertification_points: int
    recertification_years: int
    rubric_title: str | None
    rubric_criteria: int
    rubric_pass_level: str | None


def handbooks() -> list[Handbook]:
    """One handbook per certification exam, in title order."""
    return [_handbook(exam) for exam in bank_service.assessments() if exam.kind == "certification"]


def _handbook(exam: Assessment) -> Handbook:
    config = current_app.config
    study = blueprint_evidence(exam)
    rows: list[BlueprintRow] = blueprint_rows(exam)
    total = sum(row.items for row in rows) or 1
    outline = [
        OutlineRow(
            row.code,
            row.title,
            row.items,
            round(100 * row.items / total, 1),
            None if study is None else round(study.weights.get(row.code, 0.0), 1),
            [] if study is None else study.examples.get(row.code, []),
            float(exam.mastery.get(row.code, 0.0)),
        )
        for row in rows
    ]
    evidence = decision_evidence(exam)
    weak = []
    if evidence:
        for code, figures in (evidence.get("mastery") or {}).items():
            kappa = figures.get("kappa")
            if figures.get("consistency", 1) < CONSISTENCY_TARGET or (kappa is not None and kappa < KAPPA_TARGET):
                weak.append(code)
    cut = exam.cut_score
    rubric = review_service.get_rubric()
    level_names = rubric.level_names if rubric else {}
    return Handbook(
        exam=exam,
        outline=outline,
        pilots=bank_service.pilots_per_form(exam),
        study=study,
        cut=cut,
        cut_method=METHOD_NAMES.get(cut.method, cut.method) if cut else "not set",
        launch_blocker=exam.launch_blocker,
        scale=MID_SCALE,
        evidence=evidence,
        weak_competencies=weak,
        targets=(CONSISTENCY_TARGET, KAPPA_TARGET),
        grace_seconds=int(config.get("EXAM_GRACE_SECONDS", 60)),
        appeal_days=int(config.get("APPEAL_WINDOW_DAYS", 14)),
        validity_years=int(config.get("CERTIFICATE_VALIDITY_YEARS", 3)),
        recertification_points=int(config.get("RECERTIFICATION_POINTS", 40)),
        recertification_years=int(config.get("RECERTIFICATION_WINDOW_YEARS", 3)),
        rubric_title=rubric.title if rubric else None,
        rubric_criteria=len(rubric.criteria) if rubric else 0,
        rubric_pass_level=str(level_names.get(str(rubric.pass_min_level), rubric.pass_min_level)) if rubric else None,
    )
