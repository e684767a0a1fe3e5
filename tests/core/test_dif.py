"""Mantel-Haenszel DIF: a hand-worked 2x2x3 example, reductions, sampling error, and a planted DIF item."""

from __future__ import annotations

import math

import numpy as np
import pytest

from certify.core.dif import dif_items, ets_category, mantel_haenszel, mh_statistics, stratum_tables

# Three score strata; rows (A, B, C, D) = reference right, reference wrong, focal right, focal wrong.
TABLES = [(10, 10, 5, 15), (30, 10, 20, 20), (25, 5, 12, 3)]


def _hypergeometric_moments(a, b, c, d):
    """Mean and variance of A given the margins, by listing the hypergeometric distribution."""
    n_ref, right, total = a + b, a + c, a + b + c + d
    support = range(max(0, right - (c + d)), min(n_ref, right) + 1)
    weights = {x: math.comb(right, x) * math.comb(total - right, n_ref - x) for x in support}
    norm = sum(weights.values())
    mean = sum(x * w for x, w in weights.items()) / norm
    return mean, sum((x - mean) ** 2 * w for x, w in weights.items()) / norm


def test_hand_worked_three_strata():
    alpha_mh, d_dif, se, chi_square, p_value, used = mh_statistics(TABLES)
    # Numerator: 10*15/40 + 30*20/80 + 25*3/45 = 3.75 + 7.5 + 1.6667; denominator: 10*5/40 + 10*20/80 + 5*12/45.
    numerator = 150 / 40 + 600 / 80 + 75 / 45
    denominator = 50 / 40 + 200 / 80 + 60 / 45
    assert alpha_mh == pytest.approx(numerator / denominator)
    assert alpha_mh == pytest.approx(12.916667 / 5.083333, rel=1e-6)
    assert d_dif == pytest.approx(-2.35 * math.log(numerator / denominator))
    moments = [_hypergeometric_moments(*row) for row in TABLES]
    observed = sum(row[0] for row in TABLES)
    expected = sum(m for m, _ in moments)
    assert chi_square == pytest.approx((abs(observed - expected) - 0.5) ** 2 / sum(v for _, v in moments))
    assert p_value == pytest.approx(math.erfc(math.sqrt(chi_square / 2)))
    assert used == 3
    assert se > 0


def test_one_stratum_reduces_to_woolfs_variance():
    # With a single 2x2 table, RBG's variance of ln(alpha) is Woolf's 1/A + 1/B + 1/C + 1/D.
    for table in [(10, 10, 5, 15), (40, 7, 22, 31)]:
        _, _, se, _, _, _ = mh_statistics([table])
        assert se == pytest.approx(2.35 * math.sqrt(sum(1 / x for x in table)))


def test_standard_error_matches_the_sampling_spread_of_d_dif():
    rng = np.random.default_rng(99)
    sizes = np.array([(40, 20), (80, 50), (120, 60), (60, 40), (30, 30)])  # (reference, focal) per stratum
    p_ref = np.array([0.2, 0.4, 0.6, 0.75, 0.9])
    odds_focal = p_ref / (1 - p_ref) / 1.8  # a common odds ratio of 1.8
    p_focal = odds_focal / (1 + odds_focal)
    values, errors = [], []
    for _ in range(1500):
        right_ref = rng.binomial(sizes[:, 0], p_ref)
        right_focal = rng.binomial(sizes[:, 1], p_focal)
        tables = np.column_stack([right_ref, sizes[:, 0] - right_ref, right_focal, sizes[:, 1] - right_focal])
        _, d_dif, se, _, _, _ = mh_statistics(tables)
        values.append(d_dif)
        errors.append(se)
    assert np.mean(values) == pytest.approx(-2.35 * math.log(1.8), abs=0.05)
    assert np.mean(errors) == pytest.approx(np.std(values), rel=0.08)


def test_tables_built_from_candidates():
    correct = [1, 0, 1, 1, 0, 0, 1]
    focal = [False, False, True, True, True, False, False]
    strata = [3, 3, 3, 5, 5, 5, 3]
    assert stratum_tables(correct, focal, strata).tolist() == [[2, 1, 1, 0], [0, 1, 1, 1]]


@pytest.mark.parametrize(
    ("d_dif", "se", "p_value", "category"),
    [
        (-0.9, 0.1, 0.001, "A"),  # small
        (-2.0, 0.9, 0.06, "A"),  # not significant
        (-1.2, 0.2, 0.001, "B"),  # between 1 and 1.5
        (-1.6, 0.5, 0.001, "B"),  # large but not significantly beyond 1: (1.6 - 1) / 0.5 = 1.2
        (-1.6, 0.3, 0.001, "C"),  # (1.6 - 1) / 0.3 = 2.0 > 1.645
        (1.7, 0.4, 0.001, "C"),  # (1.7 - 1) / 0.4 = 1.75, favouring the focal group
    ],
)
def test_ets_categories(d_dif, se, p_value, category):
    assert ets_category(d_dif, se, p_value) == category


def _simulate(rng, reference=1200, focal=1200, items=30, shift=1.0):
    theta = np.concatenate([rng.normal(0.0, 1.0, reference), rng.normal(-0.5, 1.0, focal)])
    group = np.array([False] * reference + [True] * focal)
    a = rng.uniform(0.8, 1.8, items)
    b = np.tile(rng.uniform(-1.5, 1.5, items), (len(theta), 1))
    b[group, 0] += shift  # item 0 is harder for the focal group at equal ability
    p = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    return (rng.random(p.shape) < p).astype(int), group


def test_planted_dif_item_is_c_and_the_others_are_mostly_a():
    scores, group = _simulate(np.random.default_rng(2013))
    results = dif_items(scores, group)
    planted = results[0]
    assert planted.category == "C"
    assert planted.favours == "reference"
    assert planted.d_dif == pytest.approx(-2.35, abs=0.6)
    share_a = sum(r.category == "A" for r in results[1:]) / len(results[1:])
    print(f"\nplanted D-DIF {planted.d_dif:.2f} (SE {planted.se_d_dif:.2f}); non-DIF items in A: {share_a:.0%}")
    assert share_a >= 0.9
    assert all(r.category != "C" for r in results[1:])


def test_small_groups_give_insufficient_data():
    scores, group = _simulate(np.random.default_rng(5), reference=300, focal=60, items=10)
    result = dif_items(scores, group)[0]
    assert (result.status, result.category, result.n_focal) == ("insufficient_data", None, 60)
    assert result.d_dif is not None  # still computed, for exports
    assert dif_items(scores, group, min_group=50)[0].status == "ok"


def test_no_discordant_cells_leave_the_odds_ratio_undefined():
    # Every reference candidate right, every focal candidate wrong: sum B_k C_k / T_k = 0.
    result = mantel_haenszel([1, 1, 0, 0], [False, False, True, True], [1, 1, 1, 1], min_group=1)
    assert result.alpha_mh is None and result.d_dif is None and result.category is None
    assert result.chi_square == pytest.approx((2 - 1 - 0.5) ** 2 / (2 * 2 * 2 * 2 / (16 * 3)))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mantel_haenszel([1, 0], [True], [1, 1]), "one each"),
        (lambda: mantel_haenszel([1, 2], [True, False], [1, 1]), "0 or 1"),
        (lambda: mantel_haenszel([1, 0], [True, False], [1, 1], min_group=0), "min_group"),
        (lambda: dif_items([[1, 0], [0, 1]], [True]), "group label"),
        (lambda: dif_items([[1, 0.5], [0, 1]], [True, False]), "0 or 1"),
        (lambda: mh_statistics([(1, -1, 2, 3)]), "non-negative"),
        (lambda: ets_category(1.0, 0.1, 0.01, alpha=0.0), "alpha"),
    ],
)
def test_bad_input_is_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
