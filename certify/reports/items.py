"""Item and test analysis of an assessment, from scored attempts, cached in a snapshot.

Every attempt draws its own form from the pool, so the two analyses see the data
differently. Item statistics are per item version, over the attempts that were
presented it (each attempt's total is the score on its own form). Test statistics
treat a form as slots: the k-th scored item of each competency is one column,
which is how reliability of randomly parallel forms is estimated.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.attempt_models import Response as AnswerRow
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.core.item_analysis import ItemInfo, ItemStats, Response, Thresholds, analyse_items, build_matrix
from certify.core.item_flags import ci_flags
from certify.core.sample_size import MIN_ATTEMPTS, MIN_ITEM_N
from certify.core.scoring import is_omitted
from certify.core.test_analysis import analyse_test
from certify.database import utcnow
from certify.extensions import db
from certify.reports.attempt_sets import ALL, FIRST, chosen_attempt_ids, retakes
from certify.reports.calibration import latest as latest_stored
from certify.reports.choices import CHOICE_TYPES, authored_choice, options_and_key
from certify.reports.form_quality import form_quality
from certify.reports.irt_payload import irt_parts, item_irt
from certify.reports.models import AnalysisSnapshot

# The payload's shape: 2 = flags as {code, n, ci} objects resting on confidence intervals, `alpha` beside `kr20`;
# 3 = first attempts by default (`test.attempts`, `test.retakes`), `items[].irt`, `test.decision/forms/scale`;
# later additions (a snapshot without them is recomputed): `test.exposure`, `test.form_information`,
# `items[].exposure`, `items[].information_at_cut`.
PAYLOAD_FORMAT = 3
INSUFFICIENT_DATA = "insufficient_data"


def state(assessment: Assessment) -> tuple[int, datetime | None]:
    """How many attempts are scored, and the latest scoring time: a snapshot is fresh while these match."""
    count, latest = db.session.execute(
        select(func.count(), func.max(AttemptScore.scored_at))
        .select_from(AttemptScore)
        .join(Attempt, Attempt.id == AttemptScore.attempt_id)
        .where(Attempt.assessment_id == assessment.id)
    ).one()
    return int(count or 0), latest


def configured_thresholds() -> Thresholds:
    """The flag limits, with the minimum numbers of attempts from the configuration."""
    config = current_app.config
    return Thresholds(
        min_attempts=int(config.get("ANALYSIS_MIN_ATTEMPTS", MIN_ATTEMPTS)),
        min_item_n=int(config.get("ANALYSIS_MIN_ITEM_N", MIN_ITEM_N)),
    )


def compute(
    assessment: Assessment, limits: Thresholds | None = None, *, people: Any = None, all_attempts: bool = False
) -> dict[str, Any]:
    """The full analysis as a JSON-ready dict (the shape `flask analysis items --json` prints).

    Each candidate's first scored attempt is analysed unless `all_attempts` (attempt_sets says why).
    `people` (a subquery of user ids, from the report filters) restricts it to those candidates' attempts.
    IRT parameters and decision quality come from the stored calibration (calibration.py), never made here.
    """
    limits = limits or configured_thresholds()
    chosen = chosen_attempt_ids(assessment, all_attempts=all_attempts, people=people)
    rows = db.session.execute(
        select(
            AttemptItem.attempt_id,
            AttemptItem.position,
            AttemptItem.item_version_id,
            AttemptItem.scored,
            AttemptItem.credit,
            AttemptItem.first_seen_at,
            AnswerRow.answer,
            AnswerRow.saved_at,
            Attempt.seed,
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .outerjoin(AnswerRow, AnswerRow.attempt_item_id == AttemptItem.id)
        .where(Attempt.id.in_(chosen))
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
    ).all()
    version_ids = {row.item_version_id for row in rows}
    versions = {
        v.id: (v, ref)
        for v, ref in db.session.execute(
            select(ItemVersion, Item.ref)
            .join(Item, Item.id == ItemVersion.item_id)
            .where(ItemVersion.id.in_(version_ids))
        )
    }
    infos: dict[int, ItemInfo] = {}
    for vid, (version, ref) in versions.items():
        options, key = options_and_key(version.content)
        scored = version.status != "pilot"
        infos[vid] = ItemInfo(f"{ref}@v{version.version}", version.competency_code, scored, options, key)
    responses, slots, slot_info = [], [], {}
    slot_count: dict[tuple[int, str], int] = defaultdict(int)
    forms: dict[int, set[int]] = defaultdict(set)
    presented: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        presented[row.attempt_id].add(row.item_version_id)
        version, _ref = versions[row.item_version_id]
        omitted = is_omitted(row.answer)
        credit = None if omitted else float(row.credit or 0.0)
        choice = None
        if version.type in CHOICE_TYPES and not omitted:
            choice = authored_choice(version.content, f"{row.seed}:{row.position}", row.answer)
        seconds = None
        if row.first_seen_at and row.saved_at and row.saved_at >= row.first_seen_at:
            seconds = (row.saved_at - row.first_seen_at).total_seconds()
        info = infos[row.item_version_id]
        responses.append(Response(str(row.attempt_id), info.item_key, credit, choice, seconds))
        if row.scored and info.scored:
            forms[row.attempt_id].add(row.item_version_id)
            slot_count[(row.attempt_id, info.competency)] += 1
            slot = f"{info.competency}#{slot_count[(row.attempt_id, info.competency)]}"
            slot_info.setdefault(slot, ItemInfo(slot, info.competency))
            slots.append(Response(str(row.attempt_id), slot, credit))
    ordered = sorted(infos.values(), key=lambda i: i.item_key)
    item_stats = analyse_items(build_matrix(responses, ordered), limits)
    cut = assessment.cut_scores[-1].percent if assessment.cut_scores else None
    slot_matrix = build_matrix(slots, sorted(slot_info.values(), key=lambda i: i.item_key))
    test = analyse_test(slot_matrix, cut_percent=cut, min_n=limits.min_attempts)
    decisions = db.session.execute(
        select(AttemptScore.passed, AttemptScore.percent).where(AttemptScore.attempt_id.in_(chosen))
    ).all()
    by_key = {info.item_key: vid for vid, info in infos.items()}
    irt_test, params, calibration = irt_parts(assessment, [frozenset(f) for f in forms.values()])
    theta_cut = (irt_test.get("scale") or {}).get("theta_cut")
    quality = form_quality(assessment, presented, forms, {v: i.item_key for v, i in infos.items()}, params, theta_cut)
    return {
        "format": PAYLOAD_FORMAT,
        "assessment": assessment.slug,
        "computed_at": utcnow().isoformat(),
        "calibration": None
        if calibration is None
        else {"id": calibration.id, "model": calibration.model, "computed_at": calibration.computed_at.isoformat()},
        "test": {
            "attempts": ALL if all_attempts else FIRST,
            "retakes": retakes(assessment, people=people),
            "n": test.n,
            "items": test.items,
            "mean": _round(test.mean),
            "sd": _round(test.sd),
            "mean_percent": _round(100 * test.mean / test.max_score)
            if test.mean is not None and test.max_score
            else None,
            "alpha": _round(test.reliability),
            "kr20": _round(test.reliability),  # the earlier name of `alpha`, kept for existing readers
            "reliability_method": test.reliability_method,
            "sem": _round(test.sem),
            "pass_rate": _round(sum(1 for p, _ in decisions if p) / len(decisions)) if decisions else None,
            "pass_rate_at_cut": _round(test.pass_rate),
            "cut_percent": cut,
            "decision_consistency": _round(test.decision_consistency),
            "decision_kappa": _round(test.decision_kappa),
            "meets_reliability_target": test.meets_target,
            "competency_reliability": {c: _round(r) for c, r in sorted(test.competency_reliability.items())},
            # Below min_n attempts reliability, SEM and decision consistency are shown as not yet interpretable.
            "interpretable": test.interpretable,
            "min_n": test.min_n,
            "percents": [round(float(p), 2) for _, p in decisions],
            **irt_test,
            **quality.test,
        },
        "items": [
            {
                **_item_dict(s, versions[by_key[s.item_key]][0], limits),
                "irt": item_irt(params[by_key[s.item_key]][1] if by_key[s.item_key] in params else None),
                "exposure": _round(quality.exposure.get(by_key[s.item_key])),
                "information_at_cut": quality.information.get(by_key[s.item_key]),
            }
            for s in item_stats
        ],
    }


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


def _flags(stats: ItemStats, limits: Thresholds) -> list[dict[str, Any]]:
    """Each flag with the n and confidence interval it rests on; `insufficient_data` below the minimum n."""
    judged = ci_flags(stats, limits)
    if judged.status == "insufficient_data":
        return [{"code": INSUFFICIENT_DATA, "n": judged.n, "ci": None}]
    return [
        {"code": f.code, "n": f.n, "ci": [_round(f.ci[0]), _round(f.ci[1])] if f.ci else None} for f in judged.flags
    ]


def flag_codes(item: dict[str, Any]) -> list[str]:
    """The codes of an analysed item's flags, leaving out `insufficient_data` (which is not a finding)."""
    return [f["code"] for f in item["flags"] if f["code"] != INSUFFICIENT_DATA]


def flags_text(item: dict[str, Any]) -> str:
    """The flags as one line for files and the terminal: "too hard (n=40, 95% CI 0.05-0.19)"."""
    return ", ".join(
        f["code"].replace("_", " ")
        + f" (n={f['n']}"
        + (f", 95% CI {f['ci'][0]:.2f} to {f['ci'][1]:.2f})" if f["ci"] else ")")
        for f in item["flags"]
    )


def _item_dict(stats: ItemStats, version: ItemVersion, limits: Thresholds) -> dict[str, Any]:
    ref, _, number = stats.item_key.rpartition("@v")
    return {
        "item_ref": ref,
        "version": int(number),
        "status": version.status,
        "type": version.type,
        "competency": stats.competency,
        "scored": stats.scored,
        "n": stats.n,
        "p": _round(stats.p),
        "point_biserial": _round(stats.point_biserial),
        "discrimination_27": _round(stats.d),
        "upper_p": _round(stats.upper_p),
        "lower_p": _round(stats.lower_p),
        "omit_rate": _round(stats.omit_rate),
        "median_seconds": _round(stats.median_seconds, 1),
        "difficulty_band": stats.difficulty_band,
        "discrimination_band": stats.discrimination_band,
        "flags": _flags(stats, limits),
        "interpretable": stats.interpretable,  # enough attempts for the bands and flags to be read
        "min_n": stats.min_n,
        "distractors": [
            {k: (_round(v) if isinstance(v, float) else v) for k, v in asdict(d).items()} for d in stats.distractors
        ],
    }


def snapshot(assessment: Assessment, *, refresh: bool = False) -> AnalysisSnapshot:
    """The cached analysis; recomputed when asked or when attempts were scored since it was made."""
    count, latest = state(assessment)
    current = db.session.get(AnalysisSnapshot, assessment.id)
    if current is not None and not refresh and _fresh(current, count, latest):
        return current
    started = time.perf_counter()
    payload = compute(assessment)
    if current is None:
        current = AnalysisSnapshot(assessment_id=assessment.id)
        db.session.add(current)
    current.payload, current.scored_attempts, current.latest_scored_at = payload, count, latest
    current.computed_at, current.seconds = utcnow(), time.perf_counter() - started
    db.session.flush()
    return current


def latest_calibration(current: AnalysisSnapshot) -> Any:
    """The stored calibration a fresh snapshot must have been computed with (a newer one makes it stale)."""
    assessment = db.session.get(Assessment, current.assessment_id)
    return None if assessment is None else latest_stored(assessment)


def _fresh(current: AnalysisSnapshot, count: int, latest: datetime | None) -> bool:
    # A snapshot stored in an earlier shape (string flags, no min_n) is recomputed rather than misread.
    payload = current.payload
    current_shape = payload.get("format") == PAYLOAD_FORMAT and {"min_n", "exposure"} <= set(payload.get("test", {}))
    stored = latest_calibration(current)
    calibrated = (payload.get("calibration") or {}).get("id") == (stored.id if stored is not None else None)
    return current_shape and calibrated and current.scored_attempts == count and current.latest_scored_at == latest


def stale_analyses_count() -> int:
    """Assessments whose scored attempts are not all in their analysis (or that have none yet)."""
    stale = 0
    for assessment in db.session.scalars(select(Assessment)):
        count, latest = state(assessment)
        current = db.session.get(AnalysisSnapshot, assessment.id)
        stale += count > 0 if current is None else not _fresh(current, count, latest)
    return stale


def is_stale(assessment: Assessment) -> bool:
    current = db.session.get(AnalysisSnapshot, assessment.id)
    return current is None or not _fresh(current, *state(assessment))
