"""IRT item response functions, information, EAP and the TCC inverse, against independent computations."""

from __future__ import annotations

import numpy as np
import pytest

from certify.core import irt
from certify.core.irt import ItemParameters
from tests.core.irt_simulation import gpcm_probabilities

ITEMS = (
    ItemParameters(a=1.0, steps=(0.3,)),  # Rasch
    ItemParameters(a=1.7, steps=(-0.8,)),  # 2PL
    ItemParameters(a=1.0, steps=(-1.0, 0.2, 1.1)),  # PCM
    ItemParameters(a=0.6, steps=(0.9, -0.4)),  # GPCM with reversed thresholds
)
THETA = np.linspace(-4, 4, 33)


def _textbook(item: ItemParameters, theta: np.ndarray) -> np.ndarray:
    steps = np.tile(np.array(item.steps), (theta.size, 1))
    return gpcm_probabilities(theta, np.full(theta.size, item.a), steps)


@pytest.mark.parametrize("item", ITEMS)
def test_category_probabilities_match_the_textbook_formula(item):
    probs = irt.category_probabilities(item, THETA)
    assert probs.shape == (THETA.size, item.max_score + 1)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(probs, _textbook(item, THETA), atol=1e-12)


def test_a_two_category_item_is_the_logistic_2pl():
    item = ITEMS[1]
    expected = 1 / (1 + np.exp(-item.a * (THETA - item.steps[0])))
    np.testing.assert_allclose(irt.category_probabilities(item, THETA)[:, 1], expected, atol=1e-12)


@pytest.mark.parametrize("item", ITEMS)
def test_item_information_is_the_fisher_information_of_the_categories(item):
    h = 1e-5
    probs = _textbook(item, THETA)
    slope = (_textbook(item, THETA + h) - _textbook(item, THETA - h)) / (2 * h)
    fisher = (slope**2 / probs).sum(axis=1)
    np.testing.assert_allclose(irt.item_information(item, THETA), fisher, rtol=1e-6)
    # and minus the expected second derivative of log P, by second differences
    curvature = (
        np.log(_textbook(item, THETA + 1e-4)) - 2 * np.log(probs) + np.log(_textbook(item, THETA - 1e-4))
    ) / 1e-8
    np.testing.assert_allclose(irt.item_information(item, THETA), -(probs * curvature).sum(axis=1), rtol=1e-4)


def test_test_information_sums_items_and_csem_is_its_inverse_root():
    total = sum(irt.item_information(item, THETA) for item in ITEMS)
    np.testing.assert_allclose(irt.test_information(ITEMS, THETA), total, rtol=1e-12)
    np.testing.assert_allclose(irt.conditional_sem(ITEMS, THETA), 1 / np.sqrt(total), rtol=1e-12)


def test_tcc_is_the_sum_of_expected_scores_and_its_slope_is_information_over_a():
    expected = sum((_textbook(item, THETA) * np.arange(item.max_score + 1)).sum(axis=1) for item in ITEMS)
    np.testing.assert_allclose(irt.expected_score(ITEMS, THETA), expected, atol=1e-12)
    h = 1e-5
    slope = (irt.expected_score(ITEMS, THETA + h) - irt.expected_score(ITEMS, THETA - h)) / (2 * h)
    by_information = sum(irt.item_information(item, THETA) / item.a for item in ITEMS)
    np.testing.assert_allclose(slope, by_information, rtol=1e-6)
    # integrating the slope back (trapezoid on a fine grid) recovers the curve's rise
    grid = np.linspace(-4, 4, 8001)
    rise = np.trapezoid(sum(irt.item_information(item, grid) / item.a for item in ITEMS), grid)
    ends = irt.expected_score(ITEMS, [-4.0, 4.0])
    assert rise == pytest.approx(ends[1] - ends[0], rel=1e-6)


def _brute_force_posterior(items, scores, mean=0.0, sd=1.0):
    grid = np.linspace(mean - 10 * sd, mean + 10 * sd, 20001)
    density = np.exp(-((grid - mean) ** 2) / (2 * sd * sd))
    for item, score in zip(items, scores, strict=True):
        density = density * _textbook(item, grid)[:, score]
    norm = np.trapezoid(density, grid)
    post_mean = np.trapezoid(grid * density, grid) / norm
    return post_mean, np.sqrt(np.trapezoid((grid - post_mean) ** 2 * density, grid) / norm)


@pytest.mark.parametrize(
    ("scores", "mean", "sd"),
    [((1, 0, 2, 1), 0.0, 1.0), ((0, 0, 0, 0), 0.0, 1.0), ((1, 1, 3, 2), 0.0, 1.0), ((1, 0, 1, 2), 0.5, 1.3)],
)
def test_eap_matches_a_brute_force_posterior(scores, mean, sd):
    estimate = irt.eap(ITEMS, scores, prior_mean=mean, prior_sd=sd)
    want_mean, want_sd = _brute_force_posterior(ITEMS, scores, mean, sd)
    assert estimate.theta == pytest.approx(want_mean, abs=1e-6)
    assert estimate.sd == pytest.approx(want_sd, abs=1e-6)


def test_eap_on_a_long_form_and_for_many_persons_agree_with_brute_force():
    rng = np.random.default_rng(5)
    items = [ItemParameters(a=float(rng.uniform(0.6, 2)), steps=(float(rng.normal()),)) for _ in range(64)]
    patterns = rng.integers(0, 2, size=(3, 64))
    thetas, sds = irt.eap_scores(np.repeat(np.arange(3), 64), np.tile(np.arange(64), 3), patterns.ravel(), items)
    for p, pattern in enumerate(patterns):
        want_mean, want_sd = _brute_force_posterior(items, pattern)
        single = irt.eap(items, pattern.tolist())
        assert single.theta == pytest.approx(want_mean, abs=1e-6)
        assert single.sd == pytest.approx(want_sd, abs=1e-6)
        assert thetas[p] == pytest.approx(want_mean, abs=1e-6)
        assert sds[p] == pytest.approx(want_sd, abs=1e-6)


def test_eap_with_no_items_is_the_prior():
    assert irt.eap([], [], prior_mean=0.2, prior_sd=1.1) == irt.AbilityEstimate(theta=0.2, sd=1.1)


@pytest.mark.parametrize("theta", [-3.0, -1.2, 0.0, 0.7, 2.5])
def test_tcc_inverse_round_trips(theta):
    raw = float(irt.expected_score(ITEMS, theta)[0])
    assert irt.theta_for_raw_score(ITEMS, raw) == pytest.approx(theta, abs=1e-9)
    maximum = sum(item.max_score for item in ITEMS)
    assert irt.theta_for_percent_score(ITEMS, 100 * raw / maximum) == pytest.approx(theta, abs=1e-9)


def test_a_cut_carried_to_another_form_and_back_is_unchanged():
    rng = np.random.default_rng(8)
    form_a = [ItemParameters(a=float(rng.uniform(0.6, 2)), steps=(float(rng.normal()),)) for _ in range(40)]
    form_b = [ItemParameters(a=float(rng.uniform(0.6, 2)), steps=(float(rng.normal(0.5)),)) for _ in range(50)]
    for cut in (12.0, 24.5, 31.0):
        on_b = irt.equivalent_raw_score(cut, form_a, form_b)
        theta = irt.theta_for_raw_score(form_a, cut)
        assert on_b == pytest.approx(float(irt.expected_score(form_b, theta)[0]), abs=1e-9)
        assert irt.equivalent_raw_score(on_b, form_b, form_a) == pytest.approx(cut, abs=1e-8)
    # a harder form (b shifted up) gives a lower equivalent raw cut
    assert irt.equivalent_raw_score(24.5, form_a, form_b) < 24.5 * 50 / 40


@pytest.mark.parametrize("raw", [0.0, 7.0, -1.0, 7.5, float("nan")])
def test_tcc_inverse_rejects_scores_no_finite_theta_expects(raw):
    with pytest.raises(ValueError, match="raw_score"):
        irt.theta_for_raw_score(ITEMS, raw)


def test_item_parameters_are_checked():
    with pytest.raises(ValueError, match="slope"):
        ItemParameters(a=0.0, steps=(0.0,))
    with pytest.raises(ValueError, match="at least one step"):
        ItemParameters(a=1.0, steps=())
    with pytest.raises(ValueError, match="finite"):
        ItemParameters(a=1.0, steps=(float("inf"),))
    with pytest.raises(ValueError, match="finite"):
        irt.test_information(ITEMS, [0.0, float("nan")])
