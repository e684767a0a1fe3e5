"""Versioned blueprints: the one place an assessment's blueprint changes after loading (adopted from a study).

An adopted blueprint becomes a new `BlueprintVersion` and the assessment's `blueprint`; the first
adoption also records the blueprint the assessment had (from its file) as version 1, so the history
shows where it started. Attempts already started keep the items they drew. Loading the assessment's
file again keeps a blueprint adopted from a job-task analysis and reports that the file differs
(`certify.assessments.loading`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select

from certify.assessments.blueprint_models import BlueprintVersion
from certify.assessments.models import Assessment
from certify.assessments.services import pool_counts
from certify.audit import services as audit
from certify.auth.models import User
from certify.core.items import BLOOM_LEVELS
from certify.extensions import db

JOB_ANALYSIS = "job_analysis"


class BlueprintRefused(ValueError):
    """A blueprint that cannot be adopted; the message is meant for people."""


def cells_key(cells: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], int]:
    """Non-empty cells as {(competency, level): count}, for comparing blueprints whatever their order."""
    key: dict[tuple[str, str], int] = {}
    for cell in cells:
        if int(cell["count"]):
            pair = (str(cell["competency"]), str(cell["bloom"]))
            key[pair] = key.get(pair, 0) + int(cell["count"])
    return key


def versions(assessment: Assessment) -> list[BlueprintVersion]:
    """The assessment's blueprint versions, oldest first (empty until a first adoption)."""
    return list(
        db.session.scalars(
            select(BlueprintVersion)
            .where(BlueprintVersion.assessment_id == assessment.id)
            .order_by(BlueprintVersion.version)
        )
    )


def adopted_from_study(assessment: Assessment) -> BlueprintVersion | None:
    """The current blueprint version when it was adopted from a job-task analysis (None otherwise)."""
    found = versions(assessment)
    return found[-1] if found and found[-1].source == JOB_ANALYSIS else None


def shortfalls(assessment: Assessment, cells: Iterable[Mapping[str, Any]]) -> list[str]:
    """Cells the assessment's live pool cannot fill, as "RA/apply: needs 4, the live pool has 3"."""
    pool = pool_counts(assessment)
    return [
        f"{competency}/{bloom}: needs {count}, the live pool has {pool.get((competency, bloom), 0)}"
        for (competency, bloom), count in cells_key(cells).items()
        if pool.get((competency, bloom), 0) < count
    ]


def adopt_blueprint(
    actor: User, assessment: Assessment, cells: Sequence[Mapping[str, Any]], *, study_id: int, rationale: str
) -> BlueprintVersion:
    """Make `cells` the assessment's blueprint as a new version from job-task analysis study `study_id` (audited).

    Refused when a cell names an unknown level, has a count below 1, or the live pool cannot fill it.
    """
    if not rationale.strip():
        raise BlueprintRefused("Give a rationale for adopting this blueprint.")
    clean = []
    for cell in cells:
        count = int(cell["count"])
        if str(cell["bloom"]) not in BLOOM_LEVELS or count < 1:
            raise BlueprintRefused(f"Not a blueprint cell: {cell['competency']}/{cell['bloom']} x {count}.")
        clean.append({"competency": str(cell["competency"]), "bloom": str(cell["bloom"]), "count": count})
    if not clean:
        raise BlueprintRefused("The blueprint has no items.")
    short = shortfalls(assessment, clean)
    if short:
        raise BlueprintRefused("The live pool cannot fill this blueprint: " + "; ".join(short) + ".")
    history = versions(assessment)
    before = list(assessment.blueprint)
    if not history:
        history.append(
            BlueprintVersion(
                assessment_id=assessment.id,
                version=1,
                cells=before,
                source="file",
                rationale="The blueprint as loaded from the assessment's file, before the first adoption.",
            )
        )
        db.session.add(history[0])
    version = BlueprintVersion(
        assessment_id=assessment.id,
        version=history[-1].version + 1,
        cells=clean,
        source=JOB_ANALYSIS,
        source_study_id=study_id,
        rationale=rationale.strip(),
        adopted_by_id=actor.id,
    )
    db.session.add(version)
    assessment.blueprint = clean
    db.session.flush()
    audit.record(
        actor,
        "blueprint.adopted",
        "assessment",
        assessment.slug,
        before={"version": history[-1].version, "cells": before, "items": sum(int(c["count"]) for c in before)},
        after={
            "version": version.version,
            "cells": clean,
            "items": sum(c["count"] for c in clean),
            "source": JOB_ANALYSIS,
            "study_id": study_id,
        },
        note=rationale.strip(),
    )
    return version
