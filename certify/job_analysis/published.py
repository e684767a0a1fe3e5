"""What the job-task analysis publishes outside the admin pages: the study behind an exam's blueprint."""

from __future__ import annotations

from dataclasses import dataclass

from certify.assessments.blueprints import adopted_from_study
from certify.assessments.models import Assessment
from certify.job_analysis.results import analysis_of
from certify.job_analysis.services import get_study

EXAMPLES_PER_COMPETENCY = 2


@dataclass(frozen=True)
class BlueprintEvidence:
    study_title: str
    raters: int
    tasks: int
    adopted_at: str
    weights: dict[str, float]  # competency -> percent of the job
    examples: dict[str, list[str]]  # competency -> its most critical task statements


def blueprint_evidence(assessment: Assessment) -> BlueprintEvidence | None:
    """The job-task analysis the current blueprint was adopted from, or None (a blueprint from the file)."""
    version = adopted_from_study(assessment)
    study = get_study(version.source_study_id) if version and version.source_study_id else None
    if version is None or study is None:
        return None
    _ratings, analysis = analysis_of(study)  # the figures only: no blueprint proposal, no pool query
    if analysis is None:
        return None
    statements = {task.id: task.statement for task in study.tasks}
    examples: dict[str, list[str]] = {}
    for task in sorted(analysis.tasks, key=lambda t: -t.weight):
        chosen = examples.setdefault(task.competency, [])
        if len(chosen) < EXAMPLES_PER_COMPETENCY:
            chosen.append(statements[task.task])
    return BlueprintEvidence(
        study_title=study.title,
        raters=analysis.raters,
        tasks=len(analysis.tasks),
        adopted_at=f"{version.adopted_at:%d %B %Y}",
        weights=dict(analysis.competency_weights),
        examples=examples,
    )
