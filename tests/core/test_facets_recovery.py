"""The facets model recovers planted severities, difficulties and thresholds, and flags an erratic rater."""

from __future__ import annotations

import numpy as np
import pytest

from certify.core.facets import fit_facets
from tests.core.facets_simulation import CRITERIA, DIFFICULTIES, THRESHOLDS, simulate


def _ranks(values):
    order = sorted(range(len(values)), key=lambda k: values[k])
    ranks = [0] * len(values)
    for rank, k in enumerate(order):
        ranks[k] = rank
    return ranks


def _spearman(a, b):
    """Rank correlation without ties: 1 - 6 sum d^2 / (n (n^2 - 1))."""
    n = len(a)
    d2 = sum((x - y) ** 2 for x, y in zip(_ranks(a), _ranks(b), strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


@pytest.fixture(scope="module")
def planted():
    sample = simulate(np.random.default_rng(20240613), candidates=240, erratic=3)
    return sample, fit_facets(sample.ratings)


def test_fit_converges(planted):
    _, fit = planted
    assert fit.converged
    assert fit.max_score_residual < 1e-6


def test_extreme_candidates_are_measured_beyond_the_others(planted):
    _, fit = planted
    extreme = [c for c in fit.candidates.values() if c.extreme]
    measured = [c.measure for c in fit.candidates.values() if not c.extreme]
    assert extreme  # this sample has a candidate with every level at 4
    for candidate in extreme:
        assert candidate.infit is None and candidate.outfit is None
        assert (
            candidate.measure > max(measured) if candidate.extreme == "maximum" else candidate.measure < min(measured)
        )
        assert candidate.se > 0.5


def test_planted_severities_are_recovered(planted):
    sample, fit = planted
    recovered = np.array([fit.raters[f"r{j}"].severity for j in range(6)])
    rmse = float(np.sqrt(np.mean((recovered - sample.severities) ** 2)))
    # Seen with this seed: RMSE 0.081 logits, r = 0.993 (standard errors about 0.07).
    assert np.array_equal(np.sign(recovered), np.sign(sample.severities))
    assert _spearman(list(recovered), list(sample.severities)) == 1
    assert np.corrcoef(recovered, sample.severities)[0, 1] > 0.95
    assert rmse < 0.15
    assert abs(recovered.sum()) < 1e-9  # the identification constraint


def test_planted_difficulties_thresholds_and_abilities_are_recovered(planted):
    sample, fit = planted
    difficulties = np.array([fit.criteria[c].difficulty for c in CRITERIA])
    assert np.corrcoef(difficulties, DIFFICULTIES)[0, 1] > 0.95
    assert np.sqrt(np.mean((difficulties - DIFFICULTIES) ** 2)) < 0.15
    assert np.abs(np.array(fit.thresholds) - THRESHOLDS).max() < 0.25
    abilities = np.array([fit.candidates[f"c{n}"].measure for n in range(240)])
    assert np.corrcoef(abilities, sample.abilities)[0, 1] > 0.9
    assert fit.bias_factor == pytest.approx(15 / 16, abs=0.01)  # 16 ratings per candidate


def test_erratic_rater_misfits_and_the_others_fit(planted):
    _, fit = planted
    erratic = fit.raters["r3"]
    assert erratic.infit > 1.2 and erratic.outfit > 1.2
    for rater in (fit.raters[f"r{j}"] for j in (0, 1, 2, 4, 5)):
        assert 0.75 < rater.infit < 1.15 and 0.75 < rater.outfit < 1.15
    for criterion in fit.criteria.values():
        assert 0.8 < criterion.infit < 1.25


def test_counts_and_tentative_flag_are_per_portfolio(planted):
    _, fit = planted
    rater = fit.raters["r0"]
    assert rater.portfolios == 80 and rater.ratings == 80 * len(CRITERIA)  # 5 of the 15 pairs include r0
    assert not rater.tentative
    strict = fit_facets(planted[0].ratings, min_portfolios=81)
    assert strict.raters["r0"].tentative  # 640 ratings, but only 80 portfolios


def test_standard_errors_match_the_spread_over_replications():
    rng = np.random.default_rng(7)
    severities, errors, difficulties, difficulty_errors = [], [], [], []
    for _ in range(8):
        fit = fit_facets(simulate(rng, candidates=150).ratings)
        severities.append([fit.raters[f"r{j}"].severity for j in range(6)])
        errors.append([fit.raters[f"r{j}"].se for j in range(6)])
        difficulties.append([fit.criteria[c].difficulty for c in CRITERIA])
        difficulty_errors.append([fit.criteria[c].se for c in CRITERIA])
    for estimates, ses in ((severities, errors), (difficulties, difficulty_errors)):
        spread = np.asarray(estimates)
        empirical = np.sqrt(((spread - spread.mean(axis=0)) ** 2).sum(axis=0) / (len(spread) - 1))
        ratio = float(np.sqrt(np.mean(empirical**2)) / np.sqrt(np.mean(np.asarray(ses) ** 2)))
        assert 0.7 < ratio < 1.4, ratio
