"""Modified-Angoff standard setting: studies, their panels, two rounds of ratings, results and adoption.

A study rates a fixed list of item versions (by default the assessment's live pool when it is
created). Round 1 is independent; round 2 shows each item's p-value and the panel's round-1
spread, and panellists re-rate. A panellist has *submitted* a round once every item of the study
has a rating from them in that round: drafts are partial by definition, and a round's results use
only panellists who completed it. The statistics come from `certify.core.standard_setting`.

Adopting a study adds a new cut-score version to the assessment. Attempts keep the cut-score
version they started with, so no earlier result changes here; an admin re-decides earlier results
only through the regrade preview.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from certify.analysis.models import AngoffPanellist, AngoffRating, AngoffStudy
from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.models import Assessment, Bank, CutScore, Item, ItemVersion
from certify.audit import services as audit
from certify.auth.models import User, UserRole
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

PANEL_ROLES = ("assessor", "adjudicator", "admin")
ROUNDS = (1, 2)
METHOD = "modified_angoff"
# The four Hofstee judgements, in the order the form asks for them.
HOFSTEE_FIELDS: dict[str, str] = {
    "min_cut": "Lowest acceptable cut score (% of the maximum)",
    "max_cut": "Highest acceptable cut score (% of the maximum)",
    "min_fail": "Lowest acceptable fail rate (% of candidates)",
    "max_fail": "Highest acceptable fail rate (% of candidates)",
}
STATE_LABELS = {
    "round1": "Round 1: independent ratings",
    "round2": "Round 2: re-rating with data",
    "closed": "Closed",
    "adopted": "Adopted",
}


class StudyError(ValueError):
    """What the study's state or the request does not allow; the message is meant for people."""


class RatingProblems(StudyError):
    """Ratings or judgements that cannot be stored; `problems` maps form field names to messages."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(f"{count} answer{'s' if count != 1 else ''} need{'s' if count == 1 else ''} fixing.")


def rating_field(item_version_id: int) -> str:
    return f"rating-{item_version_id}"


def hofstee_field(name: str) -> str:
    return f"hofstee-{name}"


def current_round(study: AngoffStudy) -> int | None:
    """The round being rated, or None once the study is closed or adopted."""
    return {"round1": 1, "round2": 2}.get(study.state)


# --- Reading --------------------------------------------------------------------------------------


def eligible_panellists() -> list[User]:
    """Active accounts holding a role that may sit on a panel (subject-matter experts), by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(PANEL_ROLES))))
            .order_by(User.name, User.id)
        )
    )


def live_pool(assessment: Assessment) -> list[ItemVersion]:
    """The current live version of every item in the assessment's banks, in bank and authored order."""
    order = {slug: n for n, slug in enumerate(assessment.banks)}
    rows = db.session.execute(
        select(ItemVersion, Bank.slug)
        .join(Item, (ItemVersion.item_id == Item.id) & (ItemVersion.version == Item.current_version))
        .join(Bank, Item.bank_id == Bank.id)
        .where(Bank.slug.in_(assessment.banks), ItemVersion.status == "live")
        .order_by(Item.id)
    ).all()
    return [version for version, _slug in sorted(rows, key=lambda row: order[row[1]])]


def studies() -> list[AngoffStudy]:
    return list(db.session.scalars(select(AngoffStudy).order_by(AngoffStudy.id.desc())))


def get_study(study_id: int) -> AngoffStudy | None:
    return db.session.get(AngoffStudy, study_id)


def is_panellist(user: User, study: AngoffStudy) -> bool:
    return any(p.user_id == user.id for p in study.panellists)


def study_for_panellist(user: User, study_id: int) -> AngoffStudy | None:
    """The study, only when `user` sits on its panel (None otherwise, so the page is a 404)."""
    study = db.session.get(AngoffStudy, study_id)
    return study if study is not None and is_panellist(user, study) else None


def studies_for(user: User) -> list[AngoffStudy]:
    """Studies `user` sits on, newest first."""
    return list(
        db.session.scalars(
            select(AngoffStudy)
            .join(AngoffPanellist, AngoffPanellist.study_id == AngoffStudy.id)
            .where(AngoffPanellist.user_id == user.id)
            .order_by(AngoffStudy.id.desc())
        )
    )


def sits_on_a_panel(user_id: int) -> bool:
    return (
        db.session.scalar(select(AngoffPanellist.study_id).where(AngoffPanellist.user_id == user_id).limit(1))
        is not None
    )


def assessment_of(study: AngoffStudy) -> Assessment:
    assessment = db.session.get(Assessment, study.assessment_id)
    assert assessment is not None
    return assessment


def items_of(study: AngoffStudy) -> list[ItemVersion]:
    """The study's item versions, in the study's order."""
    found = {v.id: v for v in db.session.scalars(select(ItemVersion).where(ItemVersion.id.in_(study.item_version_ids)))}
    return [found[i] for i in study.item_version_ids if i in found]


def panel_of(study: AngoffStudy) -> list[User]:
    ids = [p.user_id for p in study.panellists]
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name, User.id)))


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
    """Percent scores of the assessment's scored attempts (the distribution the Hofstee check reads)."""
    return list(
        db.session.scalars(
            select(AttemptScore.percent)
            .join(Attempt, Attempt.id == AttemptScore.attempt_id)
            .where(Attempt.assessment_id == assessment_id, Attempt.status == "scored")
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


@dataclass(frozen=True)
class RoundResult:
    number: int
    angoff: AngoffRound
    complete: list[User]
    missing: list[User]
    items: list[ItemRow]


@dataclass(frozen=True)
class StudyResults:
    rounds: list[RoundResult]
    final: RoundResult | None  # the latest round with at least one complete panellist
    hofstee: HofsteeResult | None
    judgements: int
    scores: list[float] = field(default_factory=list)


def round_result(
    study: AngoffStudy, round_number: int, *, pvalues: dict[int, tuple[float, int]] | None = None
) -> RoundResult:
    """One round's Angoff summary over the panellists who rated every item in it."""
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
    items = []
    for version in versions:
        p, n = pvalues.get(version.id, (None, 0))
        items.append(ItemRow(version, per_item.get(str(version.id)), p, n))
    return RoundResult(round_number, summary, complete, [u for u in panel if u not in complete], items)


def _judgement(data: Mapping[str, Any] | None) -> HofsteeJudgement | None:
    if not data or any(not isinstance(data.get(name), int | float) for name in HOFSTEE_FIELDS):
        return None
    return HofsteeJudgement(
        float(data["min_cut"]), float(data["max_cut"]), float(data["min_fail"]), float(data["max_fail"])
    )


def results(study: AngoffStudy) -> StudyResults:
    """Every round's result, and the Hofstee check beside the latest round's cut."""
    pvalues = p_values(study)
    rounds = [round_result(study, n, pvalues=pvalues) for n in ROUNDS]
    final = next((r for r in reversed(rounds) if r.angoff.panel), None)
    judgements = [j for j in (_judgement(p.hofstee) for p in study.panellists) if j is not None]
    scores = observed_percents(study.assessment_id)
    check = None
    if judgements:
        check = hofstee(judgements, scores, angoff_cut_percent=final.angoff.cut_percent if final else None)
    return StudyResults(rounds, final, check, len(judgements), scores)


# --- Changing -------------------------------------------------------------------------------------


def create_study(
    actor: User,
    assessment: Assessment,
    title: str,
    panel_ids: Sequence[int],
    item_version_ids: Sequence[int] | None = None,
) -> tuple[AngoffStudy, list[str]]:
    """Start a study in round 1; returns it and warnings (a small panel is allowed, with a warning)."""
    title = title.strip()
    if not title:
        raise StudyError("Give the study a title.")
    eligible = {u.id: u for u in eligible_panellists()}
    chosen = list(dict.fromkeys(panel_ids))
    if not chosen:
        raise StudyError("Invite at least one panellist.")
    unknown = [i for i in chosen if i not in eligible]
    if unknown:
        raise StudyError(
            "Panellists must be active assessors, adjudicators or admins; "
            f"{len(unknown)} of those chosen {'is' if len(unknown) == 1 else 'are'} not."
        )
    pool = live_pool(assessment)
    if item_version_ids is None:
        versions = [v.id for v in pool]
    else:
        allowed = {v.id for v in pool}
        versions = list(dict.fromkeys(item_version_ids))
        if any(v not in allowed for v in versions):
            raise StudyError("Every item rated must be a live item in the assessment's pool.")
    if not versions:
        raise StudyError(f"{assessment.title} has no live items to rate.")
    study = AngoffStudy(
        assessment_id=assessment.id,
        title=title[:200],
        state="round1",
        item_version_ids=versions,
        created_by_id=actor.id,
        panellists=[AngoffPanellist(user_id=i, hofstee={}) for i in chosen],
    )
    db.session.add(study)
    db.session.flush()
    warnings = []
    if len(chosen) < MIN_PANEL:
        warnings.append(
            f"A panel of {len(chosen)} is below the minimum of {MIN_PANEL} (8 to 10 is better): "
            "the cut score will be unstable. Invite more panellists if you can."
        )
    audit.record(
        actor,
        "angoff.created",
        "angoff_study",
        study.id,
        after={"assessment": assessment.slug, "title": study.title, "panel": chosen, "items": len(versions)},
        note="; ".join(warnings),
    )
    return study, warnings


def _parse_percent(raw: str) -> float | None:
    """A percentage typed by a person: None when empty; ValueError with a message when unusable."""
    text = raw.strip().removesuffix("%").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError("Enter a number from 0 to 100, such as 65.") from None
    if not math.isfinite(value) or not 0.0 <= value <= 100.0:
        raise ValueError("Enter a number from 0 to 100.")
    return value


@dataclass(frozen=True)
class Saved:
    round: int
    rated: int
    total: int

    @property
    def complete(self) -> bool:
        return self.rated == self.total


def save_ratings(user: User, study: AngoffStudy, form: Mapping[str, str], *, submit: bool) -> Saved:
    """Store the panellist's ratings for the current round and their Hofstee judgements.

    A draft keeps whatever valid ratings were typed (a cleared field removes its rating);
    submitting needs every item rated. Nothing is stored when anything typed is wrong.
    """
    if not is_panellist(user, study):
        raise StudyError("You are not on this study's panel.")
    number = current_round(study)
    if number is None:
        raise StudyError("This study is closed: ratings can no longer change.")
    versions = items_of(study)
    problems: dict[str, str] = {}
    values: dict[int, float | None] = {}
    for position, version in enumerate(versions, start=1):
        name = rating_field(version.id)
        try:
            values[version.id] = _parse_percent(form.get(name, ""))
        except ValueError as exc:
            problems[name] = f"Item {position}: {exc}"
            continue
        if submit and values[version.id] is None:
            problems[name] = f"Item {position}: rate this item before you submit the round."
    judgement = _parse_hofstee(form, problems)
    if problems:
        raise RatingProblems(problems)
    stored = {
        row.item_version_id: row
        for row in db.session.scalars(
            select(AngoffRating).where(
                AngoffRating.study_id == study.id, AngoffRating.user_id == user.id, AngoffRating.round == number
            )
        )
    }
    for version_id, value in values.items():
        row = stored.get(version_id)
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(
                AngoffRating(
                    study_id=study.id, user_id=user.id, round=number, item_version_id=version_id, rating=value / 100.0
                )
            )
        elif abs(row.rating - value / 100.0) > 1e-12:
            row.rating = value / 100.0
    panellist = db.session.get(AngoffPanellist, (study.id, user.id))
    assert panellist is not None
    panellist.hofstee = judgement
    db.session.flush()
    return Saved(number, sum(1 for v in values.values() if v is not None), len(versions))


def _parse_hofstee(form: Mapping[str, str], problems: dict[str, str]) -> dict[str, float]:
    """All four judgements, or none (an empty dict); problems are added for anything else."""
    parsed: dict[str, float | None] = {}
    typed = 0
    for name, label in HOFSTEE_FIELDS.items():
        raw = form.get(hofstee_field(name), "")
        typed += bool(raw.strip())
        try:
            parsed[name] = _parse_percent(raw)
        except ValueError as exc:
            problems[hofstee_field(name)] = f"{label}: {exc}"
            parsed[name] = None
    if typed == 0:
        return {}
    for name, label in HOFSTEE_FIELDS.items():
        if not form.get(hofstee_field(name), "").strip():
            problems[hofstee_field(name)] = f"{label}: give all four Hofstee values, or leave all four empty."
    for low, high, what in (("min_cut", "max_cut", "cut score"), ("min_fail", "max_fail", "fail rate")):
        low_value, high_value = parsed[low], parsed[high]
        if low_value is not None and high_value is not None and low_value > high_value:
            problems[hofstee_field(high)] = f"{HOFSTEE_FIELDS[high]}: must be at least the lowest acceptable {what}."
    if any(hofstee_field(name) in problems for name in HOFSTEE_FIELDS):
        return {}
    return {name: value for name, value in parsed.items() if value is not None}


def advance(actor: User, study: AngoffStudy) -> list[User]:
    """Open round 2; returns the panellists who had not completed round 1 (left out of its results)."""
    if study.state != "round1":
        raise StudyError("Only a study in round 1 can move to round 2.")
    missing = round_result(study, 1).missing
    study.state = "round2"
    db.session.flush()
    audit.record(
        actor,
        "angoff.round2_opened",
        "angoff_study",
        study.id,
        before={"state": "round1"},
        after={"state": "round2", "round1_missing": [u.id for u in missing]},
    )
    return missing


def close(actor: User, study: AngoffStudy) -> None:
    """Stop rating; the results stay readable and round 2's cut can still be adopted."""
    if study.state not in ("round1", "round2"):
        raise StudyError("This study is already closed.")
    before = study.state
    study.state = "closed"
    db.session.flush()
    audit.record(actor, "angoff.closed", "angoff_study", study.id, before={"state": before}, after={"state": "closed"})


def _number(value: float | None, places: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{places}f}"


def adoption_preview(study: AngoffStudy, final: RoundResult | None = None) -> tuple[float, int] | None:
    """The percent and cut-score version adopting would create, or None when it cannot be adopted."""
    if study.state not in ("round2", "closed"):
        return None
    final = final or round_result(study, 2)
    if final.number != 2 or final.angoff.panel < 2 or final.angoff.cut_percent is None:
        return None
    current = assessment_of(study).cut_score
    return round(final.angoff.cut_percent, 2), (current.version + 1 if current else 1)


def adopt(actor: User, study: AngoffStudy) -> CutScore:
    """Add round 2's cut as the assessment's next cut-score version (audited). Earlier attempts keep theirs."""
    if study.state == "adopted":
        raise StudyError("This study's cut score has already been adopted; a study is adopted once.")
    if study.state == "round1":
        raise StudyError("A cut is adopted from round 2: open round 2 and let the panel re-rate first.")
    summary = results(study)
    final = summary.rounds[1]
    preview = adoption_preview(study, final)
    if preview is None:
        raise StudyError("At least two panellists must complete round 2 before its cut can be adopted.")
    percent, version = preview
    # Claim the study first: of two admins adopting at once, only one changes its state.
    claimed = db.session.execute(
        update(AngoffStudy)
        .where(AngoffStudy.id == study.id, AngoffStudy.state.in_(("round2", "closed")))
        .values(state="adopted")
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise StudyError("This study's cut score has already been adopted; a study is adopted once.")
    db.session.refresh(study)
    assessment = assessment_of(study)
    current = assessment.cut_score
    angoff = final.angoff
    check = summary.hofstee
    rationale = _rationale(study, final, check, summary.judgements, percent)
    cut = CutScore(
        assessment=assessment,
        version=version,
        method=METHOD,
        percent=percent,
        rationale=rationale,
        panel={
            "study_id": study.id,
            "round": 2,
            "panellists": angoff.panel,
            "items": int(angoff.max_score),
            "cut_raw": angoff.cut,
            "cut_percent": angoff.cut_percent,
            "sd": angoff.sd,
            "se": angoff.se,
            "sd_percent": angoff.sd_percent,
            "se_percent": angoff.se_percent,
            "panellist_scores": dict(angoff.panellist_scores),
            "hofstee": None
            if check is None
            else {
                "judgements": summary.judgements,
                "min_cut": check.min_cut,
                "max_cut": check.max_cut,
                "min_fail": check.min_fail,
                "max_fail": check.max_fail,
                "cut": check.cut,
                "fail_rate": check.fail_rate,
                "angoff_fail_rate": check.angoff_fail_rate,
                "angoff_inside": check.angoff_inside,
            },
        },
        adopted_by_id=actor.id,
    )
    db.session.add(cut)
    db.session.flush()
    study.adopted_cut_score_id = cut.id
    db.session.flush()
    audit.record(
        actor,
        "cut_score.adopted",
        "assessment",
        assessment.slug,
        before={"version": current.version, "percent": current.percent, "method": current.method} if current else None,
        after={"version": cut.version, "percent": cut.percent, "method": METHOD, "study_id": study.id},
        note=rationale,
    )
    return cut


def _rationale(
    study: AngoffStudy, final: RoundResult, check: HofsteeResult | None, judgements: int, percent: float
) -> str:
    a = final.angoff
    parts = [
        f"Modified Angoff study #{study.id} “{study.title}”, round 2:"
        f" {a.panel} panellists rated {int(a.max_score)} items.",
        f"Cut {_number(a.cut)} of {int(a.max_score)} points ({_number(a.cut_percent)} %, adopted as {percent:.2f} %);"
        f" SD {_number(a.sd)} ({_number(a.sd_percent)} %), SE {_number(a.se)} ({_number(a.se_percent)} %).",
    ]
    if a.panel < MIN_PANEL:
        parts.append(f"The panel is below the recommended minimum of {MIN_PANEL}.")
    if check is None:
        parts.append("No Hofstee judgements were given.")
    else:
        where = (
            "no compromise inside the panel's box"
            if check.cut is None
            else f"compromise {check.cut:.1f} % (fail rate {_number(check.fail_rate, 1)} %)"
        )
        inside = {True: "inside", False: "outside", None: "not comparable with"}[check.angoff_inside]
        parts.append(
            f"Hofstee check from {judgements} panellist{'s' if judgements != 1 else ''}: {where};"
            f" the Angoff cut lies {inside} the acceptable box."
        )
    return " ".join(parts)


def versions_for_refs(assessment: Assessment, text: str) -> list[int]:
    """Item ids typed by an admin (separated by spaces, commas or lines) as live pool versions, in that order."""
    refs = [ref for ref in text.replace(",", " ").split() if ref]
    by_ref = {version.item.ref: version.id for version in live_pool(assessment)}
    unknown = [ref for ref in refs if ref not in by_ref]
    if unknown:
        raise StudyError(
            f"Not live items of {assessment.title}: {', '.join(unknown[:10])}{' …' if len(unknown) > 10 else ''}."
        )
    return [by_ref[ref] for ref in refs]


def adopted_cut(study: AngoffStudy) -> CutScore | None:
    return db.session.get(CutScore, study.adopted_cut_score_id) if study.adopted_cut_score_id else None


def attempts_before(cut: CutScore) -> int:
    """Attempts of the assessment that run on an earlier cut-score version (they keep it)."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .join(CutScore, CutScore.id == Attempt.cut_score_id)
            .where(Attempt.assessment_id == cut.assessment_id, CutScore.version < cut.version)
        )
        or 0
    )
