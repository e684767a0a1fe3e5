"""Form assembly: enemies never together, the blueprint always met, randomesque exposure and information at the cut."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import pytest

from certify.core.assembly import AssemblyError, PoolItem, assemble, information_at_cut, window_size
from certify.core.assessment_spec import AssemblySettings, BlueprintCell
from tests.core.assembly_simulation import BLUEPRINT, calibrated_pool, information, plain_cut_theta, planted

FORMS = 2000


def _cell_counts(form, pool):
    by_item = {i.item_id: i for i in pool}
    return Counter((by_item[s.item_id].competency, by_item[s.item_id].bloom) for s in form if s.scored)


def _enemy_pool():
    """Two competencies, with pairs and a group of three declared as enemies (one side only), and pilots."""
    pool = []
    for n in range(12):
        code = "RA" if n < 6 else "PA"
        bloom = "apply" if n % 2 else "understand"
        pool.append(PoolItem(100 + n, n, code, bloom, "live", ref=f"{code}-{n:02d}"))
    pool += [PoolItem(200 + n, 50 + n, "RA", "apply", "pilot", ref=f"P-{n}") for n in range(3)]
    declared = {0: {1, 6}, 2: {3, 4}, 3: {4}, 7: {50, 8}, 51: {9}}  # 2, 3, 4 form a group of three
    return [
        PoolItem(
            i.version_id, i.item_id, i.competency, i.bloom, i.status, i.ref, frozenset(declared.get(i.item_id, ()))
        )
        for i in pool
    ]


def test_enemies_never_share_a_form_and_the_blueprint_is_always_met():
    pool = _enemy_pool()
    blueprint = [BlueprintCell("RA", "understand", 2), BlueprintCell("RA", "apply", 1), BlueprintCell("PA", "apply", 2)]
    pairs = {frozenset((a.item_id, b)) for a in pool for b in a.enemies}
    assert len(pairs) == 8
    together = Counter()
    for seed in range(1500):
        form = assemble(blueprint, pool, seed=f"e{seed}", pilot_count=1, seen_item_ids={seed % 12})
        ids = [s.item_id for s in form]
        assert len(set(ids)) == len(ids)
        for a, b in itertools.combinations(ids, 2):
            together[frozenset((a, b))] += 1
        assert _cell_counts(form, pool) == {("RA", "understand"): 2, ("RA", "apply"): 1, ("PA", "apply"): 2}
        assert sum(1 for s in form if not s.scored) == 1
    assert not pairs & set(together)
    # The draws do vary: the non-enemy pairs of the RA/understand cell each turn up.
    assert together[frozenset((0, 2))] > 0 and together[frozenset((0, 4))] > 0


def test_enemies_that_empty_a_cell_are_named():
    pool = [PoolItem(10 + n, n, "RA", "apply", "live", ref=f"RA-{n}") for n in range(3)]
    pool[0] = PoolItem(10, 0, "RA", "apply", "live", ref="RA-0", enemies=frozenset({1, 2}))
    pool[1] = PoolItem(11, 1, "RA", "apply", "live", ref="RA-1", enemies=frozenset({2}))  # a group of three
    with pytest.raises(AssemblyError, match=r"RA/apply needs 2, but only 1 could be drawn.*rules out RA-"):
        assemble([BlueprintCell("RA", "apply", 2)], pool, seed="s")


def test_window_grows_as_the_exposure_bound_tightens():
    assert [window_size(1, b) for b in (1.0, 0.5, 0.34, 0.3, 0.25)] == [1, 2, 3, 4, 4]
    assert [window_size(3, b) for b in (1.0, 0.3, 0.25)] == [3, 10, 12]
    with pytest.raises(ValueError, match="max_exposure must be above 0"):
        window_size(1, 0.0)


def test_randomesque_exposure_stays_below_the_bound_over_2000_forms():
    pool, _theta = calibrated_pool()
    bound = AssemblySettings().max_exposure
    counts: Counter[int] = Counter()
    for seed in range(FORMS):
        form = assemble(BLUEPRINT, pool, seed=f"x{seed}", max_exposure=bound)
        assert _cell_counts(form, pool) == {(c.competency, c.bloom): c.count for c in BLUEPRINT}
        counts.update(s.item_id for s in form)
    rates = {item: n / FORMS for item, n in counts.items()}
    assert max(rates.values()) < bound
    # Independent figure: an item in a cell's window of w is drawn at each of the cell's `count` slots with
    # probability at most 1 / w, so its exposure is at most 1 - (1 - 1/w)^count; the best items are near it.
    for cell in BLUEPRINT:
        window = math.ceil(cell.count / bound - 1e-9)
        expected = 1 - (1 - 1 / window) ** cell.count
        assert expected <= bound
        members = sorted(
            (i for i in pool if (i.competency, i.bloom) == (cell.competency, cell.bloom)),
            key=lambda i: -(i.information or 0.0),
        )
        assert rates.get(members[0].item_id, 0) == pytest.approx(expected, abs=4 * math.sqrt(0.3 * 0.7 / FORMS))
    # Items outside every window are never drawn: exposure goes to the informative items only.
    assert len(rates) < len(pool)


def test_information_at_the_cut_beats_random_forms_and_meets_the_target():
    pool, theta = calibrated_pool()
    target = AssemblySettings().target_information
    assembled = [information_at_cut(assemble(BLUEPRINT, pool, seed=f"i{s}"), pool)[0] for s in range(300)]
    # Plain reference: a form drawn at random within the blueprint has, on average, each cell's mean information.
    random_mean = 0.0
    for cell in BLUEPRINT:
        members = [i.information for i in pool if (i.competency, i.bloom) == (cell.competency, cell.bloom)]
        random_mean += cell.count * sum(members) / len(members)
    assert min(assembled) >= target
    assert sum(assembled) / len(assembled) > random_mean * 1.05
    # The information figures themselves, recomputed from the planted a, b by the 2PL formula.
    items = planted()
    assert theta == pytest.approx(plain_cut_theta(items, 70.0))
    assert pool[0].information == pytest.approx(information(items[0][1], items[0][2], theta))


def _tiny():
    """Two cells of seven items with planted information; 0 and 7 (the best of each cell) are enemies."""
    values = [3.0, 2.5, 2.0, 1.0, 0.5, 0.3, 0.1, 2.8, 2.6, 1.5, 1.2, 0.2, 0.15, 0.1]
    pool = []
    for n, value in enumerate(values):
        enemies = frozenset({7}) if n == 0 else frozenset()
        cell = ("RA", "apply") if n < 7 else ("PA", "apply")
        pool.append(PoolItem(10 + n, n, *cell, "live", ref=f"I-{n}", enemies=enemies, information=value))
    return pool, [BlueprintCell("RA", "apply", 2), BlueprintCell("PA", "apply", 2)]


def _brute_force(pool, blueprint, reach=None):
    """Every valid form (blueprint met, no enemies together) and its information; with `reach`, each cell's
    items only from its `reach` most informative."""
    cells = []
    for cell in blueprint:
        members = sorted(
            (i for i in pool if (i.competency, i.bloom) == (cell.competency, cell.bloom)), key=lambda i: -i.information
        )
        cells.append(list(itertools.combinations(members[:reach] if reach else members, cell.count)))
    forms = {}
    for choice in itertools.product(*cells):
        items = [i for part in choice for i in part]
        ids = frozenset(i.item_id for i in items)
        if not any(e in ids for i in items for e in i.enemies):
            forms[ids] = sum(i.information for i in items)
    return forms


def test_assembled_forms_against_a_brute_force_reference_on_a_tiny_pool():
    pool, blueprint = _tiny()
    valid = _brute_force(pool, blueprint)
    best = max(valid.values())
    assert best == pytest.approx(2.5 + 2.0 + 2.8 + 2.6)  # 0 and 7 cannot both be on it: leaving out 0 costs least
    # Without an exposure bound each cell takes its best items left; every form is valid, and some reach the optimum.
    loose = [frozenset(s.item_id for s in assemble(blueprint, pool, seed=f"t{n}", max_exposure=1.0)) for n in range(50)]
    assert all(ids in valid for ids in loose)
    assert max(valid[ids] for ids in loose) == pytest.approx(best)
    # With a bound of 0.7 each slot draws among the best ceil(2 / 0.7) = 3 items left, so a cell of count 2 reaches
    # at most its 4th best, or 5th once an enemy drawn elsewhere rules one out. The worst valid form within that
    # reach is what every assembled form is guaranteed; the pool is planted so that it meets the target.
    guaranteed = min(_brute_force(pool, blueprint, reach=5).values())
    target = 2.5  # information 2.5 at the cut: a conditional SEM of 1 / sqrt(2.5) = 0.63 logits
    assert guaranteed == pytest.approx(1.0 + 0.5 + 1.2 + 0.2) and guaranteed >= target
    assert min(valid.values()) < target  # a random valid form may well miss it
    drawn = []
    for n in range(300):
        ids = frozenset(s.item_id for s in assemble(blueprint, pool, seed=f"w{n}", max_exposure=0.7))
        assert ids in valid
        drawn.append(valid[ids])
    assert guaranteed <= min(drawn) and max(drawn) <= best
    assert sum(drawn) / len(drawn) > sum(valid.values()) / len(valid)  # above a form drawn at random among valid ones


def test_uncalibrated_items_rank_at_their_cells_median():
    pool = [PoolItem(10 + n, n, "RA", "apply", "live", information=v) for n, v in enumerate([5.0, 4.0, 1.0, 0.5])]
    pool.append(PoolItem(99, 9, "RA", "apply", "live"))  # a new version: median 2.5, between 4.0 and 1.0
    drawn = Counter(
        s.item_id
        for n in range(400)
        for s in assemble([BlueprintCell("RA", "apply", 1)], pool, seed=f"m{n}", max_exposure=0.34)
    )
    assert set(drawn) == {0, 1, 9}  # the window of ceil(1 / 0.34) = 3: the two best and the new version


def test_without_a_calibration_every_item_of_a_cell_can_be_drawn():
    pool = [PoolItem(10 + n, n, "RA", "apply", "live") for n in range(8)]
    drawn = Counter(
        s.item_id for n in range(400) for s in assemble([BlueprintCell("RA", "apply", 1)], pool, seed=f"r{n}")
    )
    assert set(drawn) == set(range(8))
    assert information_at_cut(assemble([BlueprintCell("RA", "apply", 2)], pool, seed="r"), pool) == (0.0, 2)
