"""Modified-Angoff standard setting: creating a study, saving (and parsing) ratings, and moving between rounds.

How a study runs is told in `certify.standard_setting`'s docstring; callers import the module they need.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from certify.assessments.models import Assessment
from certify.audit import services as audit
from certify.auth.models import User
from certify.core.angoff_sampling import SamplingError, allocate
from certify.core.standard_setting import MIN_PANEL
from certify.extensions import db
from certify.standard_setting.angoff_quality import blueprint_shares, draw, study_seed
from certify.standard_setting.angoff_results import round_result
from certify.standard_setting.angoff_study import (
    HOFSTEE_FIELDS,
    RatingProblems,
    StudyError,
    current_round,
    eligible_panellists,
    hofstee_field,
    is_panellist,
    items_of,
    live_pool,
    rating_field,
)
from certify.standard_setting.models import AngoffPanellist, AngoffRating, AngoffStudy

# --- Changing -------------------------------------------------------------------------------------


def create_study(
    actor: User,
    assessment: Assessment,
    title: str,
    panel_ids: Sequence[int],
    item_version_ids: Sequence[int] | None = None,
    *,
    size: int | None = None,
) -> tuple[AngoffStudy, list[str]]:
    """Start a study in round 1; returns it and warnings (a small panel is allowed, with a warning).

    Without `item_version_ids` the items are a stratified random sample of the live pool across the
    blueprint's competencies, in the blueprint's proportions: `size` items (default: one form's worth),
    drawn with a seed made from the study's id so the draw can be repeated.
    """
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
    if item_version_ids is not None and size is not None:
        raise StudyError("Either list the items to rate or give how many to draw, not both.")
    pool = live_pool(assessment)
    versions: list[int] = []
    if item_version_ids is None:
        shares = blueprint_shares(assessment)
        size = sum(shares.values()) if size is None else size
        if not shares:
            raise StudyError(f"{assessment.title} has no blueprint to draw the items from; list the items to rate.")
        if size < max(2, len(shares)):
            raise StudyError(
                f"Draw at least {max(2, len(shares))} items, so that every competency of the blueprint"
                f" ({', '.join(shares)}) is rated."
            )
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
    selection: dict[str, object] = {"method": "listed"}
    if item_version_ids is None:
        assert size is not None
        try:
            study.item_version_ids = draw(assessment, pool, size, study_seed(study.id))
        except SamplingError as exc:
            raise StudyError(f"Cannot draw {size} items from {assessment.title}: {exc}.") from None
        db.session.flush()
        selection = {
            "method": "stratified random sample across the blueprint's competencies",
            "seed": study_seed(study.id),
            "size": size,
            "allocation": allocate(blueprint_shares(assessment), size),
        }
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
        after={
            "assessment": assessment.slug,
            "title": study.title,
            "panel": chosen,
            "items": len(study.item_version_ids),
            "selection": selection,
        },
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
