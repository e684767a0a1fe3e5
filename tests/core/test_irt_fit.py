"""Infit and outfit: about 1 where the model generated the data, clearly above 1 for random responding."""

from __future__ import annotations

import numpy as np
import pytest

from certify.core import irt
from certify.core.irt import ItemParameters
from tests.core.irt_simulation import gpcm_probabilities

POOL, PERSONS, FORM = 60, 1500, 30


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(17)
    max_score = np.where(np.arange(POOL) < 50, 1, 2)
    a = rng.uniform(0.7, 2.0, POOL)
    steps = np.full((POOL, 2), np.nan)
    steps[:, 0] = rng.uniform(-1.5, 1.5, POOL)  # no extreme items: their mean squares are noisy
    steps[50:, 1] = steps[50:, 0] + rng.uniform(0.3, 1.2, 10)
    theta = rng.normal(size=PERSONS)
    forms = np.argsort(rng.random((PERSONS, POOL)), axis=1)[:, :FORM]
    person, item = np.repeat(np.arange(PERSONS), FORM), forms.ravel()
    probs = gpcm_probabilities(theta[person], a[item], steps[item])
    score = (rng.random(person.size)[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
    # Items 0 (0/1) and 55 (0..2) are answered at random, whatever the ability.
    random_0 = item == 0
    score[random_0] = rng.integers(0, 2, random_0.sum())
    random_55 = item == 55
    score[random_55] = rng.integers(0, 3, random_55.sum())
    items = [ItemParameters(a=float(a[j]), steps=tuple(steps[j, : max_score[j]])) for j in range(POOL)]
    return person, item, score, items, theta


def _mean_squares(fit):
    fitting = [f for f in fit if f.item not in (0, 55)]
    return np.array([f.infit for f in fitting]), np.array([f.outfit for f in fitting])


def test_at_the_true_abilities_fitting_items_are_near_one_and_random_ones_far_above(data):
    person, item, score, items, theta = data
    fit = irt.item_fit(person, item, score, items, theta=theta)
    infit, outfit = _mean_squares(fit)
    assert abs(infit.mean() - 1) < 0.03 and infit.min() > 0.85 and infit.max() < 1.15, (infit.min(), infit.max())
    # outfit has heavy tails (one unlikely response to an item far from a person weighs a lot)
    assert abs(outfit.mean() - 1) < 0.03 and outfit.min() > 0.75 and outfit.max() < 1.8, (outfit.min(), outfit.max())
    for j in (0, 55):
        assert fit[j].infit > 1.5 and fit[j].outfit > 2, fit[j]


def test_at_eap_abilities_mean_squares_run_a_little_low_but_random_items_stand_out(data):
    # A person's own responses pull the EAP towards them, absorbing part of each residual: with
    # 30 items per person the mean squares average ~0.95 (infit) and ~0.9 (outfit), not 1.
    person, item, score, items, _ = data
    fit = irt.item_fit(person, item, score, items)
    infit, outfit = _mean_squares(fit)
    assert 0.9 < infit.mean() < 1.02 and infit.min() > 0.8 and infit.max() < 1.15, (infit.mean(), infit.min())
    assert 0.85 < outfit.mean() < 1.02 and outfit.min() > 0.65 and outfit.max() < 1.4, (outfit.mean(), outfit.min())
    for j in (0, 55):
        assert fit[j].infit > 1.5 and fit[j].outfit > 2, fit[j]


def test_mean_squares_match_a_plain_per_response_computation(data):
    person, item, score, items, theta = data
    fit = irt.item_fit(person, item, score, items, theta=theta)
    for j in (0, 7, 52, 55):
        mine = item == j
        squared, variances, standardised = [], [], []
        for p, x in zip(person[mine], score[mine], strict=True):
            probs = gpcm_probabilities(np.array([theta[p]]), np.array([items[j].a]), np.array([items[j].steps]))[0]
            k = np.arange(probs.size)
            expected = (k * probs).sum()
            variance = ((k - expected) ** 2 * probs).sum()
            squared.append((x - expected) ** 2)
            variances.append(variance)
            standardised.append((x - expected) ** 2 / variance)
        assert fit[j].n == mine.sum()
        assert fit[j].infit == pytest.approx(sum(squared) / sum(variances), rel=1e-10)
        assert fit[j].outfit == pytest.approx(np.mean(standardised), rel=1e-10)


def test_an_item_nobody_saw_has_no_fit():
    items = [ItemParameters(1.0, (0.0,)), ItemParameters(1.0, (0.5,))]
    fit = irt.item_fit([0, 1, 2], [0, 0, 0], [1, 0, 1], items)
    assert fit[1] == irt.ItemFit(item=1, n=0, infit=None, outfit=None)
    assert fit[0].n == 3
