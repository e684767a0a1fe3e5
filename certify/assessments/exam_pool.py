"""The pool an assessment's forms are drawn from: current pilot and live versions, their enemies, and,
when the pool is calibrated, each item's information at the cut-level ability.

The cut-level ability is the theta at which the expected blueprint form's expected percent equals the
cut (certify.core.irt.pool.cut_theta, from the live items with parameters).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

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
    grouped = [(cell.count, [p for _i, p in _calibrated_in(items, cell, params)]) for cell in cells]
    theta = cut_theta(grouped, cut_percent)
    if theta is None:
        return ExamPool(items, None)
    calibrated = [i for i in items if i.version_id in params]
    values = information_at([params[i.version_id] for i in calibrated], theta)
    information = {i.version_id: v for i, v in zip(calibrated, values, strict=True)}
    return ExamPool([replace(i, information=information.get(i.version_id)) for i in items], theta)


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
