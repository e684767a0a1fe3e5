"""The arithmetic of the many-facet rating scale model (Linacre): probabilities, likelihood, score, information.

Scores are coded 0..K-1 here (level 1 is score 0). For one rating, the linear predictor is
eta = theta[candidate] - delta[criterion] - rho[rater], and the log-odds of score k against k-1
is eta - tau[k] (k = 1..K-1, shared by every criterion and rater: Andrich's rating scale model).
So P(score = k) is proportional to exp(k * eta - (tau[1] + ... + tau[k])).

The "small" parameters are delta, rho and tau stacked in that order. The identification
constraints (delta, rho and tau each sum to zero) are kept by moving only inside the centred
subspace: `small_basis` maps free coordinates onto it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Design:
    """Ratings as element indices; `score` is the level minus one."""

    candidate: IntArray
    criterion: IntArray
    rater: IntArray
    score: IntArray
    n_candidates: int
    n_criteria: int
    n_raters: int
    categories: int


@dataclass(frozen=True)
class Measures:
    """Candidate abilities theta, criterion difficulties delta, rater severities rho, thresholds tau (logits)."""

    theta: FloatArray
    delta: FloatArray
    rho: FloatArray
    tau: FloatArray

    def eta(self, design: Design) -> FloatArray:
        """The linear predictor of every rating."""
        return self.theta[design.candidate] - self.delta[design.criterion] - self.rho[design.rater]

    def moved(self, d_theta: FloatArray, d_small: FloatArray) -> Measures:
        """These measures plus a step (the small step stacked as delta, rho, tau)."""
        n_criteria, n_raters = self.delta.size, self.rho.size
        return Measures(
            self.theta + d_theta,
            self.delta + d_small[:n_criteria],
            self.rho + d_small[n_criteria : n_criteria + n_raters],
            self.tau + d_small[n_criteria + n_raters :],
        )


def sums(index: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """Weights summed per index value 0..size-1."""
    return np.bincount(index, weights, size).astype(np.float64, copy=False)


def category_probabilities(eta: FloatArray, tau: FloatArray) -> FloatArray:
    """P(score = k), one row per entry of eta and one column per score 0..len(tau)."""
    k = np.arange(tau.size + 1, dtype=np.float64)
    logits = np.outer(eta, k) - np.concatenate(([0.0], np.cumsum(tau)))
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    result: FloatArray = weights / weights.sum(axis=1, keepdims=True)
    return result


def log_likelihood(design: Design, measures: Measures) -> float:
    """The joint log-likelihood of all ratings."""
    probabilities = category_probabilities(measures.eta(design), measures.tau)
    return float(np.log(probabilities[np.arange(design.score.size), design.score]).sum())


@dataclass(frozen=True)
class Moments:
    """Per rating: expected score, its variance, P(score >= h) and Cov(score, [score >= h]) for h = 1..K-1."""

    expected: FloatArray
    variance: FloatArray
    at_least: FloatArray
    cov_at_least: FloatArray


def moments(probabilities: FloatArray) -> Moments:
    """The moments the score and information need, from category probabilities."""
    k = np.arange(probabilities.shape[1], dtype=np.float64)
    expected = probabilities @ k
    variance = probabilities @ (k * k) - expected**2
    at_least = np.cumsum(probabilities[:, ::-1], axis=1)[:, ::-1][:, 1:]
    k_at_least = np.cumsum((probabilities * k)[:, ::-1], axis=1)[:, ::-1][:, 1:]
    return Moments(expected, variance, at_least, k_at_least - expected[:, None] * at_least)


def score(design: Design, fitted: Moments) -> tuple[FloatArray, FloatArray]:
    """Gradient of the log-likelihood: for theta, and for the small parameters (delta, rho, tau)."""
    residual = design.score - fitted.expected
    g_theta = sums(design.candidate, residual, design.n_candidates)
    g_delta = -sums(design.criterion, residual, design.n_criteria)
    g_rho = -sums(design.rater, residual, design.n_raters)
    reached = design.score[:, None] >= np.arange(1, design.categories)[None, :]
    g_tau = (fitted.at_least - reached).sum(axis=0)
    return g_theta, np.concatenate((g_delta, g_rho, g_tau))


@dataclass(frozen=True)
class Information:
    """Minus the Hessian: theta's diagonal block, theta by small parameters, and the small block."""

    theta: FloatArray
    cross: FloatArray
    small: FloatArray


def _pair_sums(first: IntArray, n_first: int, second: IntArray, n_second: int, weights: FloatArray) -> FloatArray:
    flat = sums(first * n_second + second, weights, n_first * n_second)
    return flat.reshape(n_first, n_second)


def information(design: Design, fitted: Moments) -> Information:
    """The information matrix (observed equals expected: the model is a linear exponential family)."""
    c, i, j = design.candidate, design.criterion, design.rater
    n_c, n_i, n_r, steps = design.n_candidates, design.n_criteria, design.n_raters, design.categories - 1
    v, cov = fitted.variance, fitted.cov_at_least
    cross = np.zeros((n_c, n_i + n_r + steps))
    cross[:, :n_i] = -_pair_sums(c, n_c, i, n_i, v)
    cross[:, n_i : n_i + n_r] = -_pair_sums(c, n_c, j, n_r, v)
    small = np.zeros((n_i + n_r + steps, n_i + n_r + steps))
    small[:n_i, :n_i] = np.diag(sums(i, v, n_i))
    small[n_i : n_i + n_r, n_i : n_i + n_r] = np.diag(sums(j, v, n_r))
    small[:n_i, n_i : n_i + n_r] = _pair_sums(i, n_i, j, n_r, v)
    tau = slice(n_i + n_r, None)
    for h in range(steps):
        cross[:, n_i + n_r + h] = -sums(c, cov[:, h], n_c)
        small[:n_i, n_i + n_r + h] = sums(i, cov[:, h], n_i)
        small[n_i : n_i + n_r, n_i + n_r + h] = sums(j, cov[:, h], n_r)
    # Cov([s >= h], [s >= g]) = P(s >= max(h, g)) - P(s >= h) P(s >= g)
    totals = fitted.at_least.sum(axis=0)
    later = np.maximum.outer(np.arange(steps), np.arange(steps))
    small[tau, tau] = totals[later] - fitted.at_least.T @ fitted.at_least
    upper = np.triu(small, 1)
    small = np.triu(small) + upper.T
    return Information(sums(c, v, n_c), cross, small)


def centring_basis(n: int) -> FloatArray:
    """An n x (n-1) basis of the vectors summing to zero."""
    return np.vstack((np.eye(n - 1), -np.ones((1, n - 1)))) if n > 1 else np.zeros((1, 0))


def small_basis(n_criteria: int, n_raters: int, categories: int) -> FloatArray:
    """Block-diagonal basis of centred delta, rho and tau."""
    blocks = [centring_basis(n) for n in (n_criteria, n_raters, categories - 1)]
    basis = np.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)))
    row = column = 0
    for block in blocks:
        basis[row : row + block.shape[0], column : column + block.shape[1]] = block
        row, column = row + block.shape[0], column + block.shape[1]
    return basis


def _reduced(info: Information, basis: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Cross block in free coordinates divided by theta's information, and the Schur complement on the small block."""
    cross = info.cross @ basis
    scaled = cross / info.theta[:, None]
    return scaled, basis.T @ info.small @ basis - cross.T @ scaled


def newton_step(
    g_theta: FloatArray, g_small: FloatArray, info: Information, basis: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Solve information x step = score, eliminating the (diagonal) theta block first."""
    scaled, schur = _reduced(info, basis)
    d_free = np.linalg.solve(schur, basis.T @ g_small - scaled.T @ g_theta)
    d_theta = g_theta / info.theta - scaled @ d_free
    return d_theta, basis @ d_free


def standard_errors(info: Information, basis: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Square roots of the diagonal of the inverse information (under the centring constraints)."""
    scaled, schur = _reduced(info, basis)
    inverse = np.linalg.inv(schur)
    var_theta = 1.0 / info.theta + np.einsum("cp,pq,cq->c", scaled, inverse, scaled)
    var_small = np.einsum("pa,ab,pb->p", basis, inverse, basis)
    return np.sqrt(np.maximum(var_theta, 0.0)), np.sqrt(np.maximum(var_small, 0.0))  # a fixed parameter: 0, not -1e-17


def solve_element(offset: FloatArray, sign: float, tau: FloatArray, target: float) -> tuple[float, float]:
    """One element's measure b with everything else anchored: eta = offset + sign * b, sum E(score) = target.

    Returns b and its standard error 1 / sqrt(information). `target` must lie strictly between the
    lowest and highest possible total; Newton steps, kept inside a shrinking bracket.
    """
    top = tau.size * offset.size
    if not 0 < target < top:
        raise ValueError(f"target score {target} must lie strictly between 0 and {top}")
    low, high, shift = -60.0 - np.abs(offset).max(), 60.0 + np.abs(offset).max(), 0.0
    for _ in range(200):
        fitted = moments(category_probabilities(offset + shift, tau))
        gap = float(fitted.expected.sum()) - target
        if gap > 0:
            high = shift
        else:
            low = shift
        slope = float(fitted.variance.sum())
        proposal = shift - gap / slope if slope > 0 else (low + high) / 2
        if not low < proposal < high:
            proposal = (low + high) / 2
        done = abs(proposal - shift) < 1e-10
        shift = proposal
        if done:
            break
    information_ = float(moments(category_probabilities(offset + shift, tau)).variance.sum())
    return float(sign * shift), float(1.0 / np.sqrt(information_))
