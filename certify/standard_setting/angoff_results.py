"""Modified-Angoff standard setting: reading ratings, p-values, progress, each round's results and the adoption preview.

How a study runs is told in `certify.standard_setting`'s docstring; callers import the module they need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.models import ItemVersion
from certify.auth.models import User
from certify.core.standard_setting import (
    MIN_PANEL,
    AngoffRound,
    HofsteeJudgement,
    HofsteeResult,
    ItemRatings,
    angoff_round,
    hofstee,
)
from certify.extensions import db
from certify.standard_setting.angoff_quality import (
    RatingsVsP,
    RoundPrecision,
    first_attempt_p_values,
    first_attempts,
    precision,
    ratings_vs_p,
)
from certify.standard_setting.angoff_study import HOFSTEE_FIELDS, ROUNDS, assessment_of, items_of, panel_of
from certify.standard_setting.models import AngoffPanellist, AngoffRating, AngoffStudy


def ratings(study: AngoffStudy, round_number: int, user: User | None = None) -> dict[int, dict[int, float]]:
    """user id -> item version id -> rating (0..1) in one round."""
    query = select(AngoffRating).where(AngoffRating.study_id == study.id, AngoffRating.round == round_number)
    if user is not None:
        query = query.where(AngoffRating.user_id == user.id)
    wanted = set(study.item_version_ids)
    given: dict[int, dict[int, float]] = {}
    for row in db.session.scalars(query):
        if row.item_version_id in wanted:
            given.setdefault(row.user_id, {})[row.item_version_id] = row.rating
    return given


def my_ratings(study: AngoffStudy, user: User, round_number: int) -> dict[int, float]:
    return ratings(study, round_number, user).get(user.id, {})


def my_hofstee(study: AngoffStudy, user: User) -> dict[str, float]:
    row = db.session.get(AngoffPanellist, (study.id, user.id))
    return dict(row.hofstee or {}) if row is not None else {}


def p_values(study: AngoffStudy) -> dict[int, tuple[float, int]]:
    """item version id -> (mean credit, number of scored attempts presenting it), for this assessment only."""
    rows = db.session.execute(
        select(AttemptItem.item_version_id, func.avg(AttemptItem.credit), func.count())
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(
            Attempt.assessment_id == study.assessment_id,
            Attempt.status == "scored",
            AttemptItem.credit.is_not(None),
            AttemptItem.item_version_id.in_(study.item_version_ids),
        )
        .group_by(AttemptItem.item_version_id)
    ).all()
    return {version_id: (float(mean), int(n)) for version_id, mean, n in rows}


def observed_percents(assessment_id: int) -> list[float]:
    """Percent scores of each candidate's FIRST scored attempt at the assessment (what the Hofstee check reads).

    Retakes are left out: a candidate who fails and sits again would otherwise count twice, and the
    fail rate the panel judges is the one of candidates sitting the exam, not of attempts.
    """
    return list(
        db.session.scalars(
            select(AttemptScore.percent).where(AttemptScore.attempt_id.in_(first_attempts(assessment_id)))
        )
    )


@dataclass(frozen=True)
class Progress:
    user: User
    rated: dict[int, int]  # round -> items rated
    submitted: dict[int, bool]  # round -> every item rated
    gave_hofstee: bool


def progress(study: AngoffStudy) -> list[Progress]:
    """Each panellist's standing in each round."""
    total = len(study.item_version_ids)
    by_round = {n: ratings(study, n) for n in ROUNDS}
    judged = {p.user_id for p in study.panellists if _judgement(p.hofstee) is not None}
    rows = []
    for user in panel_of(study):
        rated = {n: len(by_round[n].get(user.id, {})) for n in ROUNDS}
        rows.append(Progress(user, rated, {n: total > 0 and rated[n] == total for n in ROUNDS}, user.id in judged))
    return rows


@dataclass(frozen=True)
class ItemRow:
    version: ItemVersion
    ratings: ItemRatings | None
    p_value: float | None
    attempts: int
    first_p: float | None = None  # over candidates' first scored attempts
    first_attempts: int = 0


@dataclass(frozen=True)
class RoundResult:
    number: int
    angoff: AngoffRound
    complete: list[User]
    missing: list[User]
    items: list[ItemRow]
    precision: RoundPrecision | None = None  # the raters x items G study
    vs_p: RatingsVsP | None = None  # the items' mean ratings against their observed p-values


@dataclass(frozen=True)
class StudyResults:
    rounds: list[RoundResult]
    final: RoundResult | None  # the latest round with at least one complete panellist
    hofstee: HofsteeResult | None
    judgements: int
    scores: list[float] = field(default_factory=list)


def round_result(
    study: AngoffStudy,
    round_number: int,
    *,
    pvalues: dict[int, tuple[float, int]] | None = None,
    first: dict[int, tuple[float, int]] | None = None,
) -> RoundResult:
    """One round's Angoff summary over the panellists who rated every item in it, with its G study and p check."""
    versions = items_of(study)
    keys = [str(v.id) for v in versions]
    given = ratings(study, round_number)
    panel = panel_of(study)
    complete = [u for u in panel if keys and len(given.get(u.id, {})) == len(keys)]
    summary = angoff_round(
        {str(u.id): {str(k): r for k, r in given[u.id].items()} for u in complete}, keys, min_panel=MIN_PANEL
    )
    per_item = {row.item_key: row for row in summary.items}
    pvalues = p_values(study) if pvalues is None else pvalues
    first = first_attempt_p_values(study.assessment_id, study.item_version_ids) if first is None else first
    items = []
    for version in versions:
        p, n = pvalues.get(version.id, (None, 0))
        first_p, first_n = first.get(version.id, (None, 0))
        items.append(ItemRow(version, per_item.get(str(version.id)), p, n, first_p, first_n))
    matrix = [[given[u.id][v.id] for v in versions] for u in complete]
    means = {v.id: per_item[str(v.id)].mean for v in versions if str(v.id) in per_item}
    return RoundResult(
        round_number,
        summary,
        complete,
        [u for u in panel if u not in complete],
        items,
        precision(matrix) if matrix else None,
        ratings_vs_p(means, first, pvalues) if means else None,
    )


def _judgement(data: Mapping[str, Any] | None) -> HofsteeJudgement | None:
    if not data or any(not isinstance(data.get(name), int | float) for name in HOFSTEE_FIELDS):
        return None
    return HofsteeJudgement(
        float(data["min_cut"]), float(data["max_cut"]), float(data["min_fail"]), float(data["max_fail"])
    )


def results(study: AngoffStudy) -> StudyResults:
    """Every round's result, and the Hofstee check beside the latest round's cut."""
    pvalues = p_values(study)
    first = first_attempt_p_values(study.assessment_id, study.item_version_ids)
    rounds = [round_result(study, n, pvalues=pvalues, first=first) for n in ROUNDS]
    final = next((r for r in reversed(rounds) if r.angoff.panel), None)
    judgements = [j for j in (_judgement(p.hofstee) for p in study.panellists) if j is not None]
    scores = observed_percents(study.assessment_id)
    check = None
    if judgements:
        check = hofstee(judgements, scores, angoff_cut_percent=final.angoff.cut_percent if final else None)
    return StudyResults(rounds, final, check, len(judgements), scores)


def adoption_preview(study: AngoffStudy, final: RoundResult | None = None) -> tuple[float, int] | None:
    """The percent and cut-score version adopting would create, or None when it cannot be adopted."""
    if study.state not in ("round2", "closed"):
        return None
    final = final or round_result(study, 2)
    if final.number != 2 or final.angoff.panel < 2 or final.angoff.cut_percent is None:
        return None
    current = assessment_of(study).cut_score
    return round(final.angoff.cut_percent, 2), (current.version + 1 if current else 1)
