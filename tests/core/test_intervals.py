"""Confidence intervals: published values, the defining inequality solved another way, and coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from certify.core.intervals import critical_value, fisher_interval, newcombe_difference, wilson_interval


# Newcombe (1998a), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no correction).
@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombes_published_values(successes, n, low, high):
    interval = wilson_interval(successes / n, n)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)
    assert interval.n == n


def _score_test_bounds(p, n, z):
    """The p' where |p - p'| = z sqrt(p'(1 - p')/n), found by bisection on each side of p."""

    def outside(candidate):
        return abs(p - candidate) - z * math.sqrt(candidate * (1 - candidate) / n)

    def root(inside, far):
        if outside(far) <= 0:
            return far
        for _ in range(200):
            mid = (inside + far) / 2
            inside, far = (mid, far) if outside(mid) <= 0 else (inside, mid)
        return (inside + far) / 2

    return root(p, 0.0), root(p, 1.0)


@pytest.mark.parametrize(("p", "n"), [(0.5, 10), (0.03, 300), (0.97, 300), (0.2, 31), (0.0, 5), (1.0, 50)])
@pytest.mark.parametrize("confidence", [0.90, 0.95, 0.99])
def test_wilson_inverts_the_score_test(p, n, confidence):
    interval = wilson_interval(p, n, confidence)
    low, high = _score_test_bounds(p, n, critical_value(confidence))
    assert interval.low == pytest.approx(low, abs=1e-10)
    assert interval.high == pytest.approx(high, abs=1e-10)


def test_fisher_interval_in_its_exponential_form():
    # z = 0.5 ln((1 + r)/(1 - r)); bounds (e^(2z') - 1)/(e^(2z') + 1) with z' = z -+ 1.959964/sqrt(n - 3).
    for r, n in [(0.3, 300), (-0.12, 50), (0.85, 12), (0.0, 4)]:
        z = 0.5 * math.log((1 + r) / (1 - r))
        spread = 1.959963984540054 / math.sqrt(n - 3)
        expected = [(math.exp(2 * v) - 1) / (math.exp(2 * v) + 1) for v in (z - spread, z + spread)]
        assert fisher_interval(r, n).bounds == pytest.approx(expected, abs=1e-12)


def test_fisher_interval_covers_the_true_correlation_about_95_percent_of_the_time():
    rng = np.random.default_rng(31)
    rho, n, repeats = 0.4, 60, 2000
    x = rng.standard_normal((repeats, n))
    y = rho * x + math.sqrt(1 - rho**2) * rng.standard_normal((repeats, n))
    covered = 0
    for xs, ys in zip(x, y, strict=True):
        interval = fisher_interval(float(np.corrcoef(xs, ys)[0, 1]), n)
        covered += interval.low <= rho <= interval.high
    coverage = covered / repeats
    assert abs(coverage - 0.95) < 3 * math.sqrt(0.95 * 0.05 / repeats)


# Newcombe (1998b), Statistics in Medicine 17:873-890, Table II, method 10.
@pytest.mark.parametrize(
    ("a", "m", "b", "n", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
    ],
)
def test_newcombe_difference_matches_published_values(a, m, b, n, low, high):
    interval = newcombe_difference(a / m, m, b / n, n)
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: wilson_interval(1.2, 10), "proportion"),
        (lambda: wilson_interval(0.5, 0), "n >= 1"),
        (lambda: wilson_interval(0.5, 10, confidence=1.0), "confidence"),
        (lambda: fisher_interval(0.5, 3), "n >= 4"),
        (lambda: fisher_interval(1.5, 30), "correlation"),
        (lambda: fisher_interval(0.5, 30.5), "whole number"),
    ],
)
def test_bad_input_is_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_perfect_correlation_has_a_degenerate_interval():
    assert fisher_interval(1.0, 10).bounds == (1.0, 1.0)
