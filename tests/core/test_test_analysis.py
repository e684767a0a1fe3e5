"""Test-level statistics: hand-worked examples, edge cases, and a naive reference on pseudo-random data."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from certify.core.item_analysis import ItemInfo, Response, build_matrix
from certify.core.test_analysis import analyse, analyse_test, cronbach_alpha, subkoviak

ITEMS = [ItemInfo("I1@v1", "RA"), ItemInfo("I2@v1", "RA"), ItemInfo("I3@v1", "PA")]
#         I1 I2 I3   total
# A        1  1  1     3
# B        1  1  0     2
# C        1  0  1     2
# D        0  1  0     1
# E        0  0  0     0
FIVE = {"A": [1, 1, 1], "B": [1, 1, 0], "C": [1, 0, 1], "D": [0, 1, 0], "E": [0, 0, 0]}


def _matrix(rows, items=ITEMS):
    responses = [
        Response(cid, info.item_key, credit)
        for cid, row in rows.items()
        for info, credit in zip(items, row, strict=True)
        if credit != "-"
    ]
    return build_matrix(responses, items)


def test_kr20_sd_and_sem_by_hand():
    stats = analyse_test(_matrix(FIVE))
    # Totals 3 2 2 1 0: mean 1.6; squared deviations 1.96 .16 .16 .36 2.56 = 5.2; population variance 1.04.
    assert (stats.n, stats.items, stats.max_score) == (5, 3, 3.0)
    assert stats.mean == pytest.approx(1.6)
    assert stats.sd == pytest.approx(math.sqrt(1.04))
    # p = .6 .6 .4, so p*q = .24 each and sum p*q = .72. KR-20 = 3/2 * (1 - .72/1.04) = 6/13.
    assert stats.reliability_method == "KR-20"
    assert stats.reliability == pytest.approx(6 / 13)
    assert stats.meets_target is False
    # SEM = sqrt(1.04) * sqrt(1 - 6/13) = sqrt(1.04 * 7/13) = sqrt(0.56).
    assert stats.sem == pytest.approx(math.sqrt(0.56))
    assert stats.missing == 0


def test_alpha_with_partial_credit_by_hand():
    #        I1   I2   total
    # A       1    1    2
    # B      .5    1    1.5
    # C      .5    0    .5
    # D       0    0    0
    # I1: mean .5, squared deviations .25 0 0 .25 -> variance .125.  I2: mean .5 -> variance .25.
    # Totals: mean 1, squared deviations 1 .25 .25 1 -> variance .625.  alpha = 2 * (1 - .375/.625) = 0.8.
    rows = {"A": [1, 1], "B": [0.5, 1], "C": [0.5, 0], "D": [0, 0]}
    stats = analyse_test(_matrix(rows, ITEMS[:2]))
    assert stats.reliability_method == "alpha"
    assert stats.reliability == pytest.approx(0.8)
    assert stats.meets_target is True
    assert stats.sem == pytest.approx(math.sqrt(0.625) * math.sqrt(0.2))


def test_pass_rate_from_a_raw_or_percent_cut_or_recorded_outcomes():
    matrix = _matrix(FIVE)
    # Totals 3 2 2 1 0; a cut of 2 passes A, B and C.
    assert analyse_test(matrix, cut_score=2).pass_rate == 0.6
    by_percent = analyse_test(matrix, cut_percent=50)  # 50 % of 3 = 1.5: the same three pass
    assert (by_percent.cut_score, by_percent.pass_rate) == (1.5, 0.6)
    assert analyse_test(matrix, cut_percent=200 / 3).pass_rate == 0.6  # 66.67 % of 3 = 2.0000000000000004
    assert analyse_test(matrix, cut_score=2).cut_percent == pytest.approx(200 / 3)
    assert analyse_test(matrix, outcomes={"A": True, "B": False, "C": None}).pass_rate == 0.5
    unset = analyse_test(matrix)
    assert (unset.pass_rate, unset.decision_consistency, unset.cut_score) == (None, None, None)
    with pytest.raises(ValueError):
        analyse_test(matrix, cut_score=2, cut_percent=50)


def test_decision_consistency_by_hand():
    # Two items, totals 2 and 0, reliability 1: tau = x/2 = 1 and 0, so each candidate passes
    # (or fails) for certain: p0 = 1; Pbar = .5, chance agreement .5, kappa = 1.
    assert subkoviak([2, 0], 2, 1.0, 1) == (1.0, 1.0)
    # Reliability 0: tau = mean/2 = .5 for both; P(X >= 1) = 1 - .25 = .75;
    # p0 = .75^2 + .25^2 = .625 = chance agreement, so kappa = 0.
    assert subkoviak([2, 0], 2, 0.0, 1) == (pytest.approx(0.625), pytest.approx(0.0))
    # Reliability .5, cut 2: tau = .5*x/2 + .5*1/2 -> .75 and .25; P(X = 2) = tau^2 -> .5625 and .0625.
    # p0 = (.5625^2 + .4375^2 + .0625^2 + .9375^2) / 2 = 1.390625 / 2 = .6953125.
    # Pbar = .3125, chance = .3125^2 + .6875^2 = .5703125, kappa = .125 / .4296875 = 16/55.
    assert subkoviak([2, 0], 2, 0.5, 2) == (pytest.approx(0.6953125), pytest.approx(16 / 55))
    # FIVE with cut 2: r = 6/13, mean 1.6, tau = r*x/3 + (7/13)*1.6/3 -> .7487 .5949 .4410 .2872 for x = 3 2 1 0;
    # P(X >= 2) = 3 tau^2 - 2 tau^3 -> .8423 .6406 .4119 .2000; p0 = .60177, Pbar = .54710, kappa = .19642.
    stats = analyse_test(_matrix(FIVE), cut_score=2)
    assert stats.decision_consistency == pytest.approx(0.6017735973235045, abs=1e-12)
    assert stats.decision_kappa == pytest.approx(0.19641640604710714, abs=1e-12)
    # Cuts nobody (or everybody) can reach: decisions agree, kappa is undefined.
    assert subkoviak([2, 0], 2, 0.5, 3) == (1.0, None)
    assert subkoviak([2, 0], 2, 0.5, 0) == (1.0, None)
    assert subkoviak([2, 0], 2, None, 1) == (None, None)


def test_long_tests_do_not_overflow():
    p0, kappa = subkoviak([float(x) for x in range(0, 2001, 50)], 2000, 0.9, 1400)
    assert p0 is not None and 0.5 <= p0 <= 1.0
    assert kappa is not None and 0.0 <= kappa <= 1.0


def test_reliability_per_competency():
    stats = analyse_test(_matrix(FIVE))
    # RA = I1 + I2: subtotals 2 2 1 1 0, mean 1.2, variance 2.8/5 = .56; item variances .24 + .24.
    # alpha = 2 * (1 - .48/.56) = 2/7.  PA has one item: undefined.
    assert stats.competency_reliability == {"RA": pytest.approx(2 / 7), "PA": None}


def test_pilot_items_do_not_count():
    pilot = ItemInfo("P1@v1", "RA", scored=False)
    rows = {cid: [*row, credit] for (cid, row), credit in zip(FIVE.items(), [0, 0, 1, 1, 1], strict=True)}
    assert analyse_test(_matrix(rows, [*ITEMS, pilot]), cut_score=2) == analyse_test(_matrix(FIVE), cut_score=2)


def test_undefined_statistics_are_none():
    flat = analyse_test(_matrix({"A": [1, 0, 0], "B": [0, 1, 0], "C": [0, 0, 1]}), cut_score=1)
    assert flat.sd == 0.0 and flat.reliability is None and flat.sem is None
    assert flat.meets_target is None and flat.decision_consistency is None
    assert flat.pass_rate == 1.0
    one = analyse_test(_matrix({"A": [1, 0, 1]}))
    assert (one.mean, one.sd, one.reliability, one.sem) == (2.0, None, None, None)
    empty = analyse_test(build_matrix([], ITEMS), cut_score=1)
    assert (empty.n, empty.mean, empty.pass_rate, empty.decision_consistency) == (0, None, None, None)
    assert cronbach_alpha([[1.0, 0.0]]) is None


def test_missing_cells_count_as_zero_and_are_reported():
    stats = analyse_test(_matrix({"A": [1, 1, "-"], "B": [1, 0, 1], "C": [0, "-", 0]}))
    assert stats.missing == 2
    assert stats.mean == pytest.approx(4 / 3)  # totals A 2, B 2, C 0


def test_analyse_in_one_call():
    responses = [
        Response(cid, info.item_key, c) for cid, row in FIVE.items() for info, c in zip(ITEMS, row, strict=True)
    ]
    items, stats = analyse(responses, ITEMS, cut_score=2)
    assert [s.p for s in items] == [0.6, 0.6, 0.4]
    assert stats.pass_rate == 0.6


# --- an independent, deliberately naive computation on pseudo-random data ---


def _random_rows(seed, dichotomous):
    rng = random.Random(seed)
    items = [ItemInfo(f"R{j}@v1", ("RA", "PA", "SS")[j % 3], scored=j < 9) for j in range(11)]
    rows = {}
    for c in range(50):
        ability = rng.random()
        row = []
        for _ in items:
            roll = rng.random()
            if roll < 0.04:
                row.append(None)
            elif dichotomous:
                row.append(float(rng.random() < 0.2 + 0.7 * ability))
            else:
                row.append(min(1.0, max(0.0, round(ability + rng.uniform(-0.4, 0.4), 2))))
        rows[f"C{c}"] = row
    return rows, items


def _naive_alpha(columns):
    """alpha = k/(k-1) * (1 - trace(C) / sum(C)) with C the sample covariance matrix of the items."""
    k, n = len(columns), len(columns[0])
    means = [sum(col) / n for col in columns]
    cov = [
        [sum((columns[a][i] - means[a]) * (columns[b][i] - means[b]) for i in range(n)) / (n - 1) for b in range(k)]
        for a in range(k)
    ]
    return k / (k - 1) * (1 - sum(cov[a][a] for a in range(k)) / sum(map(sum, cov)))


def _naive_subkoviak(totals, n_items, r, cut):
    mean = sum(totals) / len(totals)
    need = math.ceil(cut)
    chances = []
    for x in totals:
        tau = min(1.0, max(0.0, r * x / n_items + (1 - r) * mean / n_items))
        chances.append(
            sum(math.comb(n_items, s) * tau**s * (1 - tau) ** (n_items - s) for s in range(need, n_items + 1))
        )
    p0 = sum(p**2 + (1 - p) ** 2 for p in chances) / len(chances)
    p_bar = sum(chances) / len(chances)
    chance = p_bar**2 + (1 - p_bar) ** 2
    return p0, (p0 - chance) / (1 - chance)


@pytest.mark.parametrize(("seed", "dichotomous"), [(1, True), (2, False), (3, True), (4, False)])
def test_matches_a_naive_reference(seed, dichotomous):
    rows, items = _random_rows(seed, dichotomous)
    stats = analyse_test(_matrix(rows, items), cut_percent=60)
    scored = [j for j, info in enumerate(items) if info.scored]
    columns = [[(row[j] or 0.0) for row in rows.values()] for j in scored]
    totals = [sum(col[i] for col in columns) for i in range(len(rows))]
    if dichotomous:  # KR-20 written out with p*q
        ps = [sum(col) / len(col) for col in columns]
        kr20 = len(ps) / (len(ps) - 1) * (1 - sum(p * (1 - p) for p in ps) / statistics.pvariance(totals))
        assert stats.reliability == pytest.approx(kr20, abs=1e-9)
    reliability = _naive_alpha(columns)
    assert stats.reliability_method == ("KR-20" if dichotomous else "alpha")
    assert stats.reliability == pytest.approx(reliability, abs=1e-9)
    assert stats.mean == pytest.approx(statistics.fmean(totals), abs=1e-9)
    assert stats.sd == pytest.approx(statistics.pstdev(totals), abs=1e-9)
    assert stats.sem == pytest.approx(statistics.pstdev(totals) * math.sqrt(1 - reliability), abs=1e-9)
    cut = 0.6 * len(scored)
    assert stats.pass_rate == pytest.approx(sum(t >= cut - 1e-9 for t in totals) / len(totals), abs=1e-12)
    p0, kappa = _naive_subkoviak(totals, len(scored), reliability, cut)
    assert stats.decision_consistency == pytest.approx(p0, abs=1e-9)
    assert stats.decision_kappa == pytest.approx(kappa, abs=1e-9)
    for name in ("RA", "PA", "SS"):
        own = [col for j, col in zip(scored, columns, strict=True) if items[j].competency == name]
        assert stats.competency_reliability[name] == pytest.approx(_naive_alpha(own), abs=1e-9)
