"""Bad ratings and unusable designs get a clear ValueError; extreme elements are measured, not dropped silently."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from certify.core.facets import fit_facets
from certify.core.facets_design import DisconnectedDesign
from tests.core.facets_simulation import simulate


def test_no_ratings_is_refused():
    with pytest.raises(ValueError, match="no ratings"):
        fit_facets([])


@pytest.mark.parametrize("level", [0, 5, -1, True, 2.5, "3", None])
def test_a_level_outside_the_scale_is_refused_and_located(level):
    ratings = [("c1", "OB", "r1", 3), ("c1", "OB", "r2", level)]
    with pytest.raises(ValueError, match=r"rating 2: level .* is not one of the levels 1\.\.4"):
        fit_facets(ratings)


@pytest.mark.parametrize("row", [("c1", "OB", 3), ("c1", "OB", "r1", 3, 0.0, "extra"), "c1,OB,r1,3"])
def test_a_malformed_rating_is_refused(row):
    with pytest.raises(ValueError, match="rating 1: expected"):
        fit_facets([row])


def test_a_repeated_rating_and_a_bad_time_are_refused():
    with pytest.raises(ValueError, match="rating 2: rater 'r1' rated criterion 'OB' of candidate 'c1' twice"):
        fit_facets([("c1", "OB", "r1", 3), ("c1", "OB", "r1", 2)])
    with pytest.raises(ValueError, match="rating 1: time"):
        fit_facets([("c1", "OB", "r1", 3, float("nan"))])
    with pytest.raises(ValueError, match="levels must be an integer"):
        fit_facets([("c1", "OB", "r1", 1)], levels=1)


def test_a_level_nobody_uses_is_refused():
    ratings = [r for r in simulate(np.random.default_rng(3), candidates=60).ratings if r[3] != 2]
    with pytest.raises(ValueError, match=r"level\(s\) 2"):
        fit_facets(ratings)


def test_only_extreme_ratings_are_refused():
    with pytest.raises(ValueError, match="every rating"):
        fit_facets([("c1", "OB", "r1", 4), ("c1", "PA", "r2", 4), ("c2", "OB", "r1", 1)])


def _two_teams(rng, criteria_b=("OB", "PA", "AD")):
    """Raters r0, r1 mark only the first 30 candidates and r2, r3 only the other 30."""
    ratings = []
    for n in range(60):
        raters, criteria = (("r0", "r1"), ("OB", "PA", "AD")) if n < 30 else (("r2", "r3"), criteria_b)
        for rater, criterion in itertools.product(raters, criteria):
            ratings.append((f"c{n}", criterion, rater, int(rng.integers(1, 5))))
    return ratings


def test_raters_who_never_share_portfolios_are_reported_as_subsets():
    ratings = _two_teams(np.random.default_rng(5))
    with pytest.raises(DisconnectedDesign, match=r"raters: \{r0, r1\} \| \{r2, r3\}") as caught:
        fit_facets(ratings)
    assert caught.value.rater_subsets == [["r0", "r1"], ["r2", "r3"]]
    assert caught.value.criterion_subsets == [
        ["OB", "PA", "AD"]
    ]  # criteria are shared, yet the teams cannot be compared
    linked = [*ratings, ("c0", "OB", "r2", 3), ("c0", "PA", "r2", 2)]  # one portfolio seen by both teams
    assert fit_facets(linked).converged


def test_separate_rubrics_and_teams_are_reported_as_subsets():
    with pytest.raises(DisconnectedDesign, match=r"criteria: \{OB, PA, AD\} \| \{EV, IM\}"):
        fit_facets(_two_teams(np.random.default_rng(6), criteria_b=("EV", "IM")))
    assert issubclass(DisconnectedDesign, ValueError)


def test_a_rater_giving_only_the_top_level_is_measured_as_the_most_lenient():
    ratings = simulate(np.random.default_rng(8), candidates=90).ratings
    ratings += [(f"c{n}", "OB", "soft", 4) for n in range(0, 90, 3)]
    fit = fit_facets(ratings)
    soft = fit.raters["soft"]
    assert soft.extreme == "maximum" and soft.infit is None
    assert soft.severity < min(r.severity for r in fit.raters.values() if r.rater != "soft")
    assert soft.portfolios == 30 and soft.ratings == 30
    assert abs(sum(r.severity for r in fit.raters.values() if not r.extreme)) < 1e-9


@pytest.mark.parametrize("levels", [2, 5])
def test_other_scales_and_a_single_criterion_fit(levels):
    rng = np.random.default_rng(levels)
    severity = {"a": -0.6, "b": 0.0, "c": 0.6}
    tau = np.linspace(-1, 1, levels - 1) if levels > 2 else np.zeros(1)
    ratings = []
    for n, theta in enumerate(rng.normal(0, 1, 150)):
        for rater in ("a", "b", "c"):
            weights = np.exp(np.concatenate(([0.0], np.cumsum(theta - severity[rater] - tau))))
            ratings.append((n, "only", rater, int(rng.choice(levels, p=weights / weights.sum())) + 1))
    fit = fit_facets(ratings, levels=levels)
    assert fit.converged and len(fit.thresholds) == levels - 1
    assert fit.raters["a"].severity < fit.raters["b"].severity < fit.raters["c"].severity
    assert fit.criteria["only"].difficulty == 0.0 and fit.criteria["only"].se == 0.0  # fixed by the centring
