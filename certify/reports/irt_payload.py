"""The IRT parts of the item analysis payload, read from the stored calibration (never calibrating here).

Decision quality is computed for the *expected randomly drawn form*: each blueprint cell (competency x
Bloom level, `count` slots) is filled from the live pool, so a slot's score, given theta, is distributed
as the average over the cell's calibrated live items of their category probabilities (credits placed on
a common grid of 1/L point, L the least common multiple of the cell's step counts, or DECISION_UNITS
when that does not divide it, in which case credits are rounded to the nearest 1/DECISION_UNITS).
Slots are taken as independent given theta (draws with replacement; the pool is many times a form).
The ability distribution is the calibration's N(0, ability_sd^2) at QUAD_POINTS points over +/-5 SD.
The rule is the one scoring.py applies: total percent >= the cut AND every competency's percent >= its
mastery threshold (certify.core.decision.decision_quality), beside the total alone and each competency.

Cut-level ability: the theta at which the pool-average TCC (the expected percent on the expected form:
blueprint-weighted means of the live calibrated items' expected credit) equals the cut percent; the
reference and its inverse are certify.core.irt.equating's (the assessments feature builds the expected
form, and equated scoring places the cut with the same two functions). Each distinct form drawn in the
analysed attempts is then read at that theta: its TCC expected percent is what a candidate exactly at the
standard would expect on it (`test.forms`), and under the equated rule that is the form's pass mark.

Reporting scale: certify.core.irt.MID_SCALE (MID scaled score 100-300, the cut at 200), on which equated
results are recorded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from certify.assessments.equating import expected_form as expected_reference
from certify.assessments.models import Assessment
from certify.assessments.services import live_pool_ids
from certify.core.decision import Classification, decision_quality, mastery_items_needed
from certify.core.irt import MID_SCALE, EquatingError, ItemParameters, category_probabilities
from certify.core.irt import theta_cut as ability_at_cut
from certify.core.irt.model import category_moments, pack
from certify.reports.calibration import latest, parameters
from certify.reports.models import IrtCalibration

DECISION_UNITS = 12
QUAD_POINTS = 61
QUAD_BOUND = 5.0
CONSISTENCY_TARGET, KAPPA_TARGET = 0.8, 0.4
MAX_SECTION = 120

Params = dict[int, tuple[ItemParameters, dict[str, Any]]]


def _r(value: float | None, places: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), places)


def item_irt(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    """`items[].irt` from a stored calibration entry (None when the version was not calibrated)."""
    if entry is None:
        return None
    return {k: entry.get(k) for k in ("model", "a", "b", "se_b", "infit", "outfit")}


def _credit_grid(probs: np.ndarray, units: int) -> np.ndarray:
    """Category probabilities (Q, m+1) moved onto 0..units (credit k/m -> nearest unit)."""
    m = probs.shape[1] - 1
    out = np.zeros((probs.shape[0], units + 1))
    for k in range(m + 1):
        out[:, round(k * units / m)] += probs[:, k]
    return out


def _cell_units(steps: Iterable[int]) -> int:
    units = math.lcm(*steps)
    return units if DECISION_UNITS % units == 0 else DECISION_UNITS


def expected_form(
    assessment: Assessment, live_ids: dict[tuple[str, str], list[int]], params: Params, theta: np.ndarray
) -> tuple[list[np.ndarray], list[str], list[str]]:
    """Per slot of the expected form: its category probabilities, its competency; and cells lacking items."""
    slots, codes, missing = [], [], []
    for cell in assessment.blueprint:
        key = (cell["competency"], cell["bloom"])
        items = [params[v][0] for v in live_ids.get(key, []) if v in params]
        if not items:
            missing.append(f"{key[0]} {key[1]}")
            continue
        units = _cell_units(item.max_score for item in items)
        average = np.mean([_credit_grid(category_probabilities(i, theta), units) for i in items], axis=0)
        slots += [average] * int(cell["count"])
        codes += [cell["competency"]] * int(cell["count"])
    return slots, codes, missing


def _classification(c: Classification) -> dict[str, Any]:
    return {
        "consistency": _r(c.consistency),
        "kappa": _r(c.kappa),
        "accuracy": _r(c.accuracy),
        "pass_rate": _r(c.pass_rate),
        "false_positive": _r(c.false_positive),
        "false_negative": _r(c.false_negative),
    }


def _mastery_percent(assessment: Assessment, code: str) -> float:
    return float(assessment.mastery.get(code, assessment.mastery.get("default", 0.0)))


def decision_block(
    assessment: Assessment,
    stored: IrtCalibration,
    live_ids: dict[tuple[str, str], list[int]],
    params: Params,
    forms: list[frozenset[int]],
) -> dict[str, Any]:
    """`test.decision`, `test.forms` and `test.scale` (see the module docstring)."""
    cut = assessment.cut_scores[-1].percent if assessment.cut_scores else None
    sd = float(stored.ability_sd)
    z = np.linspace(-QUAD_BOUND, QUAD_BOUND, QUAD_POINTS)
    theta, weights = sd * z, np.exp(-(z**2) / 2)
    slots, codes, missing = expected_form(assessment, live_ids, params, theta)
    block: dict[str, Any] = {"decision": None, "forms": None, "scale": None}
    if cut is None or not slots:
        reason = "no cut score" if cut is None else "no live item of the blueprint is calibrated"
        block["decision"] = {"rule": "conjunctive", "available": False, "reason": reason}
        return block

    theta_cut = _cut_ability(assessment, params, cut)
    counts = {c: codes.count(c) for c in dict.fromkeys(codes)}
    report = decision_quality(
        slots,
        weights,
        theta,
        codes,
        cut / 100.0 * len(slots),
        {c: _mastery_percent(assessment, c) / 100.0 * n for c, n in counts.items()},
    )
    mastery, weak = {}, []
    for code, result in report.mastery.items():
        row = {**_classification(result), "items": counts[code], "items_needed": None}
        if result.consistency < CONSISTENCY_TARGET or (result.kappa is not None and result.kappa < KAPPA_TARGET):
            mine = [s for s, c in zip(slots, codes, strict=True) if c == code]
            percent = _mastery_percent(assessment, code)
            needs = [
                mastery_items_needed(mine, weights, percent, CONSISTENCY_TARGET, max_items=MAX_SECTION).needed,
                mastery_items_needed(
                    mine, weights, percent, KAPPA_TARGET, measure="kappa", max_items=MAX_SECTION
                ).needed,
            ]
            row["items_needed"] = None if None in needs else max(n for n in needs if n is not None)
            weak.append((code, row))
        mastery[code] = row
    block["decision"] = {
        "rule": "conjunctive",
        "available": True,
        "calibration_id": stored.id,
        "model": stored.model,
        "form": "expected randomly drawn form",
        "items": len(slots),
        **_classification(report.conjunctive),
        "csem_at_cut": _r(report.csem_at_cut),  # points on the whole form
        "csem_at_cut_percent": _r(None if report.csem_at_cut is None else 100 * report.csem_at_cut / len(slots)),
        "true_pass_theta": _r(report.theta_cut),  # where true status turns to pass (cuts met in whole points)
        "total_only": _classification(report.total_only),
        "mastery": mastery,
        "missing_cells": missing,
        "note": _note(weak),
    }
    block["forms"] = _forms(forms, params, theta_cut)
    block["scale"] = {**MID_SCALE.as_dict(), "theta_cut": _r(theta_cut), "per_logit": MID_SCALE.per_logit}
    return block


def _note(weak: list[tuple[str, dict[str, Any]]]) -> str | None:
    if not weak:
        return None
    parts = []
    for code, row in weak:
        need = f"about {row['items_needed']} items" if row["items_needed"] else f"more than {MAX_SECTION} items"
        parts.append(
            f"{code} (consistency {row['consistency']:.3f}, kappa "
            f"{'n/a' if row['kappa'] is None else format(row['kappa'], '.3f')}) would need {need} "
            f"like its current ones instead of {row['items']}"
        )
    return (
        "The mastery decision is not dependable in "
        + ", ".join(code for code, _ in weak)
        + f": two sittings would often disagree on it (targets: consistency {CONSISTENCY_TARGET:.2f}, "
        f"kappa {KAPPA_TARGET:.2f}). " + "; ".join(parts) + "."
    )


def _forms(forms: list[frozenset[int]], params: Params, theta_cut: float | None) -> dict[str, Any] | None:
    """The distinct forms drawn, and the range of their TCC expected percent at the cut-level ability."""
    if theta_cut is None or not forms:
        return {"n": len(set(forms)), "expected_score_at_cut": None}
    ids = list(params)
    packed = pack([params[v][0] for v in ids])
    expected = category_moments(packed, np.array([theta_cut]))[1][:, 0] / packed.max_score
    credit_at_cut = dict(zip(ids, expected.tolist(), strict=True))  # each item's expected credit, computed once
    values = []
    for form in set(forms):
        credits = [credit_at_cut[v] for v in form if v in credit_at_cut]
        if credits:
            values.append(100.0 * sum(credits) / len(credits))
    return {
        "n": len(set(forms)),
        "expected_score_at_cut": {"min": _r(min(values), 2), "max": _r(max(values), 2)} if values else None,
    }


def _cut_ability(assessment: Assessment, params: Params, cut: float) -> float | None:
    """The cut-level ability on the blueprint's expected form (None when the cut lies beyond the scale)."""
    reference, _count, _missing = expected_reference(assessment, {vid: p for vid, (p, _entry) in params.items()})
    if reference is None:
        return None
    try:
        return ability_at_cut(reference, cut)
    except EquatingError:
        return None


def irt_parts(
    assessment: Assessment, forms: list[frozenset[int]]
) -> tuple[dict[str, Any], Params, IrtCalibration | None]:
    """The test-level IRT blocks, the calibrated parameters by item version id, and the calibration they come from.

    Without a stored calibration every block is None (the pages then say how to make one).
    """
    stored = latest(assessment)
    if stored is None:
        return {"decision": None, "forms": None, "scale": None}, {}, None
    params = parameters(stored)
    return decision_block(assessment, stored, live_pool_ids(assessment), params, forms), params, stored
