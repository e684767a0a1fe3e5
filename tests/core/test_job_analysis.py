"""Job-task analysis figures, each checked against a plainly written second computation."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from certify.core.blueprint_proposal import largest_remainder, propose_blueprint
from certify.core.job_analysis import Rating, analyse, criticality_index, icc2, kendall_w, midranks, rwg


def _icc_by_loops(matrix):
    """Shrout & Fleiss ICC(2,1) and ICC(2,k) from mean squares summed cell by cell."""
    n, k = len(matrix), len(matrix[0])
    total = 0.0
    for i in range(n):
        for j in range(k):
            total += matrix[i][j]
    grand = total / (n * k)
    ssr = 0.0
    for i in range(n):
        row = 0.0
        for j in range(k):
            row += matrix[i][j]
        ssr += k * (row / k - grand) ** 2
    ssc = 0.0
    for j in range(k):
        col = 0.0
        for i in range(n):
            col += matrix[i][j]
        ssc += n * (col / n - grand) ** 2
    sst = 0.0
    for i in range(n):
        for j in range(k):
            sst += (matrix[i][j] - grand) ** 2
    msr = ssr / (n - 1)
    msc = ssc / (k - 1)
    mse = (sst - ssr - ssc) / ((n - 1) * (k - 1))
    single = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    average = (msr - mse) / (msr + (msc - mse) / n)
    return single, average


def _icc_by_numpy(matrix):
    """The same ICCs from a least-squares two-way fit (residuals of task + rater effects)."""
    x = np.asarray(matrix, dtype=float)
    n, k = x.shape
    design = np.hstack([np.repeat(np.eye(n), k, axis=0), np.tile(np.eye(k), (n, 1))])
    beta, *_ = np.linalg.lstsq(design, x.reshape(-1), rcond=None)
    mse = float(((x.reshape(-1) - design @ beta) ** 2).sum()) / ((n - 1) * (k - 1))
    msr = k * float(x.mean(axis=1).var(ddof=1))
    msc = n * float(x.mean(axis=0).var(ddof=1))
    return (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n), (msr - mse) / (msr + (msc - mse) / n)


def test_criticality_index_formula():
    assert criticality_index(5, 1, 5) == 15  # rare but critical keeps weight
    assert criticality_index(1, 1, 1) == 1 and criticality_index(5, 5, 5) == 25
    assert Rating(4, 2, 3).index == 10


@pytest.mark.parametrize("bad", [0, 6, 2.5, None])
def test_ratings_outside_the_scale_are_refused(bad):
    with pytest.raises(ValueError, match="importance must be a whole number from 1 to 5"):
        Rating(bad, 3, 3)


def test_icc_matches_two_independent_computations():
    # Shrout & Fleiss (1979) Table 2 data: 6 targets x 4 judges; published ICC(2,1) = .29, ICC(2,k) = .62
    sf = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    result = icc2(sf)
    assert result is not None
    assert round(result.single, 2) == 0.29 and round(result.average, 2) == 0.62
    rng = random.Random(3)
    for _ in range(20):
        n, k = rng.randint(2, 9), rng.randint(2, 6)
        m = [[rng.randint(1, 25) for _ in range(k)] for _ in range(n)]
        got = icc2(m)
        loops, lsq = _icc_by_loops(m), _icc_by_numpy(m)
        if got is None or got.single is None:
            continue
        assert got.single == pytest.approx(loops[0]) == pytest.approx(lsq[0])
        assert got.average == pytest.approx(loops[1]) == pytest.approx(lsq[1])


def test_icc_needs_two_raters_and_two_tasks():
    assert icc2([[1, 2, 3]]) is None and icc2([[1], [2]]) is None


def test_rwg_against_hand_figures():
    # variance of (4, 4, 5, 5) with n - 1 = 1/3; null variance 2: 1 - 1/6
    assert rwg([4, 4, 5, 5]) == pytest.approx(1 - (1 / 3) / 2)
    assert rwg([3, 3, 3]) == 1.0
    assert rwg([1, 5, 1, 5]) == 0.0  # variance 5.33 exceeds the uniform null: floored
    assert rwg([4]) is None
    assert rwg([2, 4]) == pytest.approx(1 - float(np.var([2, 4], ddof=1)) / ((5**2 - 1) / 12))


def _w_reference(matrix):
    """Kendall's W from each rater's ranks with a tie count made by brute comparison."""
    n, m = len(matrix), len(matrix[0])
    ranks = []
    for j in range(m):
        column = [matrix[i][j] for i in range(n)]
        ranks.append(
            [
                sum(1 for v in column if v < column[i]) + (sum(1 for v in column if v == column[i]) + 1) / 2
                for i in range(n)
            ]
        )
    totals = [sum(ranks[j][i] for j in range(m)) for i in range(n)]
    s = sum((t - sum(totals) / n) ** 2 for t in totals)
    ties = sum(
        column.count(v) ** 3 - column.count(v)
        for column in ([matrix[i][j] for i in range(n)] for j in range(m))
        for v in set(column)
    )
    return 12 * s / (m**2 * (n**3 - n) - m * ties)


def test_kendall_w_against_a_reference_and_known_cases():
    perfect = [[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]]
    assert kendall_w(perfect).w == pytest.approx(1.0)
    assert kendall_w(perfect).chi_square == pytest.approx(3 * 3 * 1.0)
    opposite = [[1, 4], [2, 3], [3, 2], [4, 1]]
    assert kendall_w(opposite).w == pytest.approx(0.0)
    rng = random.Random(11)
    for _ in range(30):
        n, m = rng.randint(2, 8), rng.randint(2, 6)
        matrix = [[rng.randint(1, 6) for _ in range(m)] for _ in range(n)]
        got = kendall_w(matrix)
        if got.w is None:
            continue
        assert got.w == pytest.approx(_w_reference(matrix))
        assert 0 <= got.w <= 1 + 1e-12
    assert midranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1]
    assert kendall_w([[3, 3], [3, 3]]).w is None  # no ranking at all


def test_analysis_weights_by_hand():
    tasks = [(1, "RA"), (2, "RA"), (3, "PA")]
    ratings = {
        10: {1: Rating(5, 4, 4), 2: Rating(3, 2, 2), 3: Rating(2, 2, 4)},
        11: {1: Rating(4, 4, 4), 2: Rating(3, 3, 1), 3: Rating(2, 1, 3)},
    }
    result = analyse(tasks, ratings)
    # indices: task 1: 20, 16 -> 18; task 2: 6, 6 -> 6; task 3: 6, 4 -> 5; total 29
    assert [t.mean_index for t in result.tasks] == [18, 6, 5]
    assert [round(t.weight, 6) for t in result.tasks] == [round(100 * x / 29, 6) for x in (18, 6, 5)]
    assert result.competency_weights == pytest.approx({"RA": 2400 / 29, "PA": 500 / 29})
    assert sum(result.competency_weights.values()) == pytest.approx(100)
    assert result.tasks[0].mean_importance == 4.5 and result.tasks[2].mean_criticality == 3.5
    assert result.tasks[0].rwg["importance"] == pytest.approx(1 - 0.5 / 2)
    assert result.icc.average == pytest.approx(_icc_by_loops([[20, 16], [6, 6], [6, 4]])[1])
    with pytest.raises(ValueError, match="has not rated tasks"):
        analyse(tasks, {12: {1: Rating(3, 3, 3)}})


def _hamilton_by_brute_force(weights, total):
    """Of all integer splits of `total`, the one closest to the quotas in squared error (Hamilton's optimum)."""
    mass = sum(weights)
    quotas = [total * w / mass for w in weights]
    best = None
    for split in itertools.product(range(total + 1), repeat=len(weights)):
        if sum(split) != total:
            continue
        error = sum((a - q) ** 2 for a, q in zip(split, quotas, strict=True))
        if best is None or error < best[0] - 1e-12:
            best = (error, split)
    return list(best[1])


def test_largest_remainder_matches_brute_force():
    rng = random.Random(5)
    for _ in range(150):
        size, total = rng.randint(1, 4), rng.randint(0, 9)
        weights = [rng.uniform(0.1, 10) for _ in range(size)]
        got = largest_remainder(dict(enumerate(weights)), total)
        assert sum(got.values()) == total
        assert list(got.values()) == _hamilton_by_brute_force(weights, total)
    assert largest_remainder({"a": 1, "b": 1, "c": 1}, 64) == {"a": 22, "b": 21, "c": 21}
    with pytest.raises(ValueError):
        largest_remainder({"a": -1}, 3)
    with pytest.raises(ValueError, match="all zero"):
        largest_remainder({"a": 0}, 3)


CURRENT = [
    (c, b, n) for c in ("RA", "PA") for b, n in (("remember", 1), ("understand", 2), ("apply", 3), ("evaluate", 2))
]


def test_blueprint_proposal_follows_weights_and_level_shares():
    pool = {(c, b): 20 for c in ("RA", "PA") for b in ("remember", "understand", "apply", "evaluate")}
    proposal = propose_blueprint({"RA": 60.0, "PA": 40.0}, 20, CURRENT, pool)
    assert dict(proposal.per_competency) == {"RA": 12, "PA": 8}
    cells = {(c.competency, c.bloom): c.count for c in proposal.cells}
    # RA's 12 items split 1:2:3:2 -> 1.5, 3, 4.5, 3 -> floors 1,3,4,3 = 11, the tie between 0.5s goes to apply
    assert [cells[("RA", b)] for b in ("remember", "understand", "apply", "evaluate")] == [1, 3, 5, 3]
    assert [cells[("PA", b)] for b in ("remember", "understand", "apply", "evaluate")] == [1, 2, 3, 2]
    assert proposal.fits and proposal.warnings == ()
    assert sum(c["count"] for c in proposal.as_blueprint()) == 20


def test_short_cells_move_to_levels_with_room_and_short_competencies_are_named():
    pool = {("RA", "remember"): 5, ("RA", "understand"): 5, ("RA", "apply"): 1, ("RA", "evaluate"): 5}
    pool |= {("PA", "remember"): 1, ("PA", "apply"): 1}
    proposal = propose_blueprint({"RA": 50.0, "PA": 50.0}, 16, CURRENT, pool)
    cells = {(c.competency, c.bloom): c for c in proposal.cells}
    assert cells[("RA", "apply")].wanted == 3 and cells[("RA", "apply")].count == 1
    assert sum(c.count for c in proposal.cells if c.competency == "RA") == 8  # 2 moved elsewhere
    assert all(c.count <= c.pool for c in proposal.cells)
    assert "RA/apply: 3 wanted but the live pool has 1." in proposal.warnings
    assert proposal.short == ("PA",) and not proposal.fits
    assert "PA is short: 8 items wanted, the live pool has 2 for it." in proposal.warnings


def _spearman(a, b):
    ra, rb = midranks(a), midranks(b)
    return float(np.corrcoef(ra, rb)[0, 1])


def _simulate(noise, rng, raters=8):
    """Planted task importances; each rater's 1-5 ratings are the truth plus Gaussian noise, rounded and clipped."""
    truth = [1.5 + 3.2 * i / 19 for i in range(20)]
    tasks = [(i, "ABCD"[i % 4]) for i in range(20)]
    clip = lambda x: min(5, max(1, round(x)))  # noqa: E731
    ratings = {
        r: {
            i: Rating(clip(t + rng.gauss(0, noise)), clip(t + rng.gauss(0, noise)), clip(t + rng.gauss(0, noise)))
            for i, t in enumerate(truth)
        }
        for r in range(raters)
    }
    true_index = [criticality_index(t, t, t) for t in truth]  # the weights the truth implies (monotone in t)
    return analyse(tasks, ratings), true_index


def test_simulation_recovers_planted_weights_and_agreement_falls_with_noise():
    rng = random.Random(2024)
    results = {}
    for noise in (0.3, 1.0, 2.5):
        runs = [_simulate(noise, rng) for _ in range(5)]
        rho = np.mean([_spearman([t.weight for t in a.tasks], truth) for a, truth in runs])
        icc = np.mean([a.icc.average for a, _ in runs])
        w = np.mean([a.kendall.w for a, _ in runs])
        rg = np.mean([a.mean_rwg["importance"] for a, _ in runs])
        results[noise] = (rho, icc, w, rg)
    assert results[0.3][0] > 0.97  # little noise: the planted order comes back almost exactly
    assert results[1.0][0] > 0.85
    for column in range(4):
        assert results[0.3][column] > results[1.0][column] > results[2.5][column]
