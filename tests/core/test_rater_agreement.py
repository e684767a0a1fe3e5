"""Pass/fail agreement per portfolio, pairwise severity, and the bias of severity against a rounded-down final level."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from certify.core import psychometrics
from certify.core.facets import fit_facets
from certify.core.rater_agreement import decision_agreement, pairwise_severity
from certify.core.rubrics import ResolutionRules, resolve_double_marking
from tests.core.facets_simulation import CRITERIA, simulate

T, F = True, False


def test_decision_agreement_by_hand():
    pairs = [(T, T)] * 6 + [(F, F)] * 2 + [(T, F), (F, T)]
    result = decision_agreement(pairs)
    assert (result.portfolios, result.both_pass, result.both_fail, result.split) == (10, 6, 2, 2)
    assert result.agreement == pytest.approx(0.8)
    # chance: 0.7 * 0.7 + 0.3 * 0.3 = 0.58, so kappa = (0.8 - 0.58) / 0.42
    assert result.kappa == pytest.approx(0.22 / 0.42)
    assert not result.tentative and decision_agreement(pairs, min_portfolios=11).tentative


@pytest.mark.parametrize("seed", range(5))
def test_decision_kappa_equals_a_two_category_weighted_kappa(seed):
    """With two categories every weighting gives Cohen's kappa: psychometrics computes it independently."""
    rng = np.random.default_rng(seed)
    first = rng.random(40) < 0.6
    second = np.where(rng.random(40) < 0.75, first, rng.random(40) < 0.5)
    pairs = [(bool(a), bool(b)) for a, b in zip(first, second, strict=True)]
    expected = psychometrics.quadratic_weighted_kappa([(int(a), int(b)) for a, b in pairs], categories=(0, 1))
    assert decision_agreement(pairs).kappa == pytest.approx(expected)


def test_decision_agreement_edge_cases_and_bad_input():
    assert decision_agreement([]).agreement is None and decision_agreement([]).tentative
    unanimous = decision_agreement([(T, T)] * 12)
    assert unanimous.agreement == 1.0 and unanimous.kappa is None  # no variation: chance agreement is 1
    with pytest.raises(ValueError, match="portfolio 2: expected two pass/fail decisions"):
        decision_agreement([(T, F), (1, 0)])
    with pytest.raises(ValueError, match="portfolio 1"):
        decision_agreement([(T,)])


def test_pairwise_severity_by_hand():
    ratings = [
        ("p1", "OB", "ann", 2),
        ("p1", "OB", "bob", 3),
        ("p1", "PA", "ann", 3),
        ("p1", "PA", "bob", 3),
        ("p2", "OB", "ann", 1),
        ("p2", "OB", "bob", 3),
        ("p2", "PA", "ann", 2),  # bob did not rate p2's PA: no comparison
    ]
    result = pairwise_severity(ratings)
    assert result["ann"].severity == pytest.approx((1 + 0 + 2) / 3)  # positive: ann is the severe one
    assert result["bob"].severity == pytest.approx(-1.0)
    assert (result["ann"].comparisons, result["ann"].portfolios) == (3, 2)
    # clustered by portfolio: totals 1 over 2 ratings and 2 over 1 rating around the mean 1
    assert result["ann"].se == pytest.approx(np.sqrt(2 * ((1 - 2) ** 2 + (2 - 1) ** 2) / 9))
    assert pairwise_severity(ratings[:2])["ann"].se is None
    with pytest.raises(ValueError, match="rating 1: level 7"):
        pairwise_severity([("p1", "OB", "ann", 7)])


def _old_severity(ratings):
    """What the agreement service does: own level minus the final level from double marking (mean, rounded down)."""
    by_portfolio = defaultdict(dict)
    for candidate, criterion, rater, level, _ in ratings:
        by_portfolio[candidate].setdefault(rater, {})[criterion] = level
    deviations = defaultdict(list)
    for reviews in by_portfolio.values():
        (a, first), (b, second) = reviews.items()
        resolution = resolve_double_marking(first, second, CRITERIA, ResolutionRules(combine="mean_floor"))
        if resolution.needs_adjudication:
            continue
        deviations[a] += psychometrics.level_deviations(first, resolution.final_levels)
        deviations[b] += psychometrics.level_deviations(second, resolution.final_levels)
    return {rater: psychometrics.severity(values) for rater, values in deviations.items()}


@pytest.fixture(scope="module")
def unbiased():
    """Four raters with no severity at all; r0 is erratic (one level up or down on half its ratings)."""
    return simulate(np.random.default_rng(99), candidates=360, severities=np.zeros(4), erratic=0).ratings


def test_old_severity_shows_unbiased_raters_as_lenient(unbiased):
    """psychometrics.severity (positive = lenient) against a final level that holds the rater's own level, rounded down.

    Rounding the mean down hands every one-level disagreement to the higher rater as a +1, so raters
    with no bias at all, who disagree only at random, all come out lenient.
    """
    old = _old_severity(unbiased)
    assert min(old.values()) > 0.15


def test_facets_and_pairwise_severity_show_them_as_unbiased(unbiased):
    fit = fit_facets(unbiased)
    pairwise = pairwise_severity(unbiased)
    for rater in ("r0", "r1", "r2", "r3"):
        measured = fit.raters[rater]
        assert abs(measured.severity) < 2.5 * measured.se and abs(measured.severity) < 0.15
        assert abs(pairwise[rater].severity) < 2.5 * pairwise[rater].se and abs(pairwise[rater].severity) < 0.08
    assert fit.raters["r0"].infit > 1.2  # what is wrong with r0 is consistency, and the model says so
    assert max(fit.raters[r].infit for r in ("r1", "r2", "r3")) < 1.15


def test_pairwise_severity_se_matches_the_spread_over_replications():
    rng = np.random.default_rng(5)
    estimates, errors = [], []
    for _ in range(30):
        result = pairwise_severity(simulate(rng, candidates=60, severities=np.array([-0.5, 0.0, 0.5])).ratings)
        estimates.append([result[f"r{j}"].severity for j in range(3)])
        errors.append([result[f"r{j}"].se for j in range(3)])
    empirical = np.std(np.array(estimates), axis=0, ddof=1)
    ratio = float(np.sqrt(np.mean(empirical**2)) / np.sqrt(np.mean(np.array(errors) ** 2)))
    assert 0.7 < ratio < 1.4, ratio
    means = np.mean(estimates, axis=0)
    assert means[0] < means[1] < means[2]  # severe raters sit below their partners: positive pairwise severity
