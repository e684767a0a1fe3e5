"""The pool an assessment's forms are drawn from: current pilot and live versions, their enemies, and,
when the pool is calibrated, each item's information at the cut-level ability.

The cut-level ability is the theta at which the expected blueprint form's expected percent equals the
cut (certify.core.irt.pool.cut_theta, from the live items with parameters).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, select

from certify.assessments.item_content import contents
from certify.assessments.item_parameters import calibrated_parameters
from certify.assessments.models import AT_CURRENT_VERSION, Assessment, Bank, Item, ItemVersion
from certify.core.assembly import PoolItem
from certify.core.assessment_spec import BlueprintCell
from certify.core.irt import ItemParameters
from certify.core.irt.pool import cut_theta, information_at
from certify.extensions import db

POOL_CACHE = "certify.exam_pools"


@dataclass(frozen=True)
class ExamPool:
    items: list[PoolItem]
    theta_cut: float | None  # None: not calibrated (or the cut lies beyond the calibrated items' reach)
    hashes: Mapping[int, str] = field(default_factory=dict)  # version id -> content hash (item_content)


def blueprint_cells(assessment: Assessment) -> list[BlueprintCell]:
    return [BlueprintCell(c["competency"], c["bloom"], int(c["count"])) for c in assessment.blueprint]


def _in_pool(assessment: Assessment) -> Any:
    return and_(Bank.slug.in_(assessment.banks), ItemVersion.status.in_(("live", "pilot")))


def _fingerprint(assessment: Assessment) -> tuple[Any, ...]:
    """What the pool is made of, in one aggregate row: how many versions, and two sums over their ids weighted
    by status. A new version (import), a status change (review, piloting, retirement) or a bank added to the
    assessment changes it; everything else a pool item holds belongs to an immutable version."""
    row = db.session.execute(_FINGERPRINT, {"the_banks": list(assessment.banks)}).one()
    return (assessment.id, tuple(assessment.banks), *(int(value or 0) for value in row))


# Built once with bound parameters: building it per start cost more than running it.
_WEIGHT = case((ItemVersion.status == "live", 2), else_=1)
_FINGERPRINT = (
    select(func.count(), func.sum(ItemVersion.id * _WEIGHT), func.sum(ItemVersion.id * ItemVersion.id * _WEIGHT))
    .select_from(ItemVersion)
    .join(Item, AT_CURRENT_VERSION)
    .join(Bank)
    .where(Bank.slug.in_(bindparam("the_banks", expanding=True)), ItemVersion.status.in_(("live", "pilot")))
)


def _items(assessment: Assessment) -> tuple[list[PoolItem], dict[int, str]]:
    """The pool's items and their content hashes, kept by the app while the pool's fingerprint holds.

    Every start draws from the pool: reading its few hundred rows was a third of a start's time. The cache
    belongs to the app (a worker's app lives as long as the worker), so apps built by tests never share one.
    """
    cached: dict[int, tuple[tuple[Any, ...], list[PoolItem], dict[int, str]]]
    cached = current_app.extensions.setdefault(POOL_CACHE, {})
    fingerprint = _fingerprint(assessment)
    hit = cached.get(assessment.id)
    if hit is not None and hit[0] == fingerprint:
        return hit[1], hit[2]
    items, hashes = _read_items(assessment)
    cached[assessment.id] = (fingerprint, items, hashes)
    return items, hashes


def _read_items(assessment: Assessment) -> tuple[list[PoolItem], dict[int, str]]:
    """The pool's items and their content hashes; the enemies come from the content (item_content)."""
    rows = db.session.execute(
        select(
            ItemVersion.id,
            Item.id,
            ItemVersion.competency_code,
            ItemVersion.bloom,
            ItemVersion.status,
            Item.ref,
            ItemVersion.content_hash,
        )
        .join(Item, AT_CURRENT_VERSION)
        .join(Bank)
        .where(_in_pool(assessment))
        .order_by(ItemVersion.id)  # a form is reproducible from its seed only if the pool comes in one order
    ).all()
    hashes = {row[0]: row[6] for row in rows}
    content = contents(hashes.items())
    ids = {ref: item_id for _vid, item_id, _code, _bloom, _status, ref, _hash in rows}

    def enemies(digest: str) -> frozenset[int]:
        return frozenset(ids[e] for e in content[digest].get("enemies") or () if e in ids)

    items = [
        PoolItem(vid, item_id, code, bloom, status, ref, enemies(digest))
        for vid, item_id, code, bloom, status, ref, digest in rows
    ]
    return items, hashes


def with_information(
    items: list[PoolItem],
    cells: list[BlueprintCell],
    params: Mapping[int, ItemParameters],
    cut_percent: float,
    hashes: Mapping[int, str] | None = None,
) -> ExamPool:
    """The items with their information at the cut-level ability (unchanged when that cannot be found)."""
    hashes = hashes or {}
    if not params:
        return ExamPool(items, None, hashes)
    grouped = tuple((cell.count, tuple(p for _i, p in _calibrated_in(items, cell, params))) for cell in cells)
    calibrated = [i for i in items if i.version_id in params]
    read = _read_at_cut(grouped, tuple(params[i.version_id] for i in calibrated), float(cut_percent))
    if read is None:
        return ExamPool(items, None, hashes)
    theta, values = read
    information = {i.version_id: v for i, v in zip(calibrated, values, strict=True)}
    return ExamPool([replace(i, information=information.get(i.version_id)) for i in items], theta, hashes)


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
    items, hashes = _items(assessment)
    cut = assessment.cut_score
    if cut is None:
        return ExamPool(items, None, hashes)
    cells, params = blueprint_cells(assessment), calibrated_parameters(assessment)
    return with_information(items, cells, params, cut.percent, hashes)
