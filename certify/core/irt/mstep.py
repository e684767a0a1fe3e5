"""The M-step of Bock-Aitkin EM: Newton (Fisher scoring) updates of every item at once.

Given the expected counts r[j, k, q] (the posterior mass of persons at quadrature node q who scored
k on item j) each item's expected complete-data log-likelihood is a multinomial-logit likelihood
whose linear predictors ``a * k * theta_q + d_k`` are linear in (a, d): its Fisher information is
the exact negative Hessian, so a Newton step is a scoring step. All items step together as one
batch of small (1 + max score) systems; categories an item does not have are padded and frozen.

Priors (penalties on the log-likelihood; the estimates are posterior modes):
- slope: ln a ~ N(0, log_slope_sd^2), so the penalty is centred on a = 1 (2PL and GPCM only);
- intercepts: each step increment d_v - d_{v-1} = -a * b_v ~ N(0, intercept_sd^2), i.e. b_v is
  held roughly within +/- 2 * intercept_sd / a. With a few hundred respondents both are negligible;
  they keep items answered all right or all wrong, or with an unused score, finite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from certify.core.irt.model import FloatArray, IntArray, PackedItems, category_moments

# Largest change any parameter may make in one Newton step (guards the first EM cycles).
MAX_STEP = 1.0
RIDGE = 1e-9


@dataclass(frozen=True)
class Priors:
    """Penalties that keep estimates finite; None switches one off (then extreme items may diverge)."""

    log_slope_sd: float | None = 0.5
    intercept_sd: float | None = 4.0

    def __post_init__(self) -> None:
        for name in ("log_slope_sd", "intercept_sd"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number or None, got {value!r}")


def increment_precision(max_score: IntArray, width: int, priors: Priors) -> FloatArray:
    """Per item, the precision matrix (M x M, M = width - 1) of the prior on d_1..d_M through the increments."""
    steps = width - 1
    precision = np.zeros((max_score.size, steps, steps), dtype=np.float64)
    if priors.intercept_sd is None:
        return precision
    for m in np.unique(max_score).tolist():
        difference = np.eye(m) - np.eye(m, k=-1)
        precision[max_score == m, :m, :m] = difference.T @ difference / priors.intercept_sd**2
    return precision


def slope_penalty(a: FloatArray, priors: Priors) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Value, gradient and a non-negative curvature (for scoring) of the ln-a penalty at each slope."""
    if priors.log_slope_sd is None:
        zero = np.zeros_like(a)
        return zero, zero, zero
    s2 = priors.log_slope_sd**2
    log_a = np.log(a)
    return -(log_a**2) / (2 * s2), -log_a / (s2 * a), np.maximum((1 - log_a) / (s2 * a * a), 0.0)


def items_step(
    packed: PackedItems,
    theta: FloatArray,
    counts: FloatArray,
    precision: FloatArray,
    priors: Priors,
    free_slope: bool,
) -> tuple[PackedItems, float]:
    """One scoring step for every item; returns the updated items and the largest parameter change."""
    probs, mean, variance = category_moments(packed, theta)
    n = counts.sum(axis=1)
    upper = probs[:, 1:, :]
    steps = upper.shape[1]
    grad_d = (counts[:, 1:, :] - n[:, None, :] * upper).sum(axis=2)
    weighted = n[:, None, :] * upper
    info_dd = np.einsum("jvq,jwq->jvw", weighted, upper)
    info_dd = -info_dd
    diagonal = np.arange(steps)
    info_dd[:, diagonal, diagonal] += weighted.sum(axis=2)
    grad_d -= np.einsum("jvw,jw->jv", precision, packed.d[:, 1:])
    info_dd += precision
    padded = ~packed.valid[:, 1:]
    if free_slope:
        k = np.arange(probs.shape[1], dtype=np.float64)
        _, penalty_grad, penalty_curv = slope_penalty(packed.a, priors)
        grad_a = (theta * ((counts * k[None, :, None]).sum(axis=1) - n * mean)).sum(axis=1) + penalty_grad
        info_aa = (n * theta**2 * variance).sum(axis=1) + penalty_curv
        info_ad = (weighted * theta * (k[1:, None] - mean[:, None, :])).sum(axis=2)
        info = np.zeros((packed.a.size, steps + 1, steps + 1), dtype=np.float64)
        info[:, 0, 0] = info_aa
        info[:, 0, 1:] = info_ad
        info[:, 1:, 0] = info_ad
        info[:, 1:, 1:] = info_dd
        grad = np.concatenate((grad_a[:, None], grad_d), axis=1)
        padded = np.concatenate((np.zeros((packed.a.size, 1), dtype=np.bool_), padded), axis=1)
    else:
        info, grad = info_dd, grad_d
    size = info.shape[1]
    info[:, np.arange(size), np.arange(size)] += RIDGE + padded
    grad = np.where(padded, 0.0, grad)
    step = np.linalg.solve(info, grad[:, :, None])[:, :, 0]
    largest = np.abs(step).max(axis=1)
    step *= np.minimum(1.0, MAX_STEP / np.maximum(largest, 1e-300))[:, None]
    a = packed.a
    step_d = step
    if free_slope:
        a = np.maximum(packed.a + step[:, 0], packed.a / 2)
        step_d = step[:, 1:]
    d = packed.d.copy()
    d[:, 1:] += step_d
    change = float(max(np.abs(a - packed.a).max(), np.abs(d - packed.d).max()))
    return PackedItems(a=a, d=d, valid=packed.valid), change


def common_slope_step(packed: PackedItems, sigma: float, nodes: FloatArray, counts: FloatArray) -> float:
    """One scoring step for the ability SD of the Rasch family (theta = sigma * z, every slope 1)."""
    theta = sigma * nodes
    probs, mean, variance = category_moments(packed, theta)
    n = counts.sum(axis=1)
    k = np.arange(probs.shape[1], dtype=np.float64)
    grad = float((nodes * ((counts * k[None, :, None]).sum(axis=1) - n * mean)).sum())
    info = float((n * nodes**2 * variance).sum()) + RIDGE
    step = max(-MAX_STEP / 4, min(MAX_STEP / 4, grad / info))
    return max(sigma + step, sigma / 2)
