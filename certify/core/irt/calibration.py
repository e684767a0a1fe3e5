"""Marginal maximum likelihood calibration by Bock-Aitkin EM on a fixed quadrature grid.

Ability is integrated out over ``quadrature_points`` equally spaced nodes on
[-quadrature_bound, quadrature_bound] with standard normal weights. Under "2pl" (2PL for 0/1 items,
GPCM for items scored 0..m) the N(0, 1) ability distribution fixes the scale. Under "rasch" (Rasch
and PCM) every slope is 1 and the nodes are scaled by an estimated ability SD instead (abilities are
N(0, sigma^2) in logits), which is the same model as a common slope on N(0, 1).

Each EM cycle computes the posterior over nodes for every person (E-step, see ``responses``), then
up to ``newton_steps`` scoring steps for all items at once (M-step, see ``mstep``). The run stops
when no parameter (slope, intercept, ability SD) moves by more than ``tolerance`` in a cycle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from certify.core.irt.errors import item_covariances, threshold_errors
from certify.core.irt.model import FloatArray, PackedItems, log_category_probabilities
from certify.core.irt.mstep import common_slope_step, increment_precision, items_step
from certify.core.irt.responses import ResponseData, validate_responses
from certify.core.irt.results import (
    MODELS,
    Calibration,
    CalibrationSettings,
    ItemEstimate,
    as_tuple,
    item_flags,
    model_name,
)

# Indicator matrices up to this many cells (8 bytes each) are converted to float64 once, not every cycle.
CACHED_CELLS = 16_000_000


def quadrature(points: int, bound: float) -> tuple[FloatArray, FloatArray]:
    """Equally spaced nodes on [-bound, bound] and the log of their normalised standard normal weights."""
    nodes = np.linspace(-bound, bound, points)
    log_weights = -(nodes**2) / 2
    log_weights -= np.log(np.exp(log_weights).sum())
    return nodes, log_weights


def e_step(
    blocks: Iterable[tuple[slice, FloatArray]],
    n_persons: int,
    log_table: FloatArray,
    log_weights: FloatArray,
    keep_posterior: bool,
) -> tuple[float, FloatArray, FloatArray | None]:
    """Marginal log-likelihood, expected counts per indicator column and node (C, Q), and optionally the posterior.

    ``blocks`` are row blocks of the person x category indicator matrix; ``log_table`` holds log P
    for each indicator column (item j, score k) at each node: shape (C, Q).
    """
    counts = np.zeros_like(log_table)
    posterior = np.empty((n_persons, log_weights.size), dtype=np.float64) if keep_posterior else None
    log_likelihood = 0.0
    for rows, block in blocks:
        joint = block @ log_table + log_weights
        top = joint.max(axis=1, keepdims=True)
        mass = np.exp(joint - top)
        total = mass.sum(axis=1, keepdims=True)
        log_likelihood += float((top + np.log(total)).sum())
        mass /= total
        counts += block.T @ mass
        if posterior is not None:
            posterior[rows] = mass
    return log_likelihood, counts, posterior


def _starting_items(data: ResponseData) -> PackedItems:
    """Slopes 1 and thresholds from adjacent-category log odds (the PCM thresholds at theta = 0, spread ignored)."""
    counts = data.category_counts().astype(np.float64)
    width = counts.shape[1]
    valid = np.arange(width)[None, :] <= data.max_score[:, None]
    thresholds = np.log(counts[:, :-1] + 0.5) - np.log(counts[:, 1:] + 0.5)
    thresholds = np.where(valid[:, 1:], np.clip(thresholds, -3.0, 3.0), 0.0)
    d = np.zeros((data.n_items, width), dtype=np.float64)
    d[:, 1:] = -np.cumsum(thresholds, axis=1) * valid[:, 1:]
    return PackedItems(a=np.ones(data.n_items, dtype=np.float64), d=d, valid=valid)


def calibrate(
    person_index: ArrayLike,
    item_index: ArrayLike,
    score: ArrayLike,
    max_score: ArrayLike,
    *,
    model: str = "2pl",
    n_persons: int | None = None,
    settings: CalibrationSettings | None = None,
) -> Calibration:
    """Calibrate a pool from sparse responses by marginal maximum likelihood (Bock-Aitkin EM).

    ``person_index``, ``item_index`` and ``score`` are parallel integer sequences, one entry per
    response; an unseen item is simply absent. ``max_score[j]`` is item j's maximum score (1 for a
    0/1 item), so the pool has ``len(max_score)`` items, indexed from 0. ``model`` is "2pl"
    (2PL/GPCM) or "rasch" (Rasch/PCM). Persons are 0..n_persons-1 (default: the largest index + 1).
    Bad input raises ValueError; items with no, few or extreme responses are flagged, not rejected.
    """
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    settings = settings or CalibrationSettings()
    data = validate_responses(person_index, item_index, score, max_score, n_persons)
    free_slope = model == "2pl"
    nodes, log_weights = quadrature(settings.quadrature_points, settings.quadrature_bound)
    packed = _starting_items(data)
    precision = increment_precision(data.max_score, packed.d.shape[1], settings.priors)
    sigma = 1.0
    blocks = data.indicator_blocks
    if data.n_persons * data.n_columns <= CACHED_CELLS:
        cached = list(data.indicator_blocks())
        blocks = lambda: iter(cached)  # noqa: E731
    converged = False
    iteration = 0
    for iteration in range(1, settings.max_iterations + 1):  # noqa: B007 (the count is reported)
        theta = sigma * nodes
        table = log_category_probabilities(packed, theta)[packed.valid]
        _, columns, _ = e_step(blocks(), data.n_persons, table, log_weights, keep_posterior=False)
        counts = np.zeros((data.n_items, packed.d.shape[1], nodes.size), dtype=np.float64)
        counts[packed.valid] = columns
        before = packed
        for _ in range(settings.newton_steps):
            packed, change = items_step(packed, theta, counts, precision, settings.priors, free_slope)
            if change < settings.tolerance / 10:
                break
        movement = float(max(np.abs(packed.a - before.a).max(), np.abs(packed.d - before.d).max()))
        if not free_slope:
            new_sigma = common_slope_step(packed, sigma, nodes, counts)
            movement = max(movement, abs(new_sigma - sigma))
            sigma = new_sigma
        if movement < settings.tolerance:
            converged = True
            break
    theta = sigma * nodes
    table = log_category_probabilities(packed, theta)[packed.valid]
    log_likelihood, _, posterior = e_step(blocks(), data.n_persons, table, log_weights, keep_posterior=True)
    assert posterior is not None
    covariance, sd_information = item_covariances(
        data, packed, theta, posterior, precision, settings.priors, free_slope
    )
    items = _estimates(data, packed, covariance, model, settings)
    se_sd = None if free_slope or sd_information <= 0 else sigma / math.sqrt(sd_information)
    return Calibration(
        model=model,
        items=items,
        ability_mean=0.0,
        ability_sd=sigma,
        se_ability_sd=se_sd,
        log_likelihood=log_likelihood,
        iterations=iteration,
        converged=converged,
        n_persons=data.n_persons,
        n_responses=int(data.person.size),
    )


def _estimates(
    data: ResponseData, packed: PackedItems, covariance: FloatArray, family: str, settings: CalibrationSettings
) -> tuple[ItemEstimate, ...]:
    free_slope = family == "2pl"
    respondents = data.respondents()
    category_counts = data.category_counts()
    items = []
    for j in range(data.n_items):
        m = int(data.max_score[j])
        a = float(packed.a[j])
        d = packed.d[j, 1 : m + 1]
        steps = -np.diff(np.concatenate(([0.0], d))) / a
        se_a, se_b, se_steps = threshold_errors(a, d, covariance[j], free_slope)
        n = int(respondents[j])
        if n == 0:
            se_a = math.inf if free_slope else None
            se_b, se_steps = math.inf, np.full(m, math.inf)
        flags = item_flags(n, category_counts[j], m, a, free_slope, settings.min_respondents)
        items.append(
            ItemEstimate(
                item=j,
                model=model_name(family, m),
                a=a,
                b=float(steps.mean()),
                steps=as_tuple(steps),
                se_a=se_a,
                se_b=se_b,
                se_steps=as_tuple(se_steps),
                n=n,
                flags=flags,
            )
        )
    return tuple(items)
