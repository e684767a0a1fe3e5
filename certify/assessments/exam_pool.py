"""The pool an assessment's forms are drawn from: current pilot and live versions, their enemies, and,
when the pool is calibrated, each item's information at the cut-level ability.

The cut-level ability is the theta at which the expected blueprint form's expected percent equals the
cut (certify.core.irt.pool.cut_theta, from the live items with parameters).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from sqlalchemy import select

from certify.assessments.item_parameters import calibrated_parameters
from certify.assessments.models import AT_CURRENT_VERSION, Assessment, Bank, Item, ItemVersion
from certify.core.assembly import PoolItem
from certify.core.assessment_spec import BlueprintCell
from certify.core.irt import ItemParameters
from certify.core.irt.pool import cut_theta, information_at
from certify.extensions import db


@dataclass(frozen=True)
class ExamPool:
    items: list[PoolItem]
    theta_cut: float | None  # None: not calibrated (or the cut lies beyond the calibrated items' reach)


def blueprint_cells(assessment: Assessment) -> list[BlueprintCell]:
    return [BlueprintCell(c["competency"], c["bloom"], int(c["count"])) for c in assessment.blueprint]


def _items(assessment: Assessment) -> list[PoolItem]:
    rows = db.session.execute(
        select(
            ItemVersion.id,
            Item.id,
            ItemVersion.competency_code,
            ItemVersion.bloom,
            ItemVersion.status,
            Item.ref,
            ItemVersion.content["enemies"],
        )
        .join(Item, AT_CURRENT_VERSION)
        .join(Bank)
        .where(Bank.slug.in_(assessment.banks), ItemVersion.status.in_(("live", "pilot")))
    ).all()
    ids = {ref: item_id for _vid, item_id, _code, _bloom, _status, ref, _enemies in rows}
    return [
        PoolItem(vid, item_id, code, bloom, status, ref, frozenset(ids[e] for e in enemies or () if e in ids))
        for vid, item_id, code, bloom, status, ref, enemies in rows
    ]


def with_information(
    items: list[PoolItem], cells: list[BlueprintCell], params: Mapping[int, ItemParameters], cut_percent: float
) -> ExamPool:
    """The items with their information at the cut-level ability (unchanged when that cannot be found)."""
    if not params:
        return ExamPool(items, None)
    grouped = tuple((cell.count, tuple(p for _i, p in _calibrated_in(items, cell, params))) for cell in cells)
    calibrated = [i for i in items if i.version_id in params]
    read = _read_at_cut(grouped, tuple(params[i.version_id] for i in calibrated), float(cut_percent))
    if read is None:
        return ExamPool(items, None)
    theta, values = read
    information = {i.version_id: v for i, v in zip(calibrated, values, strict=True)}
    return ExamPool([replace(i, information=information.get(i.version_id)) for i in items], theta)


@lru_cache(maxsize=16)
def _read_at_cut(
    grouped: tuple[tuple[int, tuple[ItemParameters, ...]], ...], calibrated: tuple[ItemParameters, ...], cut: float
) -> tuple[float, list[float]] | None:
    """The cut-level ability and the items' information there: the same for every form drawn from a pool, so
    computed once per pool, cut and calibration rather than at every start (it was most of a start's time)."""
    theta = cut_theta(grouped, cut)
    return None if theta is None else (theta, information_at(calibrated, theta))


def _calibrated_in(
    items: list[PoolItem], cell: BlueprintCell, params: Mapping[int, ItemParameters]
) -> list[tuple[PoolItem, ItemParameters]]:
    return [
        (i, params[i.version_id])
        for i in items
        if i.status == "live" and (i.competency, i.bloom) == (cell.competency, cell.bloom) and i.version_id in params
    ]


def exam_pool(assessment: Assessment) -> ExamPool:
    """The assessment's pool, read at its current cut when it is calibrated."""
    items = _items(assessment)
    cut = assessment.cut_score
    if cut is None:
        return ExamPool(items, None)
    return with_information(items, blueprint_cells(assessment), calibrated_parameters(assessment), cut.percent)
