"""The EM estimator against a plainly written direct maximiser of the marginal likelihood.

The reference works in the reported parameters (slopes and step thresholds, or the Rasch ability SD
and thresholds), builds the marginal log-likelihood from the textbook GPCM formula with loops over
items, and maximises it (plus the same prior penalties) by Newton's method on finite-difference
derivatives. Both use the same quadrature, which is part of the estimator's definition.
"""

from __future__ import annotations

import numpy as np
import pytest

from certify.core import irt
from certify.core.irt import CalibrationSettings, Priors
from tests.core.irt_simulation import gpcm_probabilities

MAX_SCORE = np.array([1, 1, 1, 1, 2, 3])
TRUE_A = np.array([0.8, 1.4, 1.0, 2.0, 1.2, 0.9])
TRUE_STEPS = [(-1.0,), (0.0,), (0.6,), (1.2,), (-0.5, 0.4), (-1.2, 0.1, 0.9)]
NODES = np.linspace(-6, 6, 41)
WEIGHTS = np.exp(-(NODES**2) / 2) / np.exp(-(NODES**2) / 2).sum()


def _complete_data(persons: int, slopes, sd=1.0, seed=21):
    rng = np.random.default_rng(seed)
    theta = rng.normal(0, sd, persons)
    scores = np.empty((persons, MAX_SCORE.size), dtype=int)
    for j, steps in enumerate(TRUE_STEPS):
        probs = gpcm_probabilities(theta, np.full(persons, slopes[j]), np.tile(steps, (persons, 1)))
        scores[:, j] = (rng.random(persons)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    return scores


def _marginal_log_likelihood(slopes, steps, scores, sd=1.0):
    log_like = np.zeros((scores.shape[0], NODES.size))
    for j in range(scores.shape[1]):
        theta = sd * NODES
        probs = gpcm_probabilities(theta, np.full(NODES.size, slopes[j]), np.tile(steps[j], (NODES.size, 1)))
        log_like += np.log(probs[:, scores[:, j]]).T
    return float(np.log(np.exp(log_like) @ WEIGHTS).sum())


def _split(vector, rasch):
    slopes = np.ones(MAX_SCORE.size) if rasch else vector[: MAX_SCORE.size]
    rest = vector[1:] if rasch else vector[MAX_SCORE.size :]
    bounds = np.concatenate(([0], np.cumsum(MAX_SCORE)))
    steps = [tuple(rest[bounds[j] : bounds[j + 1]]) for j in range(MAX_SCORE.size)]
    return slopes, steps, (vector[0] if rasch else 1.0)


def _objective(vector, scores, rasch, priors):
    slopes, steps, sd = _split(vector, rasch)
    value = _marginal_log_likelihood(slopes, steps, scores, sd)
    if priors.log_slope_sd is not None and not rasch:
        value -= float((np.log(slopes) ** 2).sum()) / (2 * priors.log_slope_sd**2)
    if priors.intercept_sd is not None:
        value -= sum(float(((slopes[j] * np.array(s)) ** 2).sum()) for j, s in enumerate(steps)) / (
            2 * priors.intercept_sd**2
        )
    return value


def _derivatives(f, x, h=1e-4):
    size = x.size
    grad = np.zeros(size)
    hess = np.zeros((size, size))
    base = f(x)
    eye = np.eye(size) * h
    for i in range(size):
        grad[i] = (f(x + eye[i]) - f(x - eye[i])) / (2 * h)
        hess[i, i] = (f(x + eye[i]) - 2 * base + f(x - eye[i])) / h**2
        for k in range(i):
            hess[i, k] = hess[k, i] = (
                f(x + eye[i] + eye[k]) - f(x + eye[i] - eye[k]) - f(x - eye[i] + eye[k]) + f(x - eye[i] - eye[k])
            ) / (4 * h * h)
    return grad, hess


def _maximise(f, start):
    """Newton's method with step halving (gradient ascent where the Hessian is not negative definite)."""
    x = start.copy()
    for _ in range(30):
        grad, hess = _derivatives(f, x)
        if np.all(np.linalg.eigvalsh(hess) < 0):
            step = np.linalg.solve(-hess, grad)
        else:
            step = grad / np.abs(np.diag(hess)).max()
        scale, current = 1.0, f(x)
        while not f(x + scale * step) >= current - 1e-12 and scale > 1e-6:
            scale /= 2
        x = x + scale * step
        if np.abs(scale * step).max() < 1e-8:
            break
    return x, np.linalg.inv(-_derivatives(f, x)[1])


def _sparse(scores):
    persons, items = np.indices(scores.shape)
    return persons.ravel(), items.ravel(), scores.ravel()


@pytest.mark.parametrize(("model", "priors"), [("2pl", Priors()), ("rasch", Priors(None, None))])
def test_em_agrees_with_a_direct_maximiser_of_the_marginal_likelihood(model, priors):
    rasch = model == "rasch"
    scores = _complete_data(400, np.ones(6) if rasch else TRUE_A, sd=1.3 if rasch else 1.0)
    settings = CalibrationSettings(tolerance=1e-8, max_iterations=5000, priors=priors)
    result = irt.calibrate(*_sparse(scores), MAX_SCORE, model=model, settings=settings)
    assert result.converged

    # Started at the planted values: independent of the EM run, and near the maximum.
    start = np.concatenate(([1.3] if rasch else TRUE_A, np.concatenate(TRUE_STEPS)))
    reference, covariance = _maximise(lambda v: _objective(v, scores, rasch, priors), start)
    slopes, steps, sd = _split(reference, rasch)
    for j, item in enumerate(result.items):
        assert item.a == pytest.approx(slopes[j], abs=1e-5)
        np.testing.assert_allclose(item.steps, steps[j], atol=1e-5)
    assert result.ability_sd == pytest.approx(sd, abs=1e-5)
    assert result.log_likelihood == pytest.approx(_marginal_log_likelihood(slopes, steps, scores, sd), abs=1e-5)

    # Standard errors: the per-item cross-product information against the inverse of the full
    # numerical Hessian. They estimate the same thing by different routes; allow sampling noise.
    ses = np.sqrt(np.diag(covariance))
    offset = 1 if rasch else MAX_SCORE.size
    bounds = np.concatenate(([0], np.cumsum(MAX_SCORE))) + offset
    for j, item in enumerate(result.items):
        np.testing.assert_allclose(item.se_steps, ses[bounds[j] : bounds[j + 1]], rtol=0.2)
        if not rasch:
            assert item.se_a == pytest.approx(ses[j], rel=0.2)
    if rasch:
        assert result.se_ability_sd == pytest.approx(ses[0], rel=0.2)
