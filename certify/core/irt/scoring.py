"""Person scoring and the test characteristic curve.

EAP: the posterior mean and SD of ability given a response pattern on any set of calibrated items,
with a normal prior (by default the calibration's N(0, 1); pass ``ability_sd`` of a Rasch
calibration), integrated on an equally spaced grid of ``points`` nodes over prior mean +/- ``bound``
prior SDs.

Test characteristic curve (TCC): a form's expected raw score at theta (``model.expected_score``). It
increases strictly with theta, so it can be inverted: a raw (or percent) cut on one form gives the
theta at which a candidate is expected to score exactly the cut, and that theta gives the equivalent
raw cut on any other form calibrated on the same scale (IRT true-score equating).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from certify.core.irt.calibration import e_step
from certify.core.irt.model import (
    FloatArray,
    ItemParameters,
    category_moments,
    expected_score,
    log_category_probabilities,
    pack,
)
from certify.core.irt.responses import validate_responses

# The TCC inverse searches theta in [-SEARCH_BOUND, SEARCH_BOUND] (abilities beyond are not meaningful).
SEARCH_BOUND = 15.0


@dataclass(frozen=True)
class AbilityEstimate:
    """Posterior mean (EAP) and posterior SD of ability."""

    theta: float
    sd: float


def _grid(prior_mean: float, prior_sd: float, points: int, bound: float) -> tuple[FloatArray, FloatArray]:
    if not (math.isfinite(prior_mean) and math.isfinite(prior_sd) and prior_sd > 0):
        raise ValueError(f"the prior needs a finite mean and a positive SD, got {prior_mean!r}, {prior_sd!r}")
    if points < 11 or not (math.isfinite(bound) and bound > 0):
        raise ValueError("the grid needs at least 11 points and a positive bound")
    z = np.linspace(-bound, bound, points)
    log_weights = -(z**2) / 2
    log_weights -= np.log(np.exp(log_weights).sum())
    return prior_mean + prior_sd * z, log_weights


def eap(
    items: Sequence[ItemParameters],
    scores: Sequence[int],
    *,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    points: int = 81,
    bound: float = 6.0,
) -> AbilityEstimate:
    """EAP ability and posterior SD for ``scores[i]`` on ``items[i]``; no items gives the prior itself."""
    theta, log_weights = _grid(prior_mean, prior_sd, points, bound)
    if len(items) != len(scores):
        raise ValueError(f"got {len(items)} items but {len(scores)} scores")
    if not items:
        return AbilityEstimate(theta=prior_mean, sd=prior_sd)
    packed = pack(items)
    observed = np.asarray(scores, dtype=np.int64)
    if observed.min() < 0 or np.any(observed > packed.max_score):
        raise ValueError("every score must be between 0 and its item's maximum score")
    log_probs = log_category_probabilities(packed, theta)
    joint = log_probs[np.arange(len(items)), observed, :].sum(axis=0) + log_weights
    weights = np.exp(joint - joint.max())
    weights /= weights.sum()
    mean = float(weights @ theta)
    return AbilityEstimate(theta=mean, sd=float(np.sqrt(max(weights @ (theta - mean) ** 2, 0.0))))


def eap_scores(
    person_index: ArrayLike,
    item_index: ArrayLike,
    score: ArrayLike,
    items: Sequence[ItemParameters],
    *,
    n_persons: int | None = None,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    points: int = 81,
    bound: float = 6.0,
) -> tuple[FloatArray, FloatArray]:
    """EAP abilities and posterior SDs for many persons from sparse responses (item_index indexes ``items``).

    Returns two arrays of length n_persons (default: the largest person index + 1); a person with no
    responses gets the prior mean and SD.
    """
    theta, log_weights = _grid(prior_mean, prior_sd, points, bound)
    packed = pack(items)
    data = validate_responses(person_index, item_index, score, packed.max_score, n_persons)
    table = log_category_probabilities(packed, theta)[packed.valid]
    _, _, posterior = e_step(data.indicator_blocks(), data.n_persons, table, log_weights, keep_posterior=True)
    assert posterior is not None
    mean = posterior @ theta
    spread = np.sqrt(np.maximum(posterior @ theta**2 - mean**2, 0.0))
    return np.asarray(mean, dtype=np.float64), np.asarray(spread, dtype=np.float64)


def theta_for_raw_score(items: Sequence[ItemParameters], raw_score: float) -> float:
    """The theta at which the form's expected raw score equals ``raw_score`` (the inverse TCC).

    ``raw_score`` must lie strictly between 0 and the form's maximum: no finite theta expects a
    perfect or a zero score.
    """
    packed = pack(items)
    maximum = float(packed.max_score.sum())
    if not (math.isfinite(raw_score) and 0 < raw_score < maximum):
        raise ValueError(f"raw_score must be strictly between 0 and the form's maximum {maximum:g}, got {raw_score!r}")
    low, high = -SEARCH_BOUND, SEARCH_BOUND

    def tcc(theta: FloatArray) -> FloatArray:
        return np.asarray(category_moments(packed, theta)[1].sum(axis=0), dtype=np.float64)

    ends = tcc(np.array([low, high]))
    if not ends[0] < raw_score < ends[1]:
        raise ValueError(f"raw_score {raw_score!r} is too close to 0 or {maximum:g} for any theta in ±{SEARCH_BOUND:g}")
    # Bisection: the TCC is strictly increasing; 60 halvings of the 30-wide bracket leave about 3e-17.
    for _ in range(60):
        middle = (low + high) / 2
        if tcc(np.array([middle]))[0] < raw_score:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def theta_for_percent_score(items: Sequence[ItemParameters], percent: float) -> float:
    """The inverse TCC for a percent-of-maximum score (strictly between 0 and 100)."""
    maximum = sum(item.max_score for item in items)
    if not (math.isfinite(percent) and 0 < percent < 100):
        raise ValueError(f"percent must be strictly between 0 and 100, got {percent!r}")
    return theta_for_raw_score(items, percent / 100 * maximum)


def equivalent_raw_score(
    raw_score: float, from_items: Sequence[ItemParameters], to_items: Sequence[ItemParameters]
) -> float:
    """The raw score on ``to_items`` equivalent to ``raw_score`` on ``from_items`` (IRT true-score equating)."""
    return float(expected_score(to_items, theta_for_raw_score(from_items, raw_score))[0])
