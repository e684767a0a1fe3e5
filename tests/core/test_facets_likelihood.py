"""The facets arithmetic against plainly written references: direct probabilities, finite differences, brute force."""

from __future__ import annotations

import math

import numpy as np
import pytest

from certify.core.facets import fit_facets
from certify.core.facets_design import code_ratings, parse_ratings
from certify.core.facets_model import (
    Measures,
    category_probabilities,
    information,
    log_likelihood,
    moments,
    score,
    solve_element,
)


def _direct_probabilities(eta, tau):
    """P_k = exp(sum_{h<=k} (eta - tau_h)) / sum over k, written out term by term."""
    numerators = [math.exp(sum(eta - t for t in tau[:k])) for k in range(len(tau) + 1)]
    return [x / sum(numerators) for x in numerators]


@pytest.mark.parametrize("eta", [-6.0, -1.3, 0.0, 0.4, 2.2, 7.5])
@pytest.mark.parametrize("tau", [[0.0], [-1.8, 0.1, 1.7], [1.0, -0.5, -0.5], [-2.0, -0.3, 0.4, 1.9]])
def test_category_probabilities_match_the_direct_formula(eta, tau):
    ours = category_probabilities(np.array([eta]), np.array(tau))[0]
    assert ours == pytest.approx(_direct_probabilities(eta, tau), abs=1e-12)


def _random_problem(seed, candidates=12, criteria=3, raters=3, levels=4):
    rng = np.random.default_rng(seed)
    ratings = [
        (n, i, j, int(rng.integers(1, levels + 1)))
        for n in range(candidates)
        for i in range(criteria)
        for j in range(raters)
        if rng.random() < 0.7
    ]
    design = code_ratings(parse_ratings(ratings, levels), levels).design
    measures = Measures(
        rng.normal(0, 1, design.n_candidates),
        rng.normal(0, 0.5, design.n_criteria),
        rng.normal(0, 0.5, design.n_raters),
        np.sort(rng.normal(0, 1, levels - 1)),
    )
    return design, measures


def _flat(measures):
    return np.concatenate((measures.theta, measures.delta, measures.rho, measures.tau))


def _unflat(vector, like):
    sizes = np.cumsum([like.theta.size, like.delta.size, like.rho.size])
    theta, delta, rho, tau = np.split(vector, sizes)
    return Measures(theta, delta, rho, tau)


def _analytic(design, measures):
    fitted = moments(category_probabilities(measures.eta(design), measures.tau))
    return fitted, np.concatenate(score(design, fitted))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_score_is_the_gradient_of_the_log_likelihood(seed):
    design, measures = _random_problem(seed)
    _, gradient = _analytic(design, measures)
    base, step = _flat(measures), 1e-6
    numeric = np.array(
        [
            (
                log_likelihood(design, _unflat(base + step * e, measures))
                - log_likelihood(design, _unflat(base - step * e, measures))
            )
            / (2 * step)
            for e in np.eye(base.size)
        ]
    )
    assert gradient == pytest.approx(numeric, abs=1e-5)


@pytest.mark.parametrize("seed", [4, 5])
def test_information_is_minus_the_derivative_of_the_score(seed):
    design, measures = _random_problem(seed)
    fitted, _ = _analytic(design, measures)
    info = information(design, fitted)
    n = measures.theta.size
    analytic = np.zeros((n + info.small.shape[0],) * 2)
    analytic[:n, :n] = np.diag(info.theta)
    analytic[:n, n:], analytic[n:, :n], analytic[n:, n:] = info.cross, info.cross.T, info.small
    base, step = _flat(measures), 1e-6
    numeric = np.array(
        [
            -(
                _analytic(design, _unflat(base + step * e, measures))[1]
                - _analytic(design, _unflat(base - step * e, measures))[1]
            )
            / (2 * step)
            for e in np.eye(base.size)
        ]
    )
    assert analytic == pytest.approx(numeric, abs=1e-5)


# A tiny double-marked data set: 6 candidates, 2 criteria, 2 raters, levels 1..3, no extreme scores.
TINY = [
    (n, criterion, rater, level)
    for n, rows in enumerate(
        [((1, 2), (2, 2)), ((2, 3), (1, 2)), ((2, 2), (3, 2)), ((3, 3), (2, 3)), ((1, 1), (2, 1)), ((3, 2), (2, 2))]
    )
    for rater, pair in zip(("A", "B"), rows, strict=True)
    for criterion, level in zip(("X", "Y"), pair, strict=True)
]


def _rating_log_likelihood(theta, criterion, rater, level, delta_x, rho_a, tau_1):
    """One rating, plainly: delta = (x, -x) over X, Y; rho = (a, -a) over A, B; tau = (t, -t)."""
    delta, rho = {"X": delta_x, "Y": -delta_x}, {"A": rho_a, "B": -rho_a}
    return math.log(_direct_probabilities(theta - delta[criterion] - rho[rater], [tau_1, -tau_1])[level - 1])


def _golden_maximum(f, low, high, rounds=40):
    """Golden-section search for the maximum of a unimodal f on [low, high]."""
    ratio = (math.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = f(a), f(b)
    for _ in range(rounds):
        if fa > fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = f(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = f(b)
    return (low + high) / 2


def _profile(delta_x, rho_a, tau_1):
    """The joint log-likelihood maximised over every theta (each candidate's ratings alone), and those thetas."""
    thetas, total = [], 0.0
    for n in range(6):
        mine = [(c, r, level) for m, c, r, level in TINY if m == n]

        def own(theta, mine=mine):
            return sum(_rating_log_likelihood(theta, c, r, level, delta_x, rho_a, tau_1) for c, r, level in mine)

        thetas.append(_golden_maximum(own, -10, 10))
        total += own(thetas[-1])
    return total, thetas


def _brute_force_tiny():
    """Cyclic coordinate search over (delta_X, rho_A, tau_1) on the profile likelihood until nothing moves."""
    point = [0.0, 0.0, 0.0]
    for _ in range(100):
        before = list(point)
        for k in range(3):
            point[k] = _golden_maximum(
                lambda x, k=k: _profile(*point[:k], x, *point[k + 1 :])[0], point[k] - 2, point[k] + 2
            )
        if max(abs(a - b) for a, b in zip(point, before, strict=True)) < 1e-7:
            break
    best, thetas = _profile(*point)
    return thetas + point, best


def test_jmle_matches_a_brute_force_maximisation_on_a_tiny_data_set():
    fit = fit_facets(TINY, levels=3)
    point, best = _brute_force_tiny()
    assert not any(c.extreme for c in fit.candidates.values())
    assert [fit.candidates[n].measure for n in range(6)] == pytest.approx(point[:6], abs=1e-5)
    assert fit.criteria["X"].difficulty == pytest.approx(point[6], abs=1e-5)
    assert fit.raters["A"].severity == pytest.approx(point[7], abs=1e-5)
    assert fit.thresholds == pytest.approx((point[8], -point[8]), abs=1e-5)
    assert fit.log_likelihood == pytest.approx(best, abs=1e-8)


def test_one_element_solve_matches_a_grid_search_of_its_likelihood():
    rng = np.random.default_rng(11)
    offset, tau = rng.normal(0, 1, 25), np.array([-1.5, 0.2, 1.3])
    observed = rng.integers(0, 4, 25)
    value, error = solve_element(offset, -1.0, tau, float(observed.sum()))

    def anchored(b):
        probabilities = category_probabilities(offset - b, tau)
        return float(np.log(probabilities[np.arange(25), observed]).sum())

    grid = np.linspace(-5, 5, 2001)
    coarse = grid[np.argmax([anchored(b) for b in grid])]
    fine = np.linspace(coarse - 0.01, coarse + 0.01, 2001)
    best = fine[np.argmax([anchored(b) for b in fine])]
    assert value == pytest.approx(best, abs=2e-5)
    curvature = (anchored(value + 1e-4) - 2 * anchored(value) + anchored(value - 1e-4)) / 1e-8
    assert error == pytest.approx(1 / math.sqrt(-curvature), rel=1e-3)
