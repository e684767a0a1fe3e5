"""Decision consistency and accuracy of the conjunctive pass rule: brute force, simulation, edge cases."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from certify.core.decision import classify, decision_quality, mastery_items_needed
from certify.core.score_distribution import Scale, dichotomous, irf_2pl, lord_wingersky


def _normal_grid(points=41, limit=4.0):
    theta = np.linspace(-limit, limit, points)
    weights = np.exp(-0.5 * theta**2)
    return theta, weights / weights.sum()


def test_irf_2pl_matches_the_logistic_written_out():
    theta = [-2.0, 0.0, 1.5]
    p = irf_2pl(theta, [0.7, 1.8], [0.5, -1.0])
    for j, (a, b) in enumerate([(0.7, 0.5), (1.8, -1.0)]):
        for q, t in enumerate(theta):
            assert p[j, q] == pytest.approx(1.0 / (1.0 + math.exp(-a * (t - b))), abs=1e-15)


# A tiny test: competency A has three 0/1 items, competency B a 0/1 item and a three-category item
# worth 0, 0.5 or 1 point. Every response pattern is enumerated at every theta.
def _tiny():
    theta = np.linspace(-2.5, 2.5, 7)
    weights = np.exp(-0.5 * theta**2)
    binary = irf_2pl(theta, [1.0, 1.4, 0.8, 1.2], [-0.5, 0.0, 0.7, 0.2])
    categories = dichotomous(binary)
    # Three categories: step probabilities from a GPCM-like form, written directly.
    step1, step2 = np.exp(1.1 * (theta + 0.3)), np.exp(1.1 * (2 * theta + 0.3 - 0.9))
    denominator = 1.0 + step1 + step2
    categories.append(np.column_stack([1.0 / denominator, step1 / denominator, step2 / denominator]))
    return theta, weights, categories, ["A", "A", "A", "B", "B"]


def _enumerate(categories, competencies, theta, total_cut, cuts):
    """P(pass | theta), P(total >= cut | theta) and expected points by listing every response pattern."""
    credits = [np.arange(c.shape[1]) / (c.shape[1] - 1) for c in categories]
    rows = []
    for q in range(len(theta)):
        conj = total = 0.0
        expected = {"total": 0.0, **dict.fromkeys(cuts, 0.0)}
        for pattern in itertools.product(*(range(c.shape[1]) for c in categories)):
            chance = math.prod(c[q, k] for c, k in zip(categories, pattern, strict=True))
            points = [credits[j][k] for j, k in enumerate(pattern)]
            sub = {code: sum(p for p, c in zip(points, competencies, strict=True) if c == code) for code in cuts}
            overall = sum(points)
            expected["total"] += chance * overall
            for code in cuts:
                expected[code] += chance * sub[code]
            if overall >= total_cut - 1e-9:
                total += chance
                if all(sub[code] >= cuts[code] - 1e-9 for code in cuts):
                    conj += chance
        rows.append((conj, total, expected))
    return rows


def _least_score_meeting(cut, attainable):
    return min(s for s in attainable if s >= cut - 1e-9)


@pytest.mark.parametrize(("total_cut", "cuts"), [(2.5, {"A": 2.0, "B": 1.0}), (2.3, {"A": 1.4, "B": 0.5})])
def test_tiny_case_matches_brute_force_enumeration(total_cut, cuts):
    theta, weights, categories, competencies = _tiny()
    report = decision_quality(categories, weights, theta, competencies, total_cut, cuts)
    rows = _enumerate(categories, competencies, theta, total_cut, cuts)
    w = weights / weights.sum()
    conj = np.array([r[0] for r in rows])
    assert report.pass_probability == pytest.approx(conj, abs=1e-12)
    assert report.total_pass_probability == pytest.approx([r[1] for r in rows], abs=1e-12)
    # True status: the rule on expected points, each cut moved up to the least score that meets it.
    halves = [k / 2 for k in range(0, 11)]
    true_pass = np.array(
        [
            r[2]["total"] >= _least_score_meeting(total_cut, halves) - 1e-12
            and r[2]["A"] >= _least_score_meeting(cuts["A"], range(4)) - 1e-12
            and r[2]["B"] >= _least_score_meeting(cuts["B"], halves) - 1e-12
            for r in rows
        ]
    )
    rate = sum(w * conj)
    p0 = sum(w[q] * (conj[q] ** 2 + (1 - conj[q]) ** 2) for q in range(len(w)))
    chance = rate**2 + (1 - rate) ** 2
    accuracy = sum(w[q] * (conj[q] if true_pass[q] else 1 - conj[q]) for q in range(len(w)))
    got = report.conjunctive
    assert got.pass_rate == pytest.approx(rate, abs=1e-12)
    assert got.consistency == pytest.approx(p0, abs=1e-12)
    assert got.kappa == pytest.approx((p0 - chance) / (1 - chance), abs=1e-12)
    assert got.true_pass_rate == pytest.approx(sum(w * true_pass), abs=1e-12)
    assert got.accuracy == pytest.approx(accuracy, abs=1e-12)
    assert got.false_positive == pytest.approx(sum(w * ~true_pass * conj), abs=1e-12)
    assert got.false_negative + got.false_positive == pytest.approx(1 - accuracy, abs=1e-12)


def test_lord_wingersky_distribution_is_the_enumerated_one():
    _, _, categories, _ = _tiny()
    distribution = lord_wingersky(categories, Scale.of(categories))  # half-point units, 0..10
    assert distribution.shape == (7, 11)
    for q in (0, 3, 6):
        direct = np.zeros(11)
        for pattern in itertools.product(*(range(c.shape[1]) for c in categories)):
            units = sum(2 * k // (c.shape[1] - 1) for c, k in zip(categories, pattern, strict=True))
            direct[units] += math.prod(c[q, k] for c, k in zip(categories, pattern, strict=True))
        assert distribution[q] == pytest.approx(direct, abs=1e-14)


def _simulate_two_forms(categories_p, competencies, weights, total_cut, cuts, n, rng):
    """Classify n simulated candidates on two independent administrations of the same 0/1 items."""
    q = rng.choice(len(weights), size=n, p=weights / weights.sum())
    p = categories_p[:, q].T  # (n, items)
    codes = sorted(cuts)
    masks = {code: np.array([c == code for c in competencies]) for code in codes}

    def administer():
        x = (rng.random(p.shape) < p).astype(float)
        mastery = {code: x[:, masks[code]].sum(axis=1) >= cuts[code] - 1e-9 for code in codes}
        total = x.sum(axis=1) >= total_cut - 1e-9
        return total & np.all([mastery[c] for c in codes], axis=0), total, mastery

    return q, administer(), administer()


def test_monte_carlo_parallel_administrations_agree_with_the_model():
    rng = np.random.default_rng(20240613)
    theta, weights = _normal_grid()
    a = rng.uniform(0.7, 1.8, 24)
    b = rng.uniform(-1.5, 1.2, 24)
    p = irf_2pl(theta, a, b)
    competencies = ["A"] * 10 + ["B"] * 8 + ["C"] * 6
    total_cut, cuts = 14.4, {"A": 6.0, "B": 5.0, "C": 4.0}
    report = decision_quality(dichotomous(p), weights, theta, competencies, total_cut, cuts)
    n = 60_000
    q, (first, total1, mastery1), (second, total2, mastery2) = _simulate_two_forms(
        p, competencies, weights, total_cut, cuts, n, rng
    )
    model = report.conjunctive
    agree = np.mean(first == second)
    se = math.sqrt(model.consistency * (1 - model.consistency) / n)
    assert abs(agree - model.consistency) < 4 * se
    rate = (first.mean() + second.mean()) / 2
    chance = rate**2 + (1 - rate) ** 2
    kappa = (agree - chance) / (1 - chance)
    assert abs(kappa - model.kappa) < 4 * se / (1 - chance) + 0.005
    # True status at each simulated theta: expected points against the least whole score meeting each cut.
    expected = p.sum(axis=0)
    sub = {code: p[[c == code for c in competencies]].sum(axis=0) for code in cuts}
    truth = (expected >= 15 - 1e-12) & np.all([sub[c] >= math.ceil(cuts[c]) - 1e-12 for c in cuts], axis=0)
    accuracy = np.mean(first == truth[q])
    se_acc = math.sqrt(model.accuracy * (1 - model.accuracy) / n)
    assert abs(accuracy - model.accuracy) < 4 * se_acc
    assert abs(np.mean(first & ~truth[q]) - model.false_positive) < 4 * math.sqrt(model.false_positive / n)
    assert abs(np.mean(~first & truth[q]) - model.false_negative) < 4 * math.sqrt(model.false_negative / n)
    # Total only, and one competency's mastery decision.
    agree_total = np.mean(total1 == total2)
    assert abs(agree_total - report.total_only.consistency) < 4 * se + 0.001
    for code in cuts:
        agree_code = np.mean(mastery1[code] == mastery2[code])
        model_code = report.mastery[code].consistency
        assert abs(agree_code - model_code) < 4 * math.sqrt(model_code * (1 - model_code) / n) + 0.001
    print(
        f"\nconjunctive p0 {model.consistency:.4f} (simulated {agree:.4f}), kappa {model.kappa:.4f} ({kappa:.4f}),"
        f" accuracy {model.accuracy:.4f} ({accuracy:.4f}); total only p0 {report.total_only.consistency:.4f}"
        f" ({agree_total:.4f})"
    )


def test_monte_carlo_mastery_decision_consistency():
    rng = np.random.default_rng(7)
    theta, weights = _normal_grid()
    p = irf_2pl(theta, rng.uniform(0.8, 1.6, 8), rng.uniform(-1.0, 1.0, 8))
    report = decision_quality(dichotomous(p), weights, theta, ["A"] * 8, 0.0, {"A": 5.0})
    n = 40_000
    q = rng.choice(len(weights), size=n, p=weights)
    probs = p[:, q].T
    first = (rng.random(probs.shape) < probs).sum(axis=1) >= 5
    second = (rng.random(probs.shape) < probs).sum(axis=1) >= 5
    model = report.mastery["A"]
    assert abs(np.mean(first == second) - model.consistency) < 4 * math.sqrt(model.consistency / n)
    # A single competency whose total cut is 0: the conjunctive rule is the mastery decision.
    assert report.conjunctive.consistency == pytest.approx(model.consistency)


def test_conjunctive_rule_without_mastery_cuts_is_the_total_rule():
    theta, weights = _normal_grid(21)
    p = irf_2pl(theta, np.ones(6), np.linspace(-1, 1, 6))
    report = decision_quality(dichotomous(p), weights, theta, list("AABBCC"), 4.0, {"A": 0, "B": 0, "C": 0})
    assert report.conjunctive == report.total_only
    assert report.theta_cut == pytest.approx(report.total_theta_cut)


def test_csem_at_the_cut_matches_a_root_found_by_bisection():
    a, b = np.array([1.0, 1.5, 0.6, 1.2, 0.9]), np.array([-1.0, -0.2, 0.0, 0.4, 1.1])
    theta, weights = _normal_grid(801)
    report = decision_quality(dichotomous(irf_2pl(theta, a, b)), weights, theta, ["A"] * 5, 3.0, {"A": 0.0})

    def expected(t):
        return sum(1 / (1 + math.exp(-aj * (t - bj))) for aj, bj in zip(a, b, strict=True))

    low, high = -4.0, 4.0
    for _ in range(80):
        mid = (low + high) / 2
        low, high = (mid, high) if expected(mid) < 3.0 else (low, mid)
    probs = [1 / (1 + math.exp(-aj * (low - bj))) for aj, bj in zip(a, b, strict=True)]
    assert report.total_theta_cut == pytest.approx(low, abs=1e-4)
    assert report.csem_at_cut == pytest.approx(math.sqrt(sum(x * (1 - x) for x in probs)), abs=1e-5)


def test_classify_on_a_hand_example():
    # Two thetas, equally likely: P = 0.2 (true fail) and 0.9 (true pass).
    got = classify([0.2, 0.9], [False, True], [1, 1])
    assert got.pass_rate == pytest.approx(0.55)
    assert got.consistency == pytest.approx(0.5 * (0.04 + 0.64) + 0.5 * (0.81 + 0.01))
    assert got.chance == pytest.approx(0.55**2 + 0.45**2)
    assert got.kappa == pytest.approx((0.75 - 0.505) / 0.495)
    assert got.accuracy == pytest.approx(0.5 * 0.8 + 0.5 * 0.9)
    assert (got.false_positive, got.false_negative) == pytest.approx((0.1, 0.05))
    assert classify([1.0, 1.0], [True, True], [1, 1]).kappa is None


def test_lengthening_curve_reproduces_decision_quality_and_finds_the_length():
    theta, weights = _normal_grid()
    p = irf_2pl(theta, [1.0, 1.3, 0.8, 1.1], [-0.6, 0.1, 0.3, -0.2])
    result = mastery_items_needed(dichotomous(p), weights, 75.0, 0.90, max_items=60)
    assert result.current_items == 4
    for length in (4, 8):
        repeated = dichotomous(np.vstack([p] * (length // 4)))
        direct = decision_quality(repeated, weights, theta, ["A"] * length, 0.0, {"A": 0.75 * length})
        assert result.curve[length - 1][1] == pytest.approx(direct.mastery["A"].consistency, abs=1e-12)
    assert result.needed is not None and result.needed > 4
    assert all(value >= 0.90 for length, value in result.curve if length >= result.needed)
    assert result.curve[result.needed - 2][1] < 0.90
    stricter = mastery_items_needed(dichotomous(p), weights, 75.0, 0.93, max_items=60)
    assert stricter.needed is None or stricter.needed >= result.needed
    kappa = mastery_items_needed(dichotomous(p), weights, 75.0, 0.8, measure="kappa", max_items=10)
    assert len(kappa.curve) == 10


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"weights": [-1.0] + [1.0] * 6}, "weights"),
        ({"theta": np.linspace(1, -1, 7)}, "theta"),
        ({"competencies": ["A"] * 4}, "competency codes"),
        ({"cuts": {"A": 1.0}}, "mastery cuts"),
        ({"categories": [np.full((7, 2), 0.6)]}, "sum to 1"),
        ({"categories": [np.ones((7, 1))]}, "categories >= 2"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(change, message):
    theta, weights, categories, competencies = _tiny()
    args = {"categories": categories, "weights": weights, "theta": theta, "competencies": competencies}
    args["cuts"] = {"A": 1.0, "B": 1.0}
    args.update(change)
    if "categories" in change:
        args["competencies"] = ["A"] * len(change["categories"])
        args["cuts"] = {"A": 1.0}
    with pytest.raises(ValueError, match=message):
        decision_quality(args["categories"], args["weights"], args["theta"], args["competencies"], 2.0, args["cuts"])


def test_bad_lengthening_arguments_are_rejected():
    theta, weights = _normal_grid(5)
    items = dichotomous(irf_2pl(theta, [1.0], [0.0]))
    with pytest.raises(ValueError, match="target"):
        mastery_items_needed(items, weights, 70.0, 1.5)
    with pytest.raises(ValueError, match="mastery_percent"):
        mastery_items_needed(items, weights, 170.0, 0.9)
    with pytest.raises(ValueError, match="P\\(correct\\)"):
        dichotomous([[0.5, 1.2]])
