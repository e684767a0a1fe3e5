"""Decision consistency and accuracy of the pass rule Certify applies, from an IRT model of the items.

The rule (scoring.py): pass = total points >= the total cut AND every competency's points >= its mastery
cut. Given theta, item scores are independent, so each competency's subscore has a distribution found by
the Lord-Wingersky recursion (score_distribution.py), subscores are independent of one another, and the
total is their sum. Hence, at every quadrature point theta_q,

    P(pass | theta_q) = sum over totals t >= total cut of  (*_c  S_c restricted to S_c >= mastery cut_c)(t)

where *_c convolves the competency distributions after zeroing the subscores below mastery. With the
ability distribution g (the normalised quadrature weights w_q) and P_q = P(pass | theta_q):

* expected pass rate        Pbar = sum w_q P_q
* consistency (two independent parallel administrations agree)   p0 = sum w_q [P_q^2 + (1 - P_q)^2]
* Cohen's kappa             (p0 - pc) / (1 - pc),  pc = Pbar^2 + (1 - Pbar)^2 (chance from the marginal rate)
* accuracy                  sum w_q [T_q P_q + (1 - T_q)(1 - P_q)]
* false positive            sum w_q (1 - T_q) P_q   (share of ALL candidates: truly failing, classified pass)
* false negative            sum w_q T_q (1 - P_q)   (share of all candidates: truly passing, classified fail)

True status T_q (Rudner 2001; Lee 2010): the rule applied to the *expected* (true) scores at theta_q,
tau_c = sum of E[item points | theta_q] over competency c's items and tau = sum over all items, with each
cut taken as it is applied to observed scores (the least score meeting it, e.g. a cut of 6.4 points on
whole-point items is 7). With items whose expected score rises with theta, T_q = [theta_q >= theta cut],
the theta cut being the largest of the thetas where tau and each tau_c reach their cuts.

The same indices are given for "total only" (the mastery conditions dropped), to show what the
conjunctive rule costs in consistency, and for each competency's own mastery decision.
CSEM at the cut: the conditional SD of the total points, sqrt(sum Var(item points | theta)), at the theta
where the true total equals the total cut (linear interpolation between quadrature points).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Literal

import numpy as np
import numpy.typing as npt

from certify.core.score_distribution import (
    FloatArray,
    Scale,
    add_distribution,
    add_item,
    check_categories,
    check_weights,
    item_moments,
    lord_wingersky,
)

TRUE_SLACK = 1e-12


@dataclass(frozen=True)
class Classification:
    """Consistency and accuracy of one pass/fail decision over the ability distribution."""

    pass_rate: float  # expected share classified pass
    true_pass_rate: float  # share whose true status is pass
    consistency: float  # p0
    chance: float  # pc
    kappa: float | None  # None when chance agreement is 1 (everyone passes, or no one)
    accuracy: float
    false_positive: float  # share of all candidates
    false_negative: float  # share of all candidates


@dataclass(frozen=True)
class DecisionReport:
    """The conjunctive rule, the total alone, and each competency's mastery decision."""

    conjunctive: Classification
    total_only: Classification
    mastery: dict[str, Classification]
    csem_at_cut: float | None  # points; None when the true total never crosses the cut on the grid
    theta_cut: float | None  # where the true status turns to pass under the conjunctive rule
    total_theta_cut: float | None  # where the true total reaches the total cut
    pass_probability: tuple[float, ...]  # P(pass | theta_q), conjunctive rule
    total_pass_probability: tuple[float, ...]  # P(total >= cut | theta_q)


def classify(pass_probability: npt.ArrayLike, true_pass: npt.ArrayLike, weights: npt.ArrayLike) -> Classification:
    """The indices above from P(pass | theta_q), true status T_q (bool) and weights w_q, all of shape (Q,)."""
    p = np.clip(np.asarray(pass_probability, dtype=np.float64), 0.0, 1.0)
    truth = np.asarray(true_pass, dtype=bool)
    w = check_weights(weights, p.shape[0])
    if p.ndim != 1 or truth.shape != p.shape:
        raise ValueError("pass probabilities and true status need one value per quadrature point")
    rate = float(w @ p)
    p0 = float(w @ (p * p + (1.0 - p) * (1.0 - p)))
    chance = rate * rate + (1.0 - rate) * (1.0 - rate)
    kappa = (p0 - chance) / (1.0 - chance) if 1.0 - chance > 1e-12 else None
    t = truth.astype(np.float64)
    false_positive = float(w @ ((1.0 - t) * p))
    false_negative = float(w @ (t * (1.0 - p)))
    return Classification(
        pass_rate=rate,
        true_pass_rate=float(w @ t),
        consistency=p0,
        chance=chance,
        kappa=kappa,
        accuracy=1.0 - false_positive - false_negative,
        false_positive=false_positive,
        false_negative=false_negative,
    )


def _check_theta(theta: npt.ArrayLike, points: int) -> FloatArray:
    t = np.asarray(theta, dtype=np.float64)
    if t.shape != (points,) or not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0.0):
        raise ValueError(f"theta must hold {points} finite, strictly increasing quadrature points")
    return t


def _crossing(curve: FloatArray, level: float, along: FloatArray) -> float | None:
    """`along` interpolated where `curve` first reaches `level` from below; None if it starts there or never does."""
    above = np.nonzero(curve >= level - TRUE_SLACK)[0]
    if above.size == 0 or above[0] == 0:
        return None
    q = int(above[0])
    low, high = curve[q - 1], curve[q]
    share = (level - low) / (high - low)
    return float(along[q - 1] + share * (along[q] - along[q - 1]))


def decision_quality(
    categories: Sequence[npt.ArrayLike],
    weights: npt.ArrayLike,
    theta: npt.ArrayLike,
    competencies: Sequence[str],
    total_cut: float,
    mastery_cuts: Mapping[str, float],
) -> DecisionReport:
    """Consistency and accuracy of "total >= total_cut AND every competency >= its mastery cut".

    categories: per item, P(category k | theta_q) of shape (Q, m_j + 1) (see score_distribution).
    weights: the ability distribution at the Q points (normalised here); theta: the Q points, increasing.
    competencies: the competency code of each item. Cuts are raw points (every item worth 1 point);
    mastery_cuts needs exactly one cut per competency that has items.
    """
    items = check_categories(categories)
    points = items[0].shape[0]
    w = check_weights(weights, points)
    t = _check_theta(theta, points)
    if len(competencies) != len(items):
        raise ValueError(f"{len(competencies)} competency codes for {len(items)} items")
    codes = list(dict.fromkeys(competencies))
    if set(mastery_cuts) != set(codes):
        raise ValueError(f"mastery cuts needed for exactly the competencies {sorted(codes)}")
    if any(not np.isfinite(cut) for cut in [total_cut, *mastery_cuts.values()]):
        raise ValueError("cuts must be finite numbers of points")
    scale = Scale.of(items)
    means, variances = item_moments(items)
    true_total = means.sum(axis=0)
    total_need = scale.needed(total_cut)
    true_pass = true_total >= total_need / scale.per_point - TRUE_SLACK
    full, masked, mastery, crossings = [], [], {}, [_crossing(true_total, total_need / scale.per_point, t)]
    for code in codes:
        mine = [j for j, c in enumerate(competencies) if c == code]
        distribution = lord_wingersky([items[j] for j in mine], scale)
        need = scale.needed(mastery_cuts[code])
        truncated = distribution.copy()
        truncated[:, :need] = 0.0
        full.append(distribution)
        masked.append(truncated)
        true_sub = means[mine].sum(axis=0)
        true_mastery = true_sub >= need / scale.per_point - TRUE_SLACK
        true_pass &= true_mastery
        mastery[code] = classify(truncated.sum(axis=1), true_mastery, w)
        crossings.append(_crossing(true_sub, need / scale.per_point, t))
    total_probability = reduce(add_distribution, full)[:, total_need:].sum(axis=1)
    conjunctive_probability = reduce(add_distribution, masked)[:, total_need:].sum(axis=1)
    sd_total = np.sqrt(variances.sum(axis=0))
    at_cut = crossings[0]
    found = [c for c in crossings if c is not None]
    return DecisionReport(
        conjunctive=classify(conjunctive_probability, true_pass, w),
        total_only=classify(total_probability, true_total >= total_need / scale.per_point - TRUE_SLACK, w),
        mastery=mastery,
        csem_at_cut=None if at_cut is None else float(np.interp(at_cut, t, sd_total)),
        theta_cut=max(found) if found else None,
        total_theta_cut=at_cut,
        pass_probability=tuple(float(x) for x in np.clip(conjunctive_probability, 0.0, 1.0)),
        total_pass_probability=tuple(float(x) for x in np.clip(total_probability, 0.0, 1.0)),
    )


@dataclass(frozen=True)
class Lengthening:
    """How long a competency's section must be for its mastery decision to reach a target."""

    current_items: int
    target: float
    measure: str  # "consistency" (p0) or "kappa"
    needed: int | None  # fewest items from which the target is reached and kept up to max_items; None if never
    curve: tuple[tuple[int, float | None], ...]  # (items, the measure) for 1..max_items


def mastery_items_needed(
    categories: Sequence[npt.ArrayLike],
    weights: npt.ArrayLike,
    mastery_percent: float,
    target: float,
    *,
    measure: Literal["consistency", "kappa"] = "consistency",
    max_items: int = 200,
) -> Lengthening:
    """Items a competency needs for its mastery decision to reach `target` consistency (or kappa).

    Lengthening with parallel items in the IRT model: a section of L items repeats the competency's
    current items in order (item L is item (L - 1) mod n), and the mastery cut stays the same percentage,
    mastery_percent / 100 * L points. For each L the mastery decision's p0 (or kappa) is computed
    exactly as in decision_quality. Discreteness of the cut makes the curve saw-toothed, so `needed` is
    the L from which the target holds for every longer section up to max_items.
    """
    items = check_categories(categories)
    w = check_weights(weights, items[0].shape[0])
    if not 0.0 <= mastery_percent <= 100.0:
        raise ValueError("mastery_percent must lie in [0, 100]")
    if not 0.0 < target <= 1.0:
        raise ValueError("target must lie in (0, 1]")
    if max_items < 1:
        raise ValueError("max_items must be at least 1")
    if measure not in ("consistency", "kappa"):
        raise ValueError("measure must be 'consistency' or 'kappa'")
    scale = Scale.of(items)
    distribution = np.ones((items[0].shape[0], 1), dtype=np.float64)
    always_true = np.ones(items[0].shape[0], dtype=bool)  # true status does not enter p0 or kappa
    curve: list[tuple[int, float | None]] = []
    for length in range(1, max_items + 1):
        probs = items[(length - 1) % len(items)]
        distribution = add_item(distribution, probs, scale.steps(probs))
        need = scale.needed(mastery_percent / 100.0 * length)
        result = classify(distribution[:, need:].sum(axis=1), always_true, w)
        curve.append((length, result.consistency if measure == "consistency" else result.kappa))
    needed = None
    for length, value in reversed(curve):
        if value is None or value < target:
            break
        needed = length
    return Lengthening(len(items), target, measure, needed, tuple(curve))
