"""IRT calibration of an assessment's item versions, stored in `irt_calibrations` (off the request path).

Data: every item version presented in the chosen scored attempts (each candidate's first by default,
see attempt_sets), pilot items included so they land on the live items' scale. An omitted answer scores
0, as in official scoring. Scores are counted in steps: a 0/1 item scores 0 or 1; a partial-credit item
whose rule gives credit in k/m steps scores k = 0..m. The number of steps m comes from the item's own
rule (`content_steps`: multiple response `partial` = keyed options, `per_option` = options; matching =
pairs; ordering `positional` = steps, `pairwise` = pairs of steps; `all_or_nothing` and every other
type = 1), then is reduced by the greatest common divisor of the observed k and m, so an item whose
candidates only ever earned 0, 1/2 or 1 on a 4-step rule is a 2-step item. A credit that is not a whole
number of steps (an item edited under a different rule) falls back to the observed distinct credits'
common denominator (at most MAX_STEPS).

Model: "2pl" (2PL for 0/1 items, GPCM for partial credit; abilities N(0, 1)) or "rasch" (Rasch/PCM,
ability SD estimated) by marginal maximum likelihood (certify.core.irt.calibrate); infit and outfit at
each person's EAP ability (certify.core.irt.item_fit).

Each stored calibration is handed to the assessments feature (`equating.equate_calibration`), which places
every cut-score version on it when it is sound enough to decide results (equated pass marks per form).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from certify.assessments import equating
from certify.assessments.attempt_models import Attempt, AttemptItem
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.core import irt
from certify.database import utcnow
from certify.extensions import db
from certify.reports.attempt_sets import chosen_attempt_ids
from certify.reports.models import IrtCalibration

MAX_STEPS = 12


class CalibrationError(ValueError):
    """Nothing to calibrate (no scored attempts), or the data cannot be calibrated; the message says which."""


def content_steps(content: dict[str, Any]) -> int:
    """How many equal credit steps the item's scoring rule has (1 for right/wrong items)."""
    kind, body = content.get("type"), content.get("body", {})
    rule = body.get("scoring")
    if rule == "all_or_nothing":
        return 1
    if kind == "multiple_response":
        return len(body["options"]) if rule == "per_option" else max(1, len(body.get("key", [])))
    if kind == "matching":
        return max(1, len(body.get("pairs", [])))
    if kind == "ordering":
        n = len(body.get("options", []))
        return max(1, n if rule == "positional" else n * (n - 1) // 2)
    return 1


def step_scores(credits: list[float], steps: int) -> tuple[list[int], int]:
    """Credits in [0, 1] as whole steps 0..m, with m reduced to the coarsest grid the observed credits need."""
    ks = [round(c * steps) for c in credits]
    if any(abs(c * steps - k) > 1e-6 for c, k in zip(credits, ks, strict=True)):
        fractions = [Fraction(c).limit_denominator(MAX_STEPS) for c in credits]
        steps = math.lcm(*(f.denominator for f in fractions))
        ks = [int(f * steps) for f in fractions]
    divisor = math.gcd(steps, *ks)
    return [k // divisor for k in ks], steps // divisor


@dataclass(frozen=True)
class Responses:
    """Sparse responses ready for calibration, and what each item index stands for."""

    person: list[int]
    item: list[int]
    score: list[int]
    max_score: list[int]
    versions: list[tuple[int, str, int]]  # (item_version_id, item ref, version number) per item index
    attempts: int


def responses(assessment: Assessment, *, all_attempts: bool = False) -> Responses:
    """The chosen attempts' responses in steps. With all attempts each attempt is its own person."""
    chosen = chosen_attempt_ids(assessment, all_attempts=all_attempts)
    rows = db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.item_version_id, AttemptItem.credit)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.attempt_id.in_(chosen))
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
    ).all()
    if not rows:
        raise CalibrationError(f"{assessment.slug} has no scored attempts to calibrate from")
    version_ids = sorted({row.item_version_id for row in rows})
    meta = {
        v.id: (v, ref)
        for v, ref in db.session.execute(
            select(ItemVersion, Item.ref)
            .join(Item, Item.id == ItemVersion.item_id)
            .where(ItemVersion.id.in_(version_ids))
        )
    }
    index = {vid: j for j, vid in enumerate(version_ids)}
    persons: dict[int, int] = {}
    credits: dict[int, list[float]] = {vid: [] for vid in version_ids}
    person, item = [], []
    for row in rows:
        person.append(persons.setdefault(row.attempt_id, len(persons)))
        item.append(index[row.item_version_id])
        credits[row.item_version_id].append(min(1.0, max(0.0, float(row.credit or 0.0))))
    score = [0] * len(rows)
    max_score = []
    positions: dict[int, list[int]] = {vid: [] for vid in version_ids}
    for at, j in enumerate(item):
        positions[version_ids[j]].append(at)
    for vid in version_ids:
        ks, m = step_scores(credits[vid], content_steps(meta[vid][0].content))
        max_score.append(m)
        for at, k in zip(positions[vid], ks, strict=True):
            score[at] = k
    versions = [(vid, meta[vid][1], meta[vid][0].version) for vid in version_ids]
    return Responses(person, item, score, max_score, versions, len(persons))


def _number(value: float | None, places: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), places)


def run(
    assessment: Assessment, *, model: str = "2pl", all_attempts: bool = False
) -> tuple[IrtCalibration, equating.EquatingOutcome]:
    """Calibrate from the chosen attempts, store the result and equate the cut on it (flushed, not committed)."""
    data = responses(assessment, all_attempts=all_attempts)
    try:
        result = irt.calibrate(data.person, data.item, data.score, data.max_score, model=model)
    except ValueError as exc:
        raise CalibrationError(f"{assessment.slug}: {exc}") from exc
    fits = irt.item_fit(data.person, data.item, data.score, result.parameters(), prior_sd=result.ability_sd)
    items = [
        {
            "item_version_id": vid,
            "item_ref": ref,
            "version": number,
            "model": estimate.model,
            "a": _number(estimate.a),
            "b": _number(estimate.b),
            "steps": [_number(s) for s in estimate.steps],
            "se_a": _number(estimate.se_a),
            "se_b": _number(estimate.se_b),
            "n": estimate.n,
            "infit": _number(fit.infit),
            "outfit": _number(fit.outfit),
            "flags": list(estimate.flags),
        }
        for (vid, ref, number), estimate, fit in zip(data.versions, result.items, fits, strict=True)
    ]
    stored = IrtCalibration(
        assessment_id=assessment.id,
        model=model,
        computed_at=utcnow(),
        attempts_used=data.attempts,
        first_attempts_only=not all_attempts,
        converged=result.converged,
        ability_sd=float(result.ability_sd),
        log_likelihood=float(result.log_likelihood),
        payload={"items": items, "iterations": result.iterations, "n_responses": result.n_responses},
    )
    db.session.add(stored)
    db.session.flush()
    return stored, equating.equate_calibration(assessment, facts(stored))


def facts(stored: IrtCalibration) -> equating.CalibrationFacts:
    """A stored calibration as the equating service takes it."""
    return equating.CalibrationFacts(
        id=stored.id,
        model=stored.model,
        attempts_used=stored.attempts_used,
        converged=stored.converged,
        items={vid: (params, int(entry.get("n") or 0)) for vid, (params, entry) in parameters(stored).items()},
    )


def latest(assessment: Assessment) -> IrtCalibration | None:
    """The most recent stored calibration of the assessment (None if it was never calibrated)."""
    return db.session.scalar(
        select(IrtCalibration)
        .where(IrtCalibration.assessment_id == assessment.id)
        .order_by(IrtCalibration.computed_at.desc(), IrtCalibration.id.desc())
        .limit(1)
    )


def parameters(stored: IrtCalibration) -> dict[int, tuple[irt.ItemParameters, dict[str, Any]]]:
    """Each calibrated item version's parameters (by item version id), with its stored entry."""
    found = {}
    for entry in stored.payload.get("items", []):
        a, steps = entry.get("a"), entry.get("steps") or []
        if a is None or a <= 0 or not steps or any(s is None for s in steps):
            continue
        found[int(entry["item_version_id"])] = (irt.ItemParameters(a=float(a), steps=tuple(steps)), entry)
    return found


def latest_parameters(assessment: Assessment) -> dict[int, irt.ItemParameters]:
    """The latest calibration's parameters by item version id ({} if never calibrated): form assembly reads these.

    Every start reads them, so the latest calibration is found by its key alone and its parameters are decoded
    once per process: a stored calibration never changes (a new one is a new row, computed at another moment).
    """
    key = db.session.execute(
        select(IrtCalibration.id, IrtCalibration.computed_at)
        .where(IrtCalibration.assessment_id == assessment.id)
        .order_by(IrtCalibration.computed_at.desc(), IrtCalibration.id.desc())
        .limit(1)
    ).first()
    return {} if key is None else dict(_decoded(key.id, key.computed_at))


@lru_cache(maxsize=32)
def _decoded(calibration_id: int, _computed_at: datetime) -> tuple[tuple[int, irt.ItemParameters], ...]:
    stored = db.session.get(IrtCalibration, calibration_id)
    assert stored is not None
    return tuple((vid, found) for vid, (found, _entry) in parameters(stored).items())
