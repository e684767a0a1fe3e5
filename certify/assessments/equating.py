"""Equating rules: each cut-score version placed on a calibration's ability scale (certify.core.irt.equating).

A rule is made for every cut-score version of the assessment when a calibration is stored (the reports
feature calls `equate_calibration` with the calibration's figures: this feature never reads the reports'
tables), and for a newly adopted or loaded cut from the calibration the newest rule rests on
(`equate_new_cut`). A calibration decides nothing until it is sound: it converged, it used at least
EQUATING_MIN_ATTEMPTS attempts, and every blueprint cell has a live item calibrated from at least
ANALYSIS_MIN_ITEM_N responses (thinner items are left out of the rule). Rules are never changed; scoring
uses the newest rule of the attempt's own cut-score version (`rule_in_force`), and results record it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from certify.assessments import services as bank_service
from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment, CutEquating, CutScore
from certify.core.irt import EquatingError, ItemParameters, WeightedItems, blueprint_reference, theta_cut
from certify.core.sample_size import MIN_ITEM_N
from certify.extensions import db

DEFAULT_MIN_ATTEMPTS = 200


@dataclass(frozen=True)
class CalibrationFacts:
    """What equating needs from a stored calibration: its id, model, size, convergence and item parameters."""

    id: int
    model: str
    attempts_used: int
    converged: bool
    items: Mapping[int, tuple[ItemParameters, int]]  # item version id -> (parameters, responses it rests on)


@dataclass(frozen=True)
class EquatingOutcome:
    """The rules a calibration produced, or why it produced none."""

    rules: list[CutEquating]
    reason: str | None


def min_attempts() -> int:
    """Attempts a calibration must rest on before it decides results."""
    return int(current_app.config.get("EQUATING_MIN_ATTEMPTS", DEFAULT_MIN_ATTEMPTS))


def min_item_n() -> int:
    """Responses an item's calibration must rest on before a rule uses it."""
    return int(current_app.config.get("ANALYSIS_MIN_ITEM_N", MIN_ITEM_N))


def refusal(facts: CalibrationFacts) -> str | None:
    """Why this calibration may not decide results (None when it may)."""
    if not facts.converged:
        return f"calibration #{facts.id} did not converge"
    if facts.attempts_used < min_attempts():
        return (
            f"calibration #{facts.id} rests on {facts.attempts_used} attempts; forms are equated from {min_attempts()}"
        )
    return None


def expected_form(
    assessment: Assessment, params: Mapping[int, ItemParameters]
) -> tuple[WeightedItems | None, int, list[str]]:
    """The blueprint's expected form from the live pool's calibrated items, its item count, and cells without any.

    Cells without a calibrated live item are left out of the reference (and named), so the item report can
    still read the rest; a rule is only made when none is missing.
    """
    pool = bank_service.live_pool_ids(assessment)
    cells, missing = [], []
    for cell in assessment.blueprint:
        key = (cell["competency"], cell["bloom"])
        items = [params[v] for v in pool.get(key, []) if v in params]
        if items:
            cells.append((int(cell["count"]), items))
        else:
            missing.append(f"{key[0]} {key[1]}")
    if not cells:
        return None, 0, missing
    return blueprint_reference(cells), sum(len(items) for _, items in cells), missing


def _stored_parameters(params: Mapping[int, ItemParameters]) -> dict[str, list[object]]:
    return {str(vid): [p.a, list(p.steps)] for vid, p in sorted(params.items())}


def parameters_of(rule: CutEquating, version_ids: Sequence[int] | None = None) -> dict[int, ItemParameters]:
    """The rule's item parameters by item version id (only those asked for, when `version_ids` is given)."""
    stored = rule.parameters
    keys = stored.keys() if version_ids is None else [str(v) for v in version_ids if str(v) in stored]
    return {int(k): ItemParameters(a=float(stored[k][0]), steps=tuple(float(b) for b in stored[k][1])) for k in keys}


def _rule(
    cut: CutScore,
    facts: tuple[int, str, int],
    ability: float,
    reference_items: int,
    params: Mapping[int, ItemParameters],
) -> CutEquating:
    calibration_id, model, attempts_used = facts
    rule = CutEquating(
        cut_score_id=cut.id,
        calibration_id=calibration_id,
        model=model,
        attempts_used=attempts_used,
        theta_cut=ability,
        reference_items=reference_items,
        parameters=_stored_parameters(params),
    )
    db.session.add(rule)
    return rule


def equate_calibration(assessment: Assessment, facts: CalibrationFacts) -> EquatingOutcome:
    """Place every cut-score version of the assessment on a newly stored calibration (flushed, not committed)."""
    reason = refusal(facts)
    if reason is not None:
        return EquatingOutcome([], reason)
    usable = {vid: params for vid, (params, n) in facts.items.items() if n >= min_item_n()}
    reference, count, missing = expected_form(assessment, usable)
    if reference is None or missing:
        return EquatingOutcome([], f"no live item calibrated from {min_item_n()} responses in {', '.join(missing)}")
    rules, problems = [], []
    done = set(db.session.scalars(select(CutEquating.cut_score_id).where(CutEquating.calibration_id == facts.id)))
    for cut in assessment.cut_scores:
        if cut.id in done:
            continue
        try:
            ability = theta_cut(reference, cut.percent)
        except EquatingError as exc:
            problems.append(f"cut version {cut.version}: {exc}")
            continue
        rules.append(_rule(cut, (facts.id, facts.model, facts.attempts_used), ability, count, usable))
    db.session.flush()
    return EquatingOutcome(rules, "; ".join(problems) or None)


def equate_new_cut(cut: CutScore) -> CutEquating | None:
    """Place a newly adopted (or loaded) cut on the calibration the assessment's newest rule rests on.

    None when the assessment has no rule yet (its forms are not equated) or the cut cannot be placed.
    """
    newest = db.session.scalar(
        select(CutEquating)
        .join(CutScore, CutScore.id == CutEquating.cut_score_id)
        .where(CutScore.assessment_id == cut.assessment_id, CutEquating.cut_score_id != cut.id)
        .order_by(CutEquating.calibration_id.desc(), CutEquating.id.desc())
        .limit(1)
    )
    assessment = db.session.get(Assessment, cut.assessment_id)
    if newest is None or assessment is None:
        return None
    params = parameters_of(newest)
    reference, count, missing = expected_form(assessment, params)
    if reference is None or missing:
        return None
    try:
        ability = theta_cut(reference, cut.percent)
    except EquatingError:
        return None
    rule = _rule(cut, (newest.calibration_id, newest.model, newest.attempts_used), ability, count, params)
    db.session.flush()
    return rule


def rule_in_force(cut_score_id: int) -> CutEquating | None:
    """The newest rule of a cut-score version: the one new results on it are decided by (None: not equated)."""
    return db.session.scalar(
        select(CutEquating)
        .where(CutEquating.cut_score_id == cut_score_id)
        .order_by(CutEquating.calibration_id.desc(), CutEquating.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class CutStatus:
    """One cut-score version: its rule in force and how its recorded results were decided."""

    cut: CutScore
    rule: CutEquating | None
    equated: int  # scored attempts on this cut version decided on the equated cut
    raw: int  # ... and on the raw cut
    form_cuts: tuple[float, float] | None = None  # lowest and highest pass mark (percent) of those equated forms


@dataclass(frozen=True)
class EquatingStatus:
    """Whether the assessment's forms are equated, per cut-score version, and what the admin can do."""

    cuts: list[CutStatus]
    first_attempts: int
    min_attempts: int
    message: str

    @property
    def equated(self) -> bool:
        return bool(self.cuts) and self.cuts[-1].rule is not None


def status(assessment: Assessment) -> EquatingStatus:
    """The equating state as the cut-score and report pages state it."""
    counts = {
        (cut_id, rule): n
        for cut_id, rule, n in db.session.execute(
            select(Attempt.cut_score_id, AttemptScore.decision_rule, func.count())
            .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
            .where(Attempt.assessment_id == assessment.id)
            .group_by(Attempt.cut_score_id, AttemptScore.decision_rule)
        )
    }
    ranges = {
        cut_id: (low, high)
        for cut_id, low, high in db.session.execute(
            select(Attempt.cut_score_id, func.min(AttemptScore.cut_percent), func.max(AttemptScore.cut_percent))
            .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
            .where(Attempt.assessment_id == assessment.id, AttemptScore.decision_rule == "equated")
            .group_by(Attempt.cut_score_id)
        )
    }
    cuts = [
        CutStatus(
            cut,
            rule_in_force(cut.id),
            counts.get((cut.id, "equated"), 0),
            counts.get((cut.id, "raw"), 0),
            ranges.get(cut.id),
        )
        for cut in assessment.cut_scores
    ]
    first = int(
        db.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
            .where(Attempt.assessment_id == assessment.id, Attempt.number == 1)
        )
        or 0
    )
    return EquatingStatus(cuts, first, min_attempts(), _message(assessment, cuts, first))


def _message(assessment: Assessment, cuts: list[CutStatus], first: int) -> str:
    if not cuts:
        return "No cut score has been adopted yet."
    current = cuts[-1]
    if current.rule is None:
        return (
            f"Forms not yet equated: every attempt is decided on the raw cut of {current.cut.percent:g} %, whichever "
            f"form it drew. Calibrate (flask analysis calibrate {assessment.slug}) once at least {min_attempts()} "
            f"first attempts are scored ({first} so far); the equated pass marks then apply to new results."
        )
    rule = current.rule
    return (
        f"Forms are equated: cut version {current.cut.version} ({current.cut.percent:g} % of the blueprint's "
        f"expected form) is the ability {rule.theta_cut:+.3f} on calibration #{rule.calibration_id} "
        f"({rule.model}, {rule.attempts_used} attempts); each drawn form's pass mark is what a candidate at that "
        "ability expects to score on it."
    )
