"""Standard errors of calibrated items: the per-item empirical cross-product information.

At convergence each person's contribution to the score (gradient) of item j's parameters is the
posterior mean, over the quadrature nodes, of the gradient of log P(x_pj | theta); summing the outer
products over the item's respondents gives the cross-product ("XPD") estimate of the item's
observed information, to which the priors' curvature is added. Inverting it gives the covariance of
(a, d_1..d_m), carried to (a, b_1..b_m, b) by the delta method.

Limitations: the information is block-diagonal by item, so the uncertainty of the other items and of
the ability scale is ignored (slightly optimistic SEs, mainly for slopes); the XPD estimate is itself
noisy with few respondents (below ~50 treat the SEs as rough). The Rasch ability SD gets its own XPD
SE, ignoring its covariance with the thresholds.
"""

from __future__ import annotations

import numpy as np

from certify.core.irt.model import FloatArray, PackedItems, category_moments
from certify.core.irt.mstep import Priors
from certify.core.irt.responses import BLOCK_CELLS, ResponseData


def _score_blocks(
    data: ResponseData, packed: PackedItems, theta: FloatArray, posterior: FloatArray, free_slope: bool
) -> tuple[FloatArray, float]:
    """Sum over persons of the outer products of per-item scores (J, P, P), and the ability-SD information."""
    probs, mean, _ = category_moments(packed, theta)
    scores, seen = data.dense_scores()
    width = probs.shape[1]
    size = width if free_slope else width - 1
    information = np.zeros((data.n_items, size, size), dtype=np.float64)
    sd_information = 0.0
    rows = max(1, BLOCK_CELLS // max(1, data.n_items * size))
    for start in range(0, data.n_persons, rows):
        post = posterior[start : start + rows]
        x = scores[start : start + rows]
        mask = seen[start : start + rows]
        parts = [(x == v) - post @ probs[:, v, :].T for v in range(1, width)]
        slope_score = x * (post @ theta)[:, None] - (post * theta) @ mean.T
        if free_slope:
            parts.insert(0, slope_score)
        else:
            # theta = sigma * z, so the derivative in sigma is the slope score divided by sigma.
            sd_information += float((((slope_score * mask).sum(axis=1)) ** 2).sum())
        stacked = np.stack(parts, axis=2) * mask[:, :, None]
        information += np.einsum("njp,njq->jpq", stacked, stacked)
    return information, sd_information


def item_covariances(
    data: ResponseData,
    packed: PackedItems,
    theta: FloatArray,
    posterior: FloatArray,
    precision: FloatArray,
    priors: Priors,
    free_slope: bool,
) -> tuple[FloatArray, float]:
    """Covariance of each item's (a, d_1..d_M) (or d alone in the Rasch family), and the ability SD's information."""
    information, sd_information = _score_blocks(data, packed, theta, posterior, free_slope)
    offset = 1 if free_slope else 0
    information[:, offset:, offset:] += precision
    if free_slope and priors.log_slope_sd is not None:
        s2 = priors.log_slope_sd**2
        information[:, 0, 0] += np.maximum((1 - np.log(packed.a)) / (s2 * packed.a**2), 0.0)
    padded = np.concatenate((np.zeros((data.n_items, offset), dtype=np.bool_), ~packed.valid[:, 1:]), axis=1)
    size = information.shape[1]
    information[:, np.arange(size), np.arange(size)] += padded
    covariance = np.linalg.pinv(information, hermitian=True)
    return np.asarray(covariance, dtype=np.float64), sd_information


def threshold_errors(
    a: float, d: FloatArray, covariance: FloatArray, free_slope: bool
) -> tuple[float | None, float, FloatArray]:
    """Delta-method SEs of a, the location b and the step thresholds, from the covariance of (a, d_1..d_m)."""
    m = d.size
    full = np.concatenate(([0.0], d))
    steps = -(np.diff(full)) / a
    offset = 1 if free_slope else 0
    jacobian = np.zeros((m + 1, m + offset), dtype=np.float64)
    for v in range(m):
        if free_slope:
            jacobian[v, 0] = -steps[v] / a
        jacobian[v, offset + v] = -1.0 / a
        if v > 0:
            jacobian[v, offset + v - 1] = 1.0 / a
    jacobian[m] = jacobian[:m].mean(axis=0)
    block = covariance[: m + offset, : m + offset]
    variances = np.maximum(np.einsum("ip,pq,iq->i", jacobian, block, jacobian), 0.0)
    se_a = float(np.sqrt(max(block[0, 0], 0.0))) if free_slope else None
    return se_a, float(np.sqrt(variances[m])), np.sqrt(variances[:m])
