"""Equated decisions (certify.core.irt.equating) against plainly written references and planted forms.

The reference reads the GPCM straight from the textbook (P(k) proportional to exp(sum_{v<=k} a(theta - b_v)),
one loop per item, each item worth one point: expected score k/m), and inverts a curve by scanning theta on a
grid (first in steps of 0.01, then 1e-5 inside the bracket found), not by Newton's method or bisection.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from certify.core.irt import (
    MID_SCALE,
    EquatingError,
    ItemParameters,
    WeightedItems,
    blueprint_reference,
    equate_total,
    theta_cut,
)


def _item_points(item: ItemParameters, theta: float) -> float:
    """Expected credit of one item (0..1) at theta, from the textbook formula."""
    numerators, running = [1.0], 0.0
    for b in item.steps:
        running += item.a * (theta - b)
        numerators.append(math.exp(running))
    total = sum(numerators)
    m = len(item.steps)
    return sum(k * n for k, n in enumerate(numerators)) / total / m


def _curve(items, weights=None):
    weights = weights or [1.0] * len(items)
    return lambda theta: sum(w * _item_points(item, theta) for item, w in zip(items, weights, strict=True))


def _scan(curve, target, low=-15.0, high=15.0):
    """The theta where an increasing curve reaches target, by scanning a grid (None when outside [low, high])."""
    if not curve(low) < target < curve(high):
        return None
    coarse = low
    while curve(coarse + 0.01) < target:
        coarse += 0.01
    fine = coarse
    while curve(fine + 1e-5) < target:
        fine += 1e-5
    return fine + 0.5e-5


def _form(rng, n, shift=0.0):
    items = []
    for j in range(n):
        a = float(rng.uniform(0.6, 2.0))
        if j % 5 == 4:  # every fifth item scored 0..2 or 0..3
            steps = tuple(sorted(float(b) for b in rng.normal(shift, 0.8, int(rng.integers(2, 4)))))
        else:
            steps = (float(rng.normal(shift, 1.0)),)
        items.append(ItemParameters(a=a, steps=steps))
    return items


def _reported(theta, theta_at_cut, meets):
    """The MID scaled score as the scale documents it, written out."""
    if theta is None:
        return 300 if meets else 100
    value = math.floor(200 + 40 * (theta - theta_at_cut) + 0.5)
    value = min(300, max(100, value))
    return max(value, 200) if meets else min(value, 199)


def test_equate_total_matches_a_brute_force_scan_of_the_tcc():
    rng = np.random.default_rng(13)
    form = _form(rng, 24)
    curve = _curve(form)
    cut_ability = 0.35
    for points in (0.0, 3.0, 9.5, 12.0, 14.25, 17.0, 22.5, 24.0):
        got = equate_total(form, points, cut_ability)
        assert got.cut_points == pytest.approx(curve(cut_ability), abs=1e-9)
        expected_theta = _scan(curve, points)
        if expected_theta is None:
            assert got.theta is None
        else:
            assert got.theta == pytest.approx(expected_theta, abs=1e-4)
        assert got.meets_cut == (points >= curve(cut_ability))
        assert got.scaled_score == _reported(expected_theta, cut_ability, got.meets_cut)


def test_theta_cut_is_where_the_blueprint_reference_expects_the_cut():
    rng = np.random.default_rng(5)
    cells = [(6, _form(rng, 9, shift=-0.5)), (4, _form(rng, 5, shift=0.7)), (2, _form(rng, 3))]
    reference = blueprint_reference(cells)
    slots = sum(count for count, _ in cells)

    def percent(theta):  # each cell: its slots times the mean expected credit of its items
        return (
            100 * sum(count * sum(_item_points(i, theta) for i in items) / len(items) for count, items in cells) / slots
        )

    assert reference.total == pytest.approx(slots)
    for theta in (-2.0, 0.0, 1.3):
        assert reference.percent(theta)[0] == pytest.approx(percent(theta), abs=1e-9)
    for cut in (35.0, 60.0, 72.5):
        assert theta_cut(reference, cut) == pytest.approx(_scan(percent, cut), abs=1e-4)


def test_planted_forms_a_candidate_at_the_standard_passes_either_form():
    """Two forms of one pool, one easy and one hard: the same standard asks different percents of them."""
    rng = np.random.default_rng(2024)
    easy, hard = _form(rng, 40, shift=-0.8), _form(rng, 40, shift=0.8)
    reference = blueprint_reference([(40, easy + hard)])
    at_cut = theta_cut(reference, 60.0)
    easy_cut = equate_total(easy, 0.0, at_cut).cut_points
    hard_cut = equate_total(hard, 0.0, at_cut).cut_points
    # The planted difficulty shows in the pass marks: above 60 % on the easy form, below it on the hard one.
    assert 100 * easy_cut / 40 > 66 and 100 * hard_cut / 40 < 54
    assert (easy_cut + hard_cut) / 80 == pytest.approx(0.60, abs=1e-6)  # the reference is their average
    # Simulated candidates exactly at the cut-level ability score, on average, each form's pass mark.
    for form, cut_points in ((easy, easy_cut), (hard, hard_cut)):
        sims = 20_000
        totals = np.zeros(sims)
        for item in form:
            m = len(item.steps)
            logits = np.concatenate(([0.0], np.cumsum([item.a * (at_cut - b) for b in item.steps])))
            p = np.exp(logits - logits.max())
            totals += rng.choice(m + 1, size=sims, p=p / p.sum()) / m
        assert abs(totals.mean() - cut_points) < 4 * totals.std() / math.sqrt(sims)
        # Their expected score meets the form's cut and reads 200 on the scale; a quarter logit either side decides.
        assert equate_total(form, cut_points, at_cut).meets_cut
        assert equate_total(form, cut_points, at_cut).scaled_score == 200
        above = _curve(form)(at_cut + 0.25)
        below = _curve(form)(at_cut - 0.25)
        assert equate_total(form, above, at_cut).meets_cut and equate_total(form, above, at_cut).scaled_score == 210
        assert not equate_total(form, below, at_cut).meets_cut and equate_total(form, below, at_cut).scaled_score == 190
    # The raw 60 % would fail the hard-form candidate at the standard and pass a weaker one on the easy form.
    assert 100 * hard_cut / 40 < 60 < 100 * _curve(easy)(at_cut - 0.25) / 40


def test_equated_results_are_monotone_in_points_and_in_the_standard():
    rng = np.random.default_rng(8)
    form = _form(rng, 30)
    results = [equate_total(form, points, 0.2) for points in np.linspace(0, 30, 121)]
    thetas = [r.theta for r in results if r.theta is not None]
    assert all(b > a for a, b in itertools.pairwise(thetas))
    scaled = [r.scaled_score for r in results]
    assert scaled == sorted(scaled) and scaled[0] == MID_SCALE.minimum and scaled[-1] == MID_SCALE.maximum
    meets = [r.meets_cut for r in results]
    assert meets == sorted(meets)  # once met, met for every higher total
    cuts = [equate_total(form, 10.0, ability).cut_points for ability in np.linspace(-3, 3, 13)]
    assert all(b > a for a, b in itertools.pairwise(cuts))


def test_rounding_never_crosses_the_decision():
    rng = np.random.default_rng(3)
    form = _form(rng, 20)
    cut_points = equate_total(form, 0.0, 0.0).cut_points
    just_below = equate_total(form, cut_points - 1e-6, 0.0)
    at = equate_total(form, cut_points, 0.0)
    assert (just_below.meets_cut, just_below.scaled_score) == (False, 199)
    assert (at.meets_cut, at.scaled_score) == (True, 200)


def test_the_scale_is_documented_with_its_range():
    assert MID_SCALE.as_dict() == {"name": "MID scaled score", "min": 100, "max": 300, "cut": 200}
    assert MID_SCALE.reported(None, 0.0, True) == 300 and MID_SCALE.reported(None, 0.0, False) == 100
    assert MID_SCALE.reported(9.0, 0.0, True) == 300 and MID_SCALE.reported(-9.0, 0.0, False) == 100


@pytest.mark.parametrize("points", [-0.5, 20.5, math.nan, math.inf])
def test_points_outside_the_form_are_refused(points):
    form = _form(np.random.default_rng(1), 20)
    with pytest.raises(ValueError, match="points must"):
        equate_total(form, points, 0.0)


@pytest.mark.parametrize("cut", [0.0, 100.0, -5.0, 130.0, math.nan])
def test_a_cut_outside_0_to_100_cannot_be_placed(cut):
    reference = WeightedItems(_form(np.random.default_rng(1), 10))
    with pytest.raises(EquatingError, match="cannot be placed"):
        theta_cut(reference, cut)


def test_bad_references_are_refused():
    items = _form(np.random.default_rng(1), 3)
    with pytest.raises(ValueError, match="one positive finite weight"):
        WeightedItems(items, [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="one positive finite weight"):
        WeightedItems(items, [1.0, 1.0])
    with pytest.raises(ValueError, match="at least one slot"):
        blueprint_reference([(3, items), (2, [])])
    with pytest.raises(ValueError, match="no cells"):
        blueprint_reference([])
    with pytest.raises(ValueError, match="at least one item"):
        equate_total([], 0.0, 0.0)
    # A cut the reference cannot reach within the search bound: one very flat item never expects 99.9 %.
    flat = WeightedItems([ItemParameters(a=0.05, steps=(0.0,))])
    with pytest.raises(EquatingError, match="no ability"):
        theta_cut(flat, 99.9)
