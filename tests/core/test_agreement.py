"""Agreement statistics between assessors."""

from __future__ import annotations

import pytest

from certify.core.psychometrics import (
    adjacent_agreement,
    drift,
    exact_agreement,
    kappa_band,
    level_deviations,
    quadratic_weighted_kappa,
    severity,
    summarise_agreement,
)


def _qwk_by_pairs(pairs):
    """An independent formula: with quadratic weights, kappa = 1 - mean (a-b)^2 / mean over all cross pairs."""
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    observed = sum((x - y) ** 2 for x, y in pairs) / len(pairs)
    expected = sum((x - y) ** 2 for x in a for y in b) / (len(a) * len(b))
    return 1 - observed / expected


def test_perfect_agreement():
    pairs = [(1, 1), (2, 2), (3, 3), (4, 4)]
    assert exact_agreement(pairs) == adjacent_agreement(pairs) == 1.0
    assert quadratic_weighted_kappa(pairs) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "pairs",
    [
        [(1, 2), (2, 2), (3, 4), (4, 4), (2, 3), (3, 3)],
        [(1, 4), (4, 1), (2, 2), (3, 3), (2, 3)],
        [(3, 3), (3, 4), (4, 3), (2, 2), (1, 2), (4, 4), (2, 1)],
    ],
)
def test_kappa_matches_an_independent_formula(pairs):
    assert quadratic_weighted_kappa(pairs) == pytest.approx(_qwk_by_pairs(pairs))


def test_agreement_shares():
    pairs = [(1, 2), (3, 3), (4, 1), (2, 2)]
    assert exact_agreement(pairs) == 0.5 and adjacent_agreement(pairs) == 0.75


def test_undefined_cases():
    assert quadratic_weighted_kappa([]) is None and exact_agreement([]) is None
    assert quadratic_weighted_kappa([(3, 3), (3, 3)]) is None  # no expected disagreement


@pytest.mark.parametrize(
    ("kappa", "band"),
    [
        (0.9, "almost perfect"),
        (0.7, "substantial"),
        (0.5, "moderate"),
        (0.3, "fair"),
        (0.1, "slight"),
        (-0.2, "poor (worse than chance)"),
    ],
)
def test_landis_koch_bands(kappa, band):
    assert kappa_band(kappa) == band


def test_severity_and_drift():
    assert severity([-1, 0, -1, 0]) == -0.5
    assert drift([(0, 0.0), (10, -0.5), (20, -1.0)]) == pytest.approx(-0.05)
    assert drift([(0, 1.0), (1, 1.0)]) is None


def test_summary_of_a_hand_worked_set_of_pairs():
    pairs = [(3, 3), (3, 3), (3, 3), (3, 4), (2, 2), (2, 3), (4, 4), (4, 3)]
    summary = summarise_agreement(pairs)
    # 5 of 8 exact, all adjacent; kappa = 1 - (3/8) / (56/64) = 4/7
    assert (summary.n, summary.exact, summary.adjacent, summary.band) == (8, 0.625, 1.0, "moderate")
    assert summary.qwk == pytest.approx(4 / 7)
    assert summary.tentative is True
    assert summarise_agreement(pairs * 2).tentative is False


def test_summary_of_no_pairs_is_undefined_not_zero():
    summary = summarise_agreement([])
    assert (summary.n, summary.exact, summary.adjacent, summary.qwk) == (0, None, None, None)
    assert summary.band == "not enough data"


def test_summary_uses_the_given_levels():
    # On a 0-2 scale, (0, 2) is the largest possible disagreement.
    assert summarise_agreement([(0, 2), (2, 0)], categories=(0, 1, 2)).qwk == pytest.approx(-1.0)


def test_level_deviations_follow_the_final_levels():
    final = {"KPM": 3, "CAUSE": 2, "SOLUTION": 4}
    assert level_deviations({"SOLUTION": 3, "KPM": 4, "CAUSE": 2}, final) == [1, 0, -1]
    assert level_deviations({"KPM": 1, "OTHER": 4}, final) == [-2]
