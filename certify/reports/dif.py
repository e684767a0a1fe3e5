"""Differential item functioning (DIF) of an assessment's items between two groups of candidates.

For an assessment and a grouping (the focal group against everyone else, the reference group) this
runs the Mantel-Haenszel procedure of certify/core/dif.py on every item version the analysed attempts
were presented, and gives each its MH D-DIF, SE, chi-square p, ETS class A/B/C and group sizes.

Choices, and why:
* Attempts: each candidate's FIRST scored attempt by default (a retake is not an independent
  observation of the same person, and retakers have seen a form before); `all_attempts` keeps them all.
* Item score: an item is right when it earned full credit, wrong otherwise (partial credit and omits
  count as wrong): MH needs 0/1 scores, and partial-credit types are few.
* Matching: attempts draw different forms from a pool, so raw totals on different forms do not compare.
  Candidates are matched on their percent score on their own form: the credit earned on the form's scored
  items over their number (AttemptScore.percent), with the studied item always counted (as Holland &
  Thayer recommend; a pilot item is thus in its own criterion), in BAND_WIDTH-point bands: 0-4.99,
  5-9.99, ..., 95-100 (100 joins the top band), 20 strata. Five points rather than deciles: a coarse band
  leaves real ability differences between groups inside the band, which MH then reads as DIF when the
  groups differ in mean ability; 5 points is one raw point on a 20-item form, at most two on a 40-item
  one. Strata holding only one group carry no information and are left out by core.
* Purification (two-stage MH, Holland & Thayer 1988; Zwick 2012): an item with large DIF in the
  criterion shifts every other item's matching, making them look as if they favoured the other group.
  So when the first pass classes items C, the second pass leaves those items out of every OTHER item's
  criterion (each keeps itself), and its results are the ones reported; `purified` names them.
* Minimum group size: an item needs at least `min_group` candidates in EACH group among those presented
  it (CERTIFY_DIF_MIN_GROUP, default 100 as in core) before it gets a class; below that its status is
  "insufficient_data", with the statistics still given when they can be computed.

A grouping is one entry in GROUPINGS: its syntax (`cohort:<name or id>`, `accommodation`), how it picks
the focal attempts (an SQL condition on Attempt), and the choices it offers the page. A new grouping
(language, say) is one more entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, func, select

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.core.dif import MIN_GROUP, DifResult, mantel_haenszel
from certify.extensions import db
from certify.reports.models import Cohort, CohortMember

BAND_WIDTH = 5.0  # percent points per matching stratum
TOP_BAND = int(100 // BAND_WIDTH) - 1
FULL_CREDIT = 1.0 - 1e-9
INSUFFICIENT_DATA = "insufficient_data"
NOT_ESTIMABLE = "not_estimable"  # enough candidates, but MH is undefined (e.g. nobody in one group got it wrong)


class GroupingError(ValueError):
    """A grouping that cannot be read or found; the message says why and what would work."""


@dataclass(frozen=True)
class Grouping:
    key: str  # canonical text, as given back in reports: "cohort:Acme", "accommodation"
    label: str  # "cohort Acme"
    focal_label: str
    reference_label: str
    focal: ColumnElement[bool]  # true for the attempts of the focal group


@dataclass(frozen=True)
class GroupingKind:
    name: str
    argument: str  # what follows "name:" ("" when the grouping takes none)
    resolve: Callable[[str], Grouping]
    choices: Callable[[], list[tuple[str, str]]]  # (key, label) for the page's chooser


def band(percent: float) -> int:
    """The matching stratum of a percent score: 0 for 0-4.99, ..., 19 for 95-100."""
    return min(max(int(percent // BAND_WIDTH), 0), TOP_BAND)


def _cohort(argument: str) -> Grouping:
    wanted = argument.strip()
    if not wanted:
        raise GroupingError("say which cohort: cohort:<name or id>")
    cohort = db.session.scalar(select(Cohort).where(func.lower(Cohort.name) == wanted.lower()))
    if cohort is None and wanted.isdigit():
        cohort = db.session.get(Cohort, int(wanted))
    if cohort is None:
        known = ", ".join(c.name for c in db.session.scalars(select(Cohort).order_by(Cohort.name)))
        raise GroupingError(f"no cohort {wanted!r}; known: {known or 'none yet'}")
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    return Grouping(
        f"cohort:{cohort.name}",
        f"cohort {cohort.name}",
        f"members of {cohort.name}",
        "everyone else",
        Attempt.user_id.in_(members),
    )


def _cohort_choices() -> list[tuple[str, str]]:
    return [(f"cohort:{c.name}", f"Cohort: {c.name}") for c in db.session.scalars(select(Cohort).order_by(Cohort.name))]


def _accommodation(argument: str) -> Grouping:
    if argument:
        raise GroupingError("accommodation takes no argument: write just `accommodation`")
    # In force = the attempt ran with extra time (its multiplier is set from the accommodation when it starts
    # and updated when the accommodation changes while it is open); a notes-only accommodation does not count.
    return Grouping(
        "accommodation",
        "accommodation",
        "attempts with an accommodation in force",
        "attempts without one",
        Attempt.time_multiplier > 1.0,
    )


GROUPINGS: dict[str, GroupingKind] = {
    "cohort": GroupingKind("cohort", "<cohort name or id>", _cohort, _cohort_choices),
    "accommodation": GroupingKind("accommodation", "", _accommodation, lambda: [("accommodation", "Accommodation")]),
}


def grouping_syntax() -> str:
    return ", ".join(f"{k.name}:{k.argument}" if k.argument else k.name for k in GROUPINGS.values())


def parse_grouping(text: str) -> Grouping:
    """The grouping named by `text`; GroupingError for an unknown kind or a missing cohort."""
    name, _, argument = text.strip().partition(":")
    kind = GROUPINGS.get(name.strip().lower())
    if kind is None:
        raise GroupingError(f"unknown grouping {text.strip()!r}; use one of: {grouping_syntax()}")
    return kind.resolve(argument)


def grouping_choices() -> list[tuple[str, str]]:
    return [choice for kind in GROUPINGS.values() for choice in kind.choices()]


def configured_min_group() -> int:
    return int(current_app.config.get("DIF_MIN_GROUP", MIN_GROUP))


@dataclass
class DifReport:
    assessment: str
    grouping: Grouping
    all_attempts: bool
    min_group: int
    focal_n: int = 0
    reference_n: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)
    purified: list[str] = field(default_factory=list)  # C items of the first pass, left out of others' matching

    def as_dict(self) -> dict[str, Any]:
        """The `flask analysis dif --json` contract (fields are only ever added)."""
        return {
            "assessment": self.assessment,
            "group": self.grouping.key,
            "focal": self.grouping.focal_label,
            "reference": self.grouping.reference_label,
            "focal_n": self.focal_n,
            "reference_n": self.reference_n,
            "attempts": "all" if self.all_attempts else "first",
            "matching": f"percent score on the candidate's form, {BAND_WIDTH:g}-point bands",
            "min_group": self.min_group,
            "purified": self.purified,
            "items": self.items,
        }

    def count(self, cls: str) -> int:
        return sum(1 for i in self.items if i["class"] == cls)


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


def _attempt_rows(assessment: Assessment, grouping: Grouping, all_attempts: bool) -> list[Any]:
    """(attempt id, focal 0/1, item version id, credit, scored) for every item of every analysed attempt."""
    query = (
        select(
            Attempt.id,
            case((grouping.focal, 1), else_=0).label("focal"),
            AttemptItem.item_version_id,
            AttemptItem.credit,
            AttemptItem.scored,
        )
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .join(AttemptItem, AttemptItem.attempt_id == Attempt.id)
        .where(Attempt.assessment_id == assessment.id)
    )
    if not all_attempts:
        first = (
            select(Attempt.user_id, func.min(Attempt.number).label("number"))
            .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
            .where(Attempt.assessment_id == assessment.id)
            .group_by(Attempt.user_id)
            .subquery()
        )
        query = query.join(first, and_(first.c.user_id == Attempt.user_id, first.c.number == Attempt.number))
    return list(db.session.execute(query.order_by(Attempt.id, AttemptItem.position)).all())


@dataclass
class _Sitting:
    """One analysed attempt: its group and each presented item's credit and whether it is scored."""

    focal: bool
    credits: dict[int, tuple[float, bool]] = field(default_factory=dict)


def _pass(sittings: list[_Sitting], version_ids: list[int], left_out: set[int], minimum: int) -> dict[int, DifResult]:
    """MH DIF of each item version, matched on the percent over the scored items not left out, itself included."""
    data: dict[int, tuple[list[int], list[bool], list[int]]] = {vid: ([], [], []) for vid in version_ids}
    for sitting in sittings:
        counted = [(vid, credit) for vid, (credit, scored) in sitting.credits.items() if scored and vid not in left_out]
        total, count = sum(credit for _vid, credit in counted), len(counted)
        inside = {vid for vid, _credit in counted}
        for vid, (own, _scored) in sitting.credits.items():
            points, items = (total, count) if vid in inside else (total + own, count + 1)
            correct, focal, strata = data[vid]
            correct.append(1 if own >= FULL_CREDIT else 0)
            focal.append(sitting.focal)
            strata.append(band(100.0 * points / items))
    return {vid: mantel_haenszel(*data[vid], min_group=minimum) for vid in version_ids}


def _item_dict(names: tuple[str, int, str], result: DifResult) -> dict[str, Any]:
    ref, number, code = names
    status: str = result.status
    if status == "ok" and result.category is None:
        status = NOT_ESTIMABLE
    return {
        "item_ref": ref,
        "version": number,
        "competency": code,
        "status": status,
        "class": result.category,
        "mh_d_dif": _round(result.d_dif),
        "se": _round(result.se_d_dif),
        "p": _round(result.p_value, 6),
        "n_focal": result.n_focal,
        "n_reference": result.n_reference,
        "alpha_mh": _round(result.alpha_mh),
        "chi_square": _round(result.chi_square),
        "favours": result.favours,
        "strata": result.strata,
    }


def dif_report(
    assessment: Assessment, grouping: Grouping, *, all_attempts: bool = False, min_group: int | None = None
) -> DifReport:
    """MH DIF of every item version presented in the analysed attempts, by item reference and version."""
    minimum = configured_min_group() if min_group is None else min_group
    report = DifReport(assessment.slug, grouping, all_attempts, minimum)
    sittings: dict[int, _Sitting] = {}
    for attempt_id, focal, version_id, credit, scored in _attempt_rows(assessment, grouping, all_attempts):
        sitting = sittings.setdefault(attempt_id, _Sitting(bool(focal)))
        sitting.credits[version_id] = (float(credit or 0.0), bool(scored))
    report.focal_n = sum(s.focal for s in sittings.values())
    report.reference_n = len(sittings) - report.focal_n
    presented = {vid for s in sittings.values() for vid in s.credits}
    names = {
        vid: (ref, number, code)
        for vid, ref, number, code in db.session.execute(
            select(ItemVersion.id, Item.ref, ItemVersion.version, ItemVersion.competency_code)
            .join(Item, Item.id == ItemVersion.item_id)
            .where(ItemVersion.id.in_(presented))
        )
    }
    ordered = sorted(presented, key=lambda vid: names[vid][:2])
    rows = list(sittings.values())
    results = _pass(rows, ordered, set(), minimum)
    flagged = {vid for vid, result in results.items() if result.category == "C"}
    if flagged:
        results = _pass(rows, ordered, flagged, minimum)
        report.purified = [f"{names[vid][0]} v{names[vid][1]}" for vid in ordered if vid in flagged]
    report.items = [_item_dict(names[vid], results[vid]) for vid in ordered]
    return report
