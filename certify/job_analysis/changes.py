"""Job-task analysis: every write (studies, tasks, raters, status, ratings); audited, flushed, not committed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import update

from certify.assessments.models import Assessment
from certify.audit import services as audit
from certify.auth.models import User
from certify.core.job_analysis import SCALE, SCALES
from certify.database import utcnow
from certify.extensions import db
from certify.job_analysis.models import JtaRater, JtaRating, JtaStudy, JtaTask
from certify.job_analysis.services import (
    MIN_RATERS,
    RatingProblems,
    StudyError,
    competency_titles,
    eligible_raters,
    rating_field,
    ratings_of,
)

MAX_STATEMENT = 500


def create_study(actor: User, assessment: Assessment, title: str) -> JtaStudy:
    if not title.strip():
        raise StudyError("Give the study a title.")
    study = JtaStudy(assessment_id=assessment.id, title=title.strip()[:200], created_by_id=actor.id)
    db.session.add(study)
    db.session.flush()
    audit.record(
        actor, "jta.created", "jta_study", study.id, after={"title": study.title, "assessment": assessment.slug}
    )
    return study


def _draft(study: JtaStudy, what: str) -> None:
    if study.status != "draft":
        raise StudyError(f"Tasks can only be {what} while the study is a draft: raters may already have rated them.")


def add_task(actor: User, study: JtaStudy, competency: str, statement: str) -> JtaTask:
    _draft(study, "added")
    if competency not in competency_titles():
        raise StudyError(f"Choose a competency of the framework, not “{competency[:20]}”.")
    text = " ".join(statement.split())
    if not text:
        raise StudyError("Describe the task in a sentence.")
    if len(text) > MAX_STATEMENT:
        raise StudyError(f"Keep the task under {MAX_STATEMENT} characters.")
    position = max((t.position for t in study.tasks if t.competency_code == competency), default=0) + 1
    task = JtaTask(study=study, competency_code=competency, statement=text, position=position)
    db.session.add(task)
    db.session.flush()
    audit.record(actor, "jta.task_added", "jta_study", study.id, after={"task": task.id, "competency": competency})
    return task


def remove_task(actor: User, study: JtaStudy, task_id: int) -> None:
    _draft(study, "removed")
    task = next((t for t in study.tasks if t.id == task_id), None)
    if task is None:
        raise StudyError("That task is not part of this study.")
    study.tasks.remove(task)
    db.session.flush()
    audit.record(
        actor, "jta.task_removed", "jta_study", study.id, before={"task": task_id, "statement": task.statement}
    )


def invite(actor: User, study: JtaStudy, user_ids: list[int]) -> list[User]:
    """Invite raters (eligible accounts not yet invited); returns those added."""
    if study.status == "closed":
        raise StudyError("The study is closed: no more raters can join.")
    eligible = {u.id: u for u in eligible_raters()}
    unknown = [uid for uid in user_ids if uid not in eligible]
    if unknown:
        raise StudyError("Raters must be active assessors, adjudicators or admins.")
    present = {r.user_id for r in study.raters}
    added = [eligible[uid] for uid in dict.fromkeys(user_ids) if uid not in present]
    for user in added:
        study.raters.append(JtaRater(user_id=user.id))
    db.session.flush()
    if added:
        audit.record(actor, "jta.raters_invited", "jta_study", study.id, after={"raters": [u.id for u in added]})
    return added


def _claim(study: JtaStudy, old: str, new: str, message: str) -> None:
    """Change the status only if it still is `old` (of two admins acting at once, one wins)."""
    values: dict[str, object] = {"status": new, ("opened_at" if new == "open" else "closed_at"): utcnow()}
    changed = db.session.execute(
        update(JtaStudy)
        .where(JtaStudy.id == study.id, JtaStudy.status == old)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(changed, "rowcount", 0) != 1:
        raise StudyError(message)
    db.session.refresh(study)


def open_study(actor: User, study: JtaStudy) -> None:
    if study.status != "draft":
        raise StudyError("Only a draft study can be opened.")
    if not study.tasks:
        raise StudyError("Add the job's tasks before opening the study.")
    if len(study.raters) < MIN_RATERS:
        raise StudyError(f"Invite at least {MIN_RATERS} raters before opening the study.")
    _claim(study, "draft", "open", "The study was opened meanwhile.")
    audit.record(
        actor, "jta.opened", "jta_study", study.id, after={"tasks": len(study.tasks), "raters": len(study.raters)}
    )


def close_study(actor: User, study: JtaStudy) -> None:
    if study.status != "open":
        raise StudyError("Only an open study can be closed.")
    _claim(study, "open", "closed", "The study was closed meanwhile.")
    submitted = sum(1 for r in study.raters if r.submitted_at is not None)
    audit.record(
        actor, "jta.closed", "jta_study", study.id, after={"submitted": submitted, "raters": len(study.raters)}
    )


@dataclass(frozen=True)
class Saved:
    rated: int
    total: int
    submitted: bool


def _parse(form: Mapping[str, str], task_ids: list[int]) -> tuple[dict[int, dict[str, int]], dict[str, str]]:
    known = {rating_field(t, s) for t in task_ids for s in SCALES}
    problems: dict[str, str] = {}
    for key in form:
        scale = key.partition("-")[0]
        if scale in SCALES and key not in known:
            problems[key] = f"“{key[:40]}” is not a task of this study."
    values: dict[int, dict[str, int]] = {}
    for task in task_ids:
        for scale in SCALES:
            name = rating_field(task, scale)
            raw = (form.get(name) or "").strip()
            if not raw:
                continue
            if not raw.isdigit() or int(raw) not in SCALE:
                problems[name] = f"Choose a rating from 1 to 5 for {scale}."
                continue
            values.setdefault(task, {})[scale] = int(raw)
    for task, given in values.items():
        for scale in SCALES:
            if scale not in given:
                problems.setdefault(
                    rating_field(task, scale), f"Rate the task on {scale} too, or leave all three scales empty."
                )
    return values, problems


def save_ratings(user: User, study: JtaStudy, form: Mapping[str, str], *, submit: bool) -> Saved:
    """Store the rater's ratings (a task is rated on all three scales or not at all); submit needs every task."""
    if study.status != "open":
        state = "has not opened yet" if study.status == "draft" else "is closed"
        raise StudyError(f"This study {state}: ratings cannot be saved.")
    rater = next((r for r in study.raters if r.user_id == user.id), None)
    if rater is None:
        raise StudyError("You are not a rater of this study.")
    task_ids = [t.id for t in study.tasks]
    values, problems = _parse(form, task_ids)
    if submit and not problems:
        for task in task_ids:
            if task not in values:
                problems[rating_field(task, SCALES[0])] = "Rate every task before submitting."
    if problems:
        raise RatingProblems(problems)
    stored = {r.task_id: r for r in ratings_of(study, user)}
    for task, given in values.items():
        row = stored.get(task) or JtaRating(study_id=study.id, task_id=task, user_id=user.id)
        if (row.importance, row.frequency, row.criticality) != tuple(given[s] for s in SCALES):
            row.importance, row.frequency, row.criticality = (given[s] for s in SCALES)
            row.rated_at = utcnow()
            db.session.add(row)
    db.session.flush()
    rated = len(set(stored) | set(values))
    complete = rated == len(task_ids)
    if submit and rater.submitted_at is None:
        rater.submitted_at = utcnow()
        audit.record(user, "jta.ratings_submitted", "jta_study", study.id, after={"tasks": rated})
    elif not complete:
        rater.submitted_at = None
    db.session.flush()
    return Saved(rated, len(task_ids), rater.submitted_at is not None)
