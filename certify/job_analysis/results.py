"""Job-task analysis: the study's figures, the blueprint they propose, adopting it, and the results table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from certify.assessments import blueprints
from certify.assessments.blueprint_models import BlueprintVersion
from certify.assessments.services import pool_counts
from certify.auth.models import User
from certify.core.blueprint_proposal import BlueprintProposal, propose_blueprint
from certify.core.items import BLOOM_LEVELS
from certify.core.job_analysis import Rating, StudyAnalysis, analyse
from certify.extensions import db
from certify.job_analysis.models import JtaStudy, JtaTask
from certify.job_analysis.services import MIN_RATERS, StudyError, assessment_of, competency_titles, ratings_of


@dataclass(frozen=True)
class Difference:
    competency: str
    bloom: str
    current: int
    proposed: int
    pool: int

    @property
    def change(self) -> int:
        return self.proposed - self.current


@dataclass(frozen=True)
class Results:
    complete_raters: int
    analysis: StudyAnalysis | None  # None below MIN_RATERS complete raters
    proposal: BlueprintProposal | None
    differences: list[Difference]
    current_per_competency: dict[str, int]
    tasks: dict[int, JtaTask]


def complete_ratings(study: JtaStudy) -> dict[int, dict[int, Rating]]:
    """Ratings of the raters who rated every task (rater id -> task id -> rating)."""
    task_ids = {t.id for t in study.tasks}
    by_rater: dict[int, dict[int, Rating]] = {}
    for row in ratings_of(study):
        if row.task_id in task_ids:
            by_rater.setdefault(row.user_id, {})[row.task_id] = Rating(row.importance, row.frequency, row.criticality)
    return {rater: given for rater, given in by_rater.items() if set(given) == task_ids}


def analysis_of(study: JtaStudy) -> tuple[dict[int, dict[int, Rating]], StudyAnalysis | None]:
    """The complete raters' ratings and the study's figures from them (None below MIN_RATERS or without tasks)."""
    complete = complete_ratings(study)
    if len(complete) < MIN_RATERS or not study.tasks:
        return complete, None
    order = list(competency_titles())
    ordered = sorted(study.tasks, key=lambda t: (order.index(t.competency_code), t.position, t.id))
    return complete, analyse([(t.id, t.competency_code) for t in ordered], complete)


def results(study: JtaStudy) -> Results:
    assessment = assessment_of(study)
    current = [(str(c["competency"]), str(c["bloom"]), int(c["count"])) for c in assessment.blueprint]
    current_per: dict[str, int] = {}
    for competency, _bloom, count in current:
        current_per[competency] = current_per.get(competency, 0) + count
    complete, analysis = analysis_of(study)
    tasks = {t.id: t for t in study.tasks}
    if analysis is None:
        return Results(len(complete), None, None, [], current_per, tasks)
    order = list(competency_titles())
    pool = pool_counts(assessment)
    proposal = propose_blueprint(analysis.competency_weights, assessment.item_count, current, dict(pool))
    cells = {(c.competency, c.bloom): c.count for c in proposal.cells}
    now = {(c, b): n for c, b, n in current}
    keys = sorted(set(cells) | set(now), key=lambda k: (order.index(k[0]) if k[0] in order else 99, _level(k[1])))
    differences = [Difference(c, b, now.get((c, b), 0), cells.get((c, b), 0), pool.get((c, b), 0)) for c, b in keys]
    return Results(len(complete), analysis, proposal, differences, current_per, tasks)


def _level(bloom: str) -> int:
    return BLOOM_LEVELS.index(bloom) if bloom in BLOOM_LEVELS else 99


def adopted_version(study: JtaStudy) -> BlueprintVersion | None:
    return db.session.get(BlueprintVersion, study.adopted_version_id) if study.adopted_version_id else None


def adopt(actor: User, study: JtaStudy, rationale: str) -> BlueprintVersion:
    """Adopt the study's proposed blueprint as the assessment's next version (audited by the assessments feature)."""
    if study.status != "closed":
        raise StudyError("Close the study before adopting its blueprint: ratings may still change.")
    if study.adopted_version_id is not None:
        raise StudyError("This study's blueprint has already been adopted; a study is adopted once.")
    summary = results(study)
    if summary.proposal is None:
        raise StudyError(f"At least {MIN_RATERS} raters must rate every task before a blueprint can be proposed.")
    if not summary.proposal.fits:
        raise StudyError(
            "The live pool cannot supply the proposed blueprint for "
            + ", ".join(summary.proposal.short)
            + ": add live items to those competencies first. Nothing was adopted."
        )
    assessment = assessment_of(study)
    try:
        version = blueprints.adopt_blueprint(
            actor, assessment, summary.proposal.as_blueprint(), study_id=study.id, rationale=rationale
        )
    except blueprints.BlueprintRefused as exc:
        raise StudyError(str(exc)) from None
    claimed = db.session.execute(
        update(JtaStudy)
        .where(JtaStudy.id == study.id, JtaStudy.adopted_version_id.is_(None))
        .values(adopted_version_id=version.id)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise StudyError("This study's blueprint has already been adopted; a study is adopted once.")
    db.session.refresh(study)
    return version


def table(study: JtaStudy) -> tuple[list[str], list[list[object]]]:
    """The per-task results as one table (for the CSV download)."""
    summary = results(study)
    headers = [
        "competency",
        "task",
        "raters",
        "mean_importance",
        "mean_frequency",
        "mean_criticality",
        "mean_index",
        "weight_percent",
        "rwg_importance",
        "rwg_frequency",
        "rwg_criticality",
    ]
    rows: list[list[object]] = []
    if summary.analysis is None:
        return headers, rows
    for task in summary.analysis.tasks:
        rows.append(
            [
                task.competency,
                summary.tasks[task.task].statement,
                task.raters,
                round(task.mean_importance, 4),
                round(task.mean_frequency, 4),
                round(task.mean_criticality, 4),
                round(task.mean_index, 4),
                round(task.weight, 4),
                *(
                    None if (v := task.rwg[s]) is None else round(v, 4)
                    for s in ("importance", "frequency", "criticality")
                ),
            ]
        )
    return headers, rows
