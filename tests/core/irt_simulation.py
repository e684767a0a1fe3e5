"""Simulated pools and candidates for the IRT tests, written independently of certify.core.irt.

Probabilities here come straight from the textbook GPCM formula (cumulative sums of a(theta - b_v)),
not from the package's slope-intercept arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

POOL = 336
STRATA = 8  # competency x Bloom cells of a blueprint, each of POOL // STRATA items
PER_STRATUM = 8  # items drawn from each cell: a 64-item form


@dataclass(frozen=True)
class Pool:
    a: np.ndarray  # (J,)
    steps: np.ndarray  # (J, M) step thresholds, NaN beyond an item's max score
    max_score: np.ndarray  # (J,)


def plant_pool(rng: np.random.Generator, *, polytomous: int = 56, rasch: bool = False) -> Pool:
    """A pool of POOL items: the last ``polytomous`` ones scored 0..2 or 0..3, the rest 0/1."""
    max_score = np.ones(POOL, dtype=np.int64)
    max_score[POOL - polytomous :] = rng.choice([2, 3], size=polytomous)
    a = np.ones(POOL) if rasch else np.clip(rng.lognormal(0.0, 0.3, POOL), 0.5, 2.5)
    location = rng.normal(0.0, 1.0, POOL)
    steps = np.full((POOL, 3), np.nan)
    for j in range(POOL):
        m = max_score[j]
        offsets = np.sort(rng.normal(0.0, 0.8, m))
        steps[j, :m] = location[j] + offsets - offsets.mean()
    return Pool(a=a, steps=steps, max_score=max_score)


def draw_forms(rng: np.random.Generator, persons: int) -> np.ndarray:
    """Blueprint-like forms: each person gets PER_STRATUM random items from each of the STRATA cells."""
    size = POOL // STRATA
    forms = [
        stratum * size + np.argsort(rng.random((persons, size)), axis=1)[:, :PER_STRATUM] for stratum in range(STRATA)
    ]
    return np.concatenate(forms, axis=1)


def gpcm_probabilities(theta: np.ndarray, a: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """P(k) for paired (theta, item) rows: theta (R,), a (R,), steps (R, M) with NaN padding -> (R, M + 1)."""
    terms = a[:, None] * (theta[:, None] - steps)
    cumulative = np.concatenate((np.zeros((theta.size, 1)), np.cumsum(np.nan_to_num(terms, nan=0.0), axis=1)), axis=1)
    present = np.concatenate((np.ones((theta.size, 1), dtype=bool), ~np.isnan(steps)), axis=1)
    cumulative = np.where(present, cumulative, -np.inf)
    cumulative -= cumulative.max(axis=1, keepdims=True)
    numerators = np.exp(cumulative)
    return numerators / numerators.sum(axis=1, keepdims=True)


def simulate(rng: np.random.Generator, pool: Pool, theta: np.ndarray, forms: np.ndarray):
    """Sparse responses (person, item, score) for persons with abilities ``theta`` taking ``forms``."""
    person = np.repeat(np.arange(theta.size), forms.shape[1])
    item = forms.ravel()
    probs = gpcm_probabilities(theta[person], pool.a[item], pool.steps[item])
    score = (rng.random(person.size)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    return person, item, np.minimum(score, pool.max_score[item])


def summary(estimate: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """(RMSE, Pearson correlation)."""
    rmse = float(np.sqrt(np.mean((estimate - truth) ** 2)))
    return rmse, float(np.corrcoef(estimate, truth)[0, 1])
