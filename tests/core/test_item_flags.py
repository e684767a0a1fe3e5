"""CI-aware item flags: the rules one by one, too few attempts, and planted faulty items in a simulated pool."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from certify.core.distractors import DistractorRow
from certify.core.item_analysis import ItemInfo, ItemStats, Response, Thresholds, analyse_items, build_matrix
from certify.core.item_flags import ci_flags


def _stats(n=300, p=0.5, r=0.4, **changes):
    base = ItemStats(
        item_key="Q1@v1",
        competency="AD",
        scored=True,
        n=n,
        omitted=0,
        omit_rate=0.0,
        p=p,
        point_biserial=r,
        upper_p=None,
        lower_p=None,
        d=None,
        median_seconds=None,
        difficulty_band=None,
        discrimination_band=None,
        flags=(),
        distractors=(),
    )
    return dataclasses.replace(base, **changes)


def _codes(result):
    return [flag.code for flag in result.flags]


def test_below_the_minimum_n_there_is_no_flag_only_insufficient_data():
    result = ci_flags(_stats(n=20, p=0.05, r=-0.5))
    assert result.status == "insufficient_data"
    assert (result.flags, result.n, result.min_n) == ((), 20, 30)
    assert ci_flags(_stats(n=20, p=0.05, r=-0.5), min_n=10).status == "flagged"
    with pytest.raises(ValueError, match="minimum n"):
        ci_flags(_stats(), min_n=0)


def test_too_hard_needs_the_whole_wilson_interval_below_the_limit():
    # p = 0.15 on 40 candidates: the point is below 0.20 but the Wilson upper bound (0.29) is not.
    assert ci_flags(_stats(n=40, p=0.15)).flags == ()
    result = ci_flags(_stats(n=400, p=0.15))  # upper bound 0.19
    assert _codes(result) == ["too hard"]
    flag = result.flags[0]
    assert flag.n == 400
    assert flag.ci == pytest.approx((0.1183, 0.1883), abs=1e-4)
    assert _codes(ci_flags(_stats(n=400, p=0.86))) == ["too easy"]
    assert ci_flags(_stats(n=40, p=0.86)).flags == ()


@pytest.mark.parametrize(
    ("r", "n", "code"),
    [
        (-0.20, 300, "check the key"),
        (-0.05, 300, "poor discrimination"),  # upper bound 0.06: below 0.20 but not below 0
        (0.12, 300, "revise"),  # upper bound 0.23: below 0.30 only
        (0.22, 300, None),  # upper bound 0.32
        (-0.20, 40, "poor discrimination"),  # on 40 pairs the upper bound is 0.12: not surely below 0
    ],
)
def test_discrimination_flags_follow_the_fisher_upper_bound(r, n, code):
    assert _codes(ci_flags(_stats(n=n, r=r))) == ([code] if code else [])


def test_upper_lower_index_uses_newcombes_interval():
    limits = Thresholds(discrimination="upper_lower")
    # 81 per group of 300: D = 0.05 - 0.25 = -0.20 with an interval entirely below 0.
    result = ci_flags(_stats(upper_p=0.05, lower_p=0.25, d=-0.20), limits)
    assert _codes(result) == ["check the key"]
    assert result.discrimination.n == 162
    assert ci_flags(_stats(upper_p=0.85, lower_p=0.30, d=0.55), limits).flags == ()


def test_distractor_flags():
    attracts = DistractorRow("C", False, 90, 0.3, 0.45, 0.15, False, True)
    slightly = DistractorRow("D", False, 30, 0.1, 0.12, 0.10, False, True)
    never = DistractorRow("E", False, 0, 0.0, 0.0, 0.0, True, False)
    assert _codes(ci_flags(_stats(distractors=(attracts, never)))) == [
        "option never chosen",
        "distractor attracts high scorers",
    ]
    assert ci_flags(_stats(distractors=(slightly,))).flags == ()


def test_an_option_no_one_chose_is_flagged_only_once_the_sample_could_have_shown_it():
    never = DistractorRow("E", False, 0, 0.0, 0.0, 0.0, True, False)
    # Wilson upper bound of 0/n is z^2 / (n + z^2): below 5 % from n = 73 (3.8415 / 76.84 = 0.04999).
    assert ci_flags(_stats(n=72, distractors=(never,))).flags == ()
    flag = ci_flags(_stats(n=73, distractors=(never,))).flags[0]
    assert flag.code == "option never chosen" and flag.ci[0] == 0.0
    assert flag.ci[1] == pytest.approx(1.959964**2 / (73 + 1.959964**2), abs=1e-6)


def _population_statistics(a, b, rng, size=40_000):
    """p and corrected point-biserial of every item in a very large sample: the values the flags estimate."""
    theta = rng.standard_normal(size)
    x = (rng.random((size, len(a))) < 1.0 / (1.0 + np.exp(-a[None, :] * (theta[:, None] - b[None, :])))).astype(float)
    rest = x.sum(axis=1)[:, None] - x
    r = [np.corrcoef(x[:, j], rest[:, j])[0, 1] for j in range(len(a))]
    return x.mean(axis=0), np.array(r)


def test_planted_faulty_items_are_flagged_and_good_items_rarely_are():
    rng = np.random.default_rng(1313)
    candidates, pool = 300, 60
    a = np.concatenate([rng.uniform(0.6, 2.2, pool), [-1.2, 0.0, 1.0]])
    b = np.concatenate([rng.uniform(-1.5, 1.5, pool), [0.5, 0.0, 4.0]])
    # Item 60 is miskeyed (the keyed answer is chosen less by the able), 61 does not discriminate at all,
    # 62 is far too hard.
    theta = rng.standard_normal(candidates)
    probability = 1.0 / (1.0 + np.exp(-a[None, :] * (theta[:, None] - b[None, :])))
    correct = rng.random(probability.shape) < probability
    items = [ItemInfo(f"Q{j}@v1", "AD") for j in range(pool + 3)]
    responses = [
        Response(f"c{i}", items[j].item_key, float(correct[i, j])) for i in range(candidates) for j in range(pool + 3)
    ]
    stats = analyse_items(build_matrix(responses, items))
    flags = [ci_flags(s) for s in stats]
    assert "check the key" in _codes(flags[pool])
    assert {"poor discrimination", "revise"} & set(_codes(flags[pool + 1]))
    assert "too hard" in _codes(flags[pool + 2])
    # Sound items: in the population, p within [0.20, 0.80] and the corrected point-biserial at least 0.30.
    p, r = _population_statistics(a, b, rng)
    sound = [j for j in range(pool) if 0.20 <= p[j] <= 0.80 and r[j] >= 0.30]
    assert len(sound) >= 40
    ci_alarms = sum(flags[j].status == "flagged" for j in sound) / len(sound)
    point_alarms = sum(bool(stats[j].flags) for j in sound) / len(sound)
    print(
        f"\nfalse alarms among {len(sound)} sound items: CI-aware {ci_alarms:.1%}, point estimates {point_alarms:.1%}"
    )
    assert ci_alarms < 0.05
    assert ci_alarms <= point_alarms
