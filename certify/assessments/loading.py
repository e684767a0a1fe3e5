"""Loading the competency framework and assessment definitions from the repository."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from certify.assessments.blueprints import adopted_from_study, cells_key
from certify.assessments.equating import equate_new_cut
from certify.assessments.models import Assessment, Competency, CutScore
from certify.assessments.services import assessment_by_slug, competencies
from certify.audit import services as audit
from certify.core.assessment_spec import AssessmentSpec
from certify.core.course import Competency as CompetencySpec
from certify.extensions import db


def load_competencies(specs: list[CompetencySpec]) -> int:
    """Insert or update competencies; returns how many changed."""
    stored = {c.code: c for c in competencies()}
    changed = 0
    for spec in specs:
        row = stored.get(spec.code) or Competency(code=spec.code)
        values = (spec.title, spec.description, spec.position)
        if (row.title, row.description, row.position) != values:
            row.title, row.description, row.position = values
            db.session.add(row)
            changed += 1
    db.session.flush()
    return changed


def _spec_hash(spec: AssessmentSpec) -> str:
    data = asdict(spec)
    data.pop("file", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def load_assessment(spec: AssessmentSpec) -> str:
    """Insert or update an assessment; returns "added", "updated" or "unchanged".

    The cut score is versioned: a changed value in the file adds a version,
    unless the current one was adopted from a standard-setting study, which
    only an admin can replace. Likewise a blueprint adopted from a job-task
    analysis is kept; the outcome then says when the file's blueprint differs.
    """
    row = assessment_by_slug(spec.slug)
    file_cells = [{"competency": c.competency, "bloom": c.bloom, "count": c.count} for c in spec.blueprint]
    adopted = adopted_from_study(row) if row is not None else None
    digest = _spec_hash(spec)
    outcome = "unchanged"
    if row is None:
        row = Assessment(slug=spec.slug)
        db.session.add(row)
        outcome = "added"
    elif row.spec_hash != digest:
        outcome = "updated"
    if outcome != "unchanged":
        row.title, row.description, row.kind = spec.title, spec.description, spec.kind
        row.time_limit_minutes, row.max_attempts, row.cooldown_days = (
            spec.time_limit_minutes,
            spec.max_attempts,
            spec.cooldown_days,
        )
        row.requires_course_completion, row.review_policy = spec.requires_course_completion, spec.review_policy
        row.pilot_items, row.banks = spec.pilot_items, list(spec.banks)
        if adopted is None:
            row.blueprint = file_cells
        row.mastery, row.spec_hash = dict(spec.mastery_percent), digest
        row.available_from, row.available_until = spec.available_from, spec.available_until
        row.assembly = spec.assembly.as_dict()
        db.session.flush()
    current = row.cut_score
    if current is None or (
        current.panel is None and (current.percent, current.method) != (spec.cut_score_percent, spec.cut_score_method)
    ):
        version = 1 if current is None else current.version + 1
        cut = CutScore(
            assessment=row,
            version=version,
            method=spec.cut_score_method,
            percent=spec.cut_score_percent,
            rationale=spec.cut_score_rationale,
        )
        db.session.add(cut)
        db.session.flush()
        equate_new_cut(cut)  # on the calibration the assessment's forms are equated on, if any
        audit.record(
            None,
            "cut_score.loaded",
            "assessment",
            row.slug,
            before={"percent": current.percent, "version": current.version} if current else None,
            after={"percent": cut.percent, "version": version, "method": cut.method},
        )
        outcome = "updated" if outcome == "unchanged" else outcome
    if adopted is not None and cells_key(adopted.cells) != cells_key(file_cells):
        outcome += (
            f"; kept blueprint version {adopted.version} adopted from job-task analysis study"
            f" #{adopted.source_study_id} (the file's blueprint differs: {sum(c.count for c in spec.blueprint)}"
            f" items in the file, {sum(int(c['count']) for c in adopted.cells)} adopted)"
        )
    return outcome
