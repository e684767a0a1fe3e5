"""How the drawn forms came out: each item's exposure, and each form's information at the cut.

Exposure of an item version: the share of the analysed attempts (each candidate's first by default) whose
form held it, scored or pilot (`items[].exposure`). `test.exposure` gives the largest, the bound set for
the assessment (its `assembly.max_exposure`) and the floor the pool allows: a blueprint cell asking for
`count` items from a cell of `size` live items puts each on count / size of forms at the least.

Information at the cut: the Fisher information of an item at the cut-level ability (`test.scale.theta_cut`,
from the stored calibration), `items[].information_at_cut`. A form's information is the sum over its
scored items with parameters, its conditional SEM 1 / sqrt(information), in logits. `test.form_information`
summarises the analysed attempts' forms against the target (`assembly.target_csem`), beside the expected
information of a form drawn at random within the blueprint (each slot: its cell's mean information) and
the most informative form the blueprint allows from today's live pool (each cell's `count` best items).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from certify.assessments.models import Assessment
from certify.assessments.services import live_pool_ids as live_pool
from certify.core.assessment_spec import AssemblySettings
from certify.core.irt import ItemParameters
from certify.core.irt.pool import information_at

Params = Mapping[int, tuple[ItemParameters, dict[str, Any]]]


@dataclass(frozen=True)
class FormQuality:
    test: dict[str, Any]  # `exposure` and `form_information`, merged into the payload's `test`
    exposure: dict[int, float]  # by item version id
    information: dict[int, float]  # by item version id, at the cut-level ability


def _r(value: float | None, places: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), places)


def _exposure(
    assessment: Assessment, presented: Mapping[int, set[int]], refs: Mapping[int, str], bound: float
) -> tuple[dict[str, Any], dict[int, float]]:
    counts: dict[int, int] = defaultdict(int)
    for form in presented.values():
        for vid in form:
            counts[vid] += 1
    attempts = len(presented)
    rates = {vid: n / attempts for vid, n in counts.items()} if attempts else {}
    pool = live_pool(assessment)
    floors = {
        f"{cell['competency']}/{cell['bloom']}": int(cell["count"]) / len(pool[(cell["competency"], cell["bloom"])])
        for cell in assessment.blueprint
        if pool.get((cell["competency"], cell["bloom"]))
    }
    top = max(rates, key=lambda vid: (rates[vid], -vid)) if rates else None
    floor_cell = max(floors, key=lambda key: floors[key]) if floors else None
    block = {
        "attempts": attempts,
        "max": _r(rates[top]) if top is not None else None,
        "max_item": refs.get(top) if top is not None else None,
        "bound": bound,
        "over_bound": sum(1 for rate in rates.values() if rate > bound + 1e-9),
        "floor": _r(floors[floor_cell]) if floor_cell else None,
        "floor_cell": floor_cell,
    }
    return block, rates


def _form_information(
    assessment: Assessment,
    forms: Iterable[set[int]],
    information: Mapping[int, float],
    theta_cut: float,
    settings: AssemblySettings,
) -> dict[str, Any] | None:
    values, uncalibrated = [], 0
    for form in forms:
        values.append(sum(information[v] for v in form if v in information))
        uncalibrated += sum(1 for v in form if v not in information)
    if not values:
        return None
    pool = live_pool(assessment)
    best = random_mean = 0.0
    for cell in assessment.blueprint:
        known = sorted(information[v] for v in pool.get((cell["competency"], cell["bloom"]), []) if v in information)
        count = int(cell["count"])
        if known:
            best += sum(known[-count:])
            random_mean += count * sum(known) / len(known)
    target = settings.target_information
    mean = sum(values) / len(values)
    return {
        "theta_cut": _r(theta_cut),
        "forms": len(values),
        "mean": _r(mean, 3),
        "min": _r(min(values), 3),
        "max": _r(max(values), 3),
        "csem_at_mean": _r(1 / math.sqrt(mean)) if mean > 0 else None,
        "target_csem": settings.target_csem,
        "target_information": _r(target, 3),
        "meets_target": _r(sum(1 for v in values if v >= target) / len(values)),
        "uncalibrated_slots": uncalibrated,
        "random_form_mean": _r(random_mean, 3),
        "best_attainable": _r(best, 3),
    }


def form_quality(
    assessment: Assessment,
    presented: Mapping[int, set[int]],
    scored_forms: Mapping[int, set[int]],
    refs: Mapping[int, str],
    params: Params,
    theta_cut: float | None,
) -> FormQuality:
    """Exposure per item version and the forms' information at the cut (None blocks where not computable).

    `presented`: every item version on each analysed attempt's form; `scored_forms`: the scored ones.
    """
    settings = AssemblySettings.from_dict(assessment.assembly)
    exposure_block, rates = _exposure(assessment, presented, refs, settings.max_exposure)
    information: dict[int, float] = {}
    forms_block = None
    if theta_cut is not None and params:
        ids = list(params)
        values = information_at([params[v][0] for v in ids], theta_cut)
        information = dict(zip(ids, values, strict=True))
        forms_block = _form_information(assessment, scored_forms.values(), information, theta_cut, settings)
    test = {"exposure": exposure_block, "form_information": forms_block}
    return FormQuality(test, rates, {vid: round(value, 4) for vid, value in information.items()})
