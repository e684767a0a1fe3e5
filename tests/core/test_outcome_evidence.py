"""Outcome evidence arithmetic, each figure checked by an independent computation.

statsmodels is not installed here, so the Wilson interval is checked against (a) a plainly written reference
that solves its defining inequality |p - p'| <= z sqrt(p'(1 - p') / n) by bisection, never using the closed
form, and (b) published values (Newcombe 1998, Statistics in Medicine 17:857-872, Table I, method 3).
"""

from __future__ import annotations

import math
import random
from statistics import NormalDist

import pytest

from certify.core.outcome_evidence import (
    AttestedCase,
    attainment,
    median,
    moved_toward_target,
    parse_themes,
    propose_cases,
    rating_summaries,
    response_rate,
    theme_rollup,
    wilson_share,
)

Z95 = NormalDist().inv_cdf(0.975)


def reference_wilson(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The bounds of {q : |p - q| <= z sqrt(q (1 - q) / n)} found by bisection on each side of p."""
    p = count / n

    def inside(q: float) -> bool:
        return abs(p - q) <= z * math.sqrt(q * (1 - q) / n)

    def edge(lo: float, hi: float) -> float:  # lo inside, hi outside (or the other way round)
        for _ in range(200):
            mid = (lo + hi) / 2
            if inside(mid) == inside(lo):
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    low = 0.0 if inside(0.0) else edge(p, 0.0)
    high = 1.0 if inside(1.0) else edge(p, 1.0)
    return low, high


@pytest.mark.parametrize(("count", "n"), [(0, 1), (1, 1), (3, 7), (12, 40), (81, 263), (29, 29), (5, 1000)])
def test_wilson_share_matches_the_bisection_reference(count, n):
    share = wilson_share(count, n)
    low, high = reference_wilson(count, n)
    assert share.share == pytest.approx(count / n)
    assert share.low == pytest.approx(low, abs=1e-9)
    assert share.high == pytest.approx(high, abs=1e-9)
    assert share.confidence == 0.95


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_share_matches_newcombes_published_table(count, n, low, high):
    share = wilson_share(count, n)
    assert (round(share.low, 4), round(share.high, 4)) == (low, high)


def test_a_share_of_nobody_has_no_interval_and_impossible_counts_are_refused():
    empty = wilson_share(0, 0)
    assert (empty.share, empty.low, empty.high) == (None, None, None)
    for count, n in ((3, 2), (-1, 4)):
        with pytest.raises(ValueError, match="count <= n"):
            wilson_share(count, n)


def test_wilson_interval_covers_a_planted_share_about_95_percent_of_the_time():
    """Plant a true share of holders who move toward target; simulate many programmes of 60 attested holders."""
    rng = random.Random(1707)
    for true_share in (0.2, 0.55, 0.8):
        runs, covered, estimates = 4000, 0, 0.0
        for _ in range(runs):
            moved = sum(rng.random() < true_share for _ in range(60))
            share = wilson_share(moved, 60)
            covered += share.low <= true_share <= share.high
            estimates += share.share
        assert estimates / runs == pytest.approx(true_share, abs=0.01)  # the share itself is unbiased
        # exact binomial coverage oscillates around 0.95 (0.93-0.97 for n = 60); 4000 runs add +-0.007
        assert 0.925 <= covered / runs <= 0.975, (true_share, covered / runs)


@pytest.mark.parametrize(
    ("baseline", "target", "value", "expected"),
    [
        (61, 74, 74, 1.0),  # first-contact resolution % reached its target
        (61, 74, 67.5, 0.5),
        (61, 74, 61, 0.0),
        (61, 74, 55, -6 / 13),  # moved away
        (4.2, 2.0, 3.1, 0.5),  # pick errors per 1,000 lines should fall: halfway there
        (4.2, 2.0, 1.0, 3.2 / 2.2),  # beyond the target
        (4.2, 2.0, 5.3, -0.5),
    ],
)
def test_attainment_by_hand(baseline, target, value, expected):
    assert attainment(baseline, target, value) == pytest.approx(expected)
    assert moved_toward_target(baseline, target, value) is (expected > 0)


def test_attainment_needs_a_target_that_differs_from_the_baseline_and_finite_numbers():
    with pytest.raises(ValueError, match="equals the baseline"):
        attainment(50, 50, 60)
    with pytest.raises(ValueError, match="finite"):
        attainment(50, 60, float("nan"))


def test_median_and_response_rate():
    assert median([]) is None
    assert median([0.4]) == 0.4
    assert median([1.0, -0.5, 0.25]) == 0.25
    assert median([1.0, -0.5, 0.25, 0.75]) == 0.5
    assert response_rate(0, 0) is None
    assert response_rate(7, 10) == 0.7
    with pytest.raises(ValueError):
        response_rate(11, 10)


def _cases(*pairs: tuple[int, float]) -> list[AttestedCase]:
    return [AttestedCase(plan, value) for plan, value in pairs]


def test_propose_cases_takes_k_at_each_extreme_with_ties_broken_by_plan_id():
    cases = _cases((1, 0.9), (2, 1.2), (3, 0.9), (4, -0.3), (5, 0.0), (6, 0.0), (7, 0.5), (8, 0.0))
    proposal = propose_cases(cases, k=3)
    assert [c.plan_id for c in proposal.success] == [2, 1, 3]  # 1.2, then the tie at 0.9 by plan id
    assert [c.plan_id for c in proposal.non_success] == [4, 5, 6]  # -0.3, then the tie at 0.0 by plan id
    assert not proposal.short and proposal.note == ""
    assert [c.plan_id for c in propose_cases(list(reversed(cases)), k=3).success] == [2, 1, 3]  # order-free
    assert [c.plan_id for c in propose_cases(cases, k=1).non_success] == [4]


@pytest.mark.parametrize(("n", "upper", "lower"), [(0, 0, 0), (1, 1, 0), (2, 1, 1), (5, 3, 2)])
def test_with_fewer_than_2k_cases_every_one_is_proposed_once_and_the_shortfall_is_said(n, upper, lower):
    cases = _cases(*((plan, plan / 10) for plan in range(1, n + 1)))
    proposal = propose_cases(cases, k=3)
    assert (len(proposal.success), len(proposal.non_success)) == (upper, lower)
    chosen = [c.plan_id for c in proposal.success + proposal.non_success]
    assert sorted(chosen) == list(range(1, n + 1))  # all of them, none twice
    assert proposal.short and f"Only {n} plan" in proposal.note and "fewer than the 6" in proposal.note
    with pytest.raises(ValueError):
        propose_cases(cases, k=0)


def test_themes_are_split_trimmed_and_deduplicated_case_insensitively():
    typed = "Manager coaching,  team-lead  buy-in \nmanager COACHING\n\n, ;Job aid at the desk"
    assert parse_themes(typed) == ["Manager coaching", "team-lead buy-in", "Job aid at the desk"]
    assert parse_themes(" , \n ") == []


def test_theme_rollup_counts_each_theme_once_per_case_most_frequent_first():
    per_case = [
        ["Manager coaching", "Job aid", "manager  coaching"],
        ["job aid", "Time to practise"],
        ["JOB AID", "Manager coaching"],
        [],
    ]
    rolled = [(t.theme, t.cases) for t in theme_rollup(per_case)]
    assert rolled == [("Job aid", 3), ("Manager coaching", 2), ("Time to practise", 1)]


def test_rating_summaries_pool_objectives_by_wording_and_ignore_ratings_off_the_scale():
    rated = [
        (["Greets the caller by name", "Resolves billing queries on the first call"], {"0": 4, "1": 5}),
        (["greets the caller by name"], {"0": "2", "1": 5, "7": 3}),  # "1" and "7" name no objective
        (["Resolves billing queries on the first call"], {"0": 9}),  # off the scale
        (["Confirms the fix before closing"], {"0": True}),  # not a rating
    ]
    summaries = [(r.objective, r.mean, r.n) for r in rating_summaries(rated)]
    assert summaries == [
        ("Greets the caller by name", 3.0, 2),
        ("Resolves billing queries on the first call", 5.0, 1),
    ]
