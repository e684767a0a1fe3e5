"""Item analysis: hand-worked examples, edge cases, and a naive reference on pseudo-random data."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from certify.core.item_analysis import (
    ItemInfo,
    Response,
    Thresholds,
    analyse_items,
    build_matrix,
    correlation,
    difficulty_band,
    discrimination_band,
    upper_lower_groups,
)

ITEMS = [ItemInfo("I1@v1", "RA"), ItemInfo("I2@v1", "RA"), ItemInfo("I3@v1", "PA")]
#         I1 I2 I3   total
# A        1  1  1     3
# B        1  1  0     2
# C        1  0  1     2
# D        0  1  0     1
# E        0  0  0     0
FIVE = {"A": [1, 1, 1], "B": [1, 1, 0], "C": [1, 0, 1], "D": [0, 1, 0], "E": [0, 0, 0]}


def _responses(rows, items=ITEMS):
    """One Response per non-missing cell; a cell may be a credit, None (omitted) or "-" (not presented)."""
    return [
        Response(cid, info.item_key, credit)
        for cid, row in rows.items()
        for info, credit in zip(items, row, strict=True)
        if credit != "-"
    ]


def _stats(rows, items=ITEMS, limits=Thresholds()):
    return {s.item_key: s for s in analyse_items(build_matrix(_responses(rows, items), items), limits)}


def _ten():
    """FIVE twice (A..E then A2..E2): same correlations, and groups of three for D."""
    return {**FIVE, **{f"{cid}2": row for cid, row in FIVE.items()}}


def test_difficulty_and_corrected_point_biserial_by_hand():
    stats = _stats(FIVE)
    # p = mean credit: I1 3/5, I2 3/5, I3 2/5.
    assert [stats[k].p for k in ("I1@v1", "I2@v1", "I3@v1")] == [0.6, 0.6, 0.4]
    # I1: x = 1 1 1 0 0, rest = total - x = 2 1 1 1 0; means 0.6 and 1.0.
    # dx = .4 .4 .4 -.6 -.6, dr = 1 0 0 0 -1: sum dx*dr = .4 + .6 = 1.0, sum dx^2 = 1.2, sum dr^2 = 2.
    # r = 1 / sqrt(1.2 * 2) = 0.6455 (uncorrected, against the total, it would be 0.8807).
    assert stats["I1@v1"].point_biserial == pytest.approx(1 / math.sqrt(2.4))
    assert stats["I1@v1"].discrimination_band == "excellent"
    # I2: x = 1 1 0 1 0, rest = 2 1 2 0 0: dx = .4 .4 -.6 .4 -.6, dr = 1 0 1 -1 -1, sum dx*dr = 0 -> r = 0.
    assert stats["I2@v1"].point_biserial == pytest.approx(0.0, abs=1e-15)
    assert stats["I2@v1"].discrimination_band == "poor"
    assert "poor discrimination" in stats["I2@v1"].flags
    # I3: x = 1 0 1 0 0, rest = 2 2 1 1 0: dx = .6 -.4 .6 -.4 -.4, dr = .8 .8 -.2 -.2 -1.2.
    # sum dx*dr = .48 - .32 - .12 + .08 + .48 = .6; sum dx^2 = 1.2, sum dr^2 = 2.8; r = .6 / sqrt(3.36) = 0.3273.
    assert stats["I3@v1"].point_biserial == pytest.approx(0.6 / math.sqrt(3.36))
    assert stats["I3@v1"].discrimination_band == "good"
    assert stats["I1@v1"].difficulty_band == stats["I3@v1"].difficulty_band == "optimal"
    assert stats["I1@v1"].n == 5 and stats["I1@v1"].omit_rate == 0.0


def test_upper_lower_discrimination_by_hand():
    stats = _stats(_ten())
    # 27 % of 10 = 2.7 -> groups of 3. Totals, best first (ties keep input order):
    # A 3, A2 3, B 2, C 2, B2 2, C2 2, D 1, D2 1, E 0, E2 0 -> upper A A2 B, lower D2 E E2.
    # I1: upper 1 1 1, lower 0 0 0 -> D = 1.  I2: upper 1 1 1, lower 1 0 0 -> D = 2/3.
    # I3: upper 1 1 0, lower 0 0 0 -> D = 2/3.
    assert (stats["I1@v1"].upper_p, stats["I1@v1"].lower_p, stats["I1@v1"].d) == (1.0, 0.0, 1.0)
    assert stats["I2@v1"].d == pytest.approx(2 / 3)
    assert stats["I3@v1"].upper_p == pytest.approx(2 / 3) and stats["I3@v1"].d == pytest.approx(2 / 3)
    # Duplicating every candidate leaves the correlations as they were.
    assert stats["I1@v1"].point_biserial == pytest.approx(1 / math.sqrt(2.4))
    upper, lower = upper_lower_groups([3, 2, 2, 1, 0, 3, 2, 2, 1, 0])
    assert (upper, lower) == ([0, 5, 1], [8, 4, 9])


def test_pilot_item_is_analysed_but_does_not_count():
    pilot = ItemInfo("P1@v1", "PA", scored=False)
    items = [*ITEMS, pilot]
    rows = {cid: [*row, credit] for (cid, row), credit in zip(FIVE.items(), [0, 0, 1, 1, 1], strict=True)}
    with_pilot = build_matrix(_responses(rows, items), items)
    assert with_pilot.totals == [3.0, 2.0, 2.0, 1.0, 0.0]  # the pilot added nothing
    stats = {s.item_key: s for s in analyse_items(with_pilot)}
    plain = _stats(FIVE)
    for key in ("I1@v1", "I2@v1", "I3@v1"):
        assert stats[key] == plain[key]
    # The pilot against the scored total: x = 0 0 1 1 1, total = 3 2 2 1 0; dx = -.6 -.6 .4 .4 .4,
    # dt = 1.4 .4 .4 -.6 -1.6: sum dx*dt = -.84 - .24 + .16 - .24 - .64 = -1.8; sums of squares 1.2 and 5.2.
    assert stats["P1@v1"].point_biserial == pytest.approx(-1.8 / math.sqrt(1.2 * 5.2))
    assert stats["P1@v1"].scored is False
    assert stats["P1@v1"].discrimination_band == "negative"
    assert "check the key" in stats["P1@v1"].flags


def test_item_everyone_answers_correctly():
    rows = {cid: [*row[:2], 1] for cid, row in FIVE.items()}
    easy = _stats(rows)["I3@v1"]
    assert easy.p == 1.0
    assert easy.point_biserial is None  # no variance in the item
    assert easy.discrimination_band is None
    assert easy.difficulty_band == "too easy" and easy.flags == ("too easy",)


def test_omits_and_items_not_presented():
    rows = {"A": [1, 1, None], "B": [1, "-", 0], "C": [None, 0, 1], "D": [0, 1, "-"]}
    stats = _stats(rows)
    # I1: four candidates, one omit (scores 0): p = 2/4, omit rate 1/4.
    assert (stats["I1@v1"].n, stats["I1@v1"].omitted, stats["I1@v1"].p) == (4, 1, 0.5)
    assert stats["I1@v1"].omit_rate == 0.25
    # I2 was not presented to B and I3 not to D: they are left out of those items.
    assert (stats["I2@v1"].n, stats["I2@v1"].p) == (3, pytest.approx(2 / 3))
    assert (stats["I3@v1"].n, stats["I3@v1"].omitted, stats["I3@v1"].p) == (3, 1, pytest.approx(1 / 3))
    matrix = build_matrix(_responses(rows), ITEMS)
    assert matrix.totals == [2.0, 1.0, 1.0, 1.0]


def test_distractor_table():
    pilot = ItemInfo("Q@v1", "RA", scored=False, options=("a", "b", "c", "d"), key=("a",))
    items = [*ITEMS, pilot]
    # Upper group A A2 B, lower group D2 E E2 (see the D test). Nobody picks d;
    # b is picked by two of the upper group and none of the lower group.
    picks = {"A": "a", "B": "b", "C": "a", "D": "c", "E": "c", "A2": "b", "B2": "a", "C2": "a", "D2": "a", "E2": "c"}
    responses = _responses(_ten()) + [
        Response(cid, "Q@v1", 1.0 if pick == "a" else 0.0, (pick,), 30.0 + n)
        for n, (cid, pick) in enumerate(picks.items())
    ]
    stats = analyse_items(build_matrix(responses, items))[3]
    rows = {row.option: row for row in stats.distractors}
    assert [rows[o].count for o in "abcd"] == [5, 2, 3, 0]
    assert [rows[o].share for o in "abcd"] == [0.5, 0.2, 0.3, 0.0]
    assert rows["a"].is_key and not rows["b"].is_key
    assert (rows["b"].upper_share, rows["b"].lower_share) == (pytest.approx(2 / 3), 0.0)
    assert (rows["c"].upper_share, rows["c"].lower_share) == (0.0, pytest.approx(2 / 3))
    assert rows["b"].attracts_upper and not rows["c"].attracts_upper and not rows["a"].attracts_upper
    assert rows["d"].never_chosen and not rows["a"].never_chosen
    assert "option never chosen" in stats.flags and "distractor attracts high scorers" in stats.flags
    # Times 30..39 s: the median of ten is (34 + 35) / 2.
    assert stats.median_seconds == 34.5


def test_negative_discrimination_on_a_scored_item_means_check_the_key():
    # I3 keyed the wrong way round: the strong candidates get it wrong.
    rows = {"A": [1, 1, 0], "B": [1, 1, 0], "C": [1, 0, 1], "D": [0, 0, 1], "E": [0, 0, 1]}
    stats = _stats(rows)["I3@v1"]
    assert stats.point_biserial is not None and stats.point_biserial < 0
    assert stats.discrimination_band == "negative" and "check the key" in stats.flags


def test_single_candidate_and_zero_variance():
    one = _stats({"A": [1, 0, 1]})
    assert one["I1@v1"].n == 1 and one["I1@v1"].p == 1.0
    assert one["I1@v1"].point_biserial is None and one["I1@v1"].d is None
    flat = _stats({"A": [1, 0, 0], "B": [0, 1, 0], "C": [0, 0, 1]})  # every total is 1
    for item in flat.values():
        assert item.d is None and item.upper_p is None
    no_one = analyse_items(build_matrix([], ITEMS))[0]
    assert (no_one.n, no_one.p, no_one.omit_rate, no_one.median_seconds) == (0, None, None, None)
    assert no_one.flags == ("no responses",)


def test_thresholds_are_configurable():
    assert difficulty_band(0.85) == "too easy" and difficulty_band(0.15) == "too hard"
    assert difficulty_band(0.2) == difficulty_band(0.8) == "acceptable"
    assert difficulty_band(0.85, Thresholds(too_easy=0.9)) == "acceptable"
    assert [discrimination_band(v) for v in (0.45, 0.3, 0.25, 0.1, -0.05)] == [
        "excellent",
        "good",
        "revise",
        "poor",
        "negative",
    ]
    assert discrimination_band(0.1 + 0.2) == "good"  # 0.30000000000000004 and friends
    by_d = _stats(_ten(), limits=Thresholds(discrimination="upper_lower"))
    assert by_d["I2@v1"].discrimination_band == "excellent"  # D = 2/3 where the point-biserial is 0


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="unknown item"):
        build_matrix([Response("A", "X@v1", 1.0)], ITEMS)
    with pytest.raises(ValueError, match="outside"):
        build_matrix([Response("A", "I1@v1", 1.5)], ITEMS)
    with pytest.raises(ValueError, match="twice"):
        build_matrix([Response("A", "I1@v1", 1.0), Response("A", "I1@v1", 0.0)], ITEMS)
    with pytest.raises(ValueError, match="duplicate"):
        build_matrix([], [ITEMS[0], ITEMS[0]])


def test_correlation_is_none_when_undefined():
    assert correlation([1.0], [2.0]) is None
    assert correlation([1.0, 1.0], [1.0, 2.0]) is None
    assert correlation([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]) == pytest.approx(1.0)


# --- an independent, deliberately naive computation on pseudo-random data ---

OPTIONS = ("a", "b", "c", "d")


def _random_data(seed):
    rng = random.Random(seed)
    items = [
        ItemInfo(f"R{j}@v1", "RA" if j % 2 else "PA", scored=j < 10, options=OPTIONS if j % 3 == 0 else (), key=("a",))
        for j in range(12)
    ]
    responses = []
    for c in range(60):
        ability = rng.random()
        for info in items:
            roll = rng.random()
            if roll < 0.03:
                continue  # not presented
            if roll < 0.08:
                responses.append(Response(f"C{c}", info.item_key, None, None, None))
            elif info.options:
                right = rng.random() < 0.3 + 0.6 * ability
                pick = ("a",) if right else (rng.choice(OPTIONS[1:]),)
                responses.append(Response(f"C{c}", info.item_key, float(right), pick, rng.uniform(5, 60)))
            else:
                credit = min(1.0, max(0.0, round(ability + rng.uniform(-0.5, 0.5), 1)))
                responses.append(Response(f"C{c}", info.item_key, credit, None, None))
    rng.shuffle(responses)
    return responses, items


def _naive(responses, items):
    order = list(dict.fromkeys(r.candidate_id for r in responses))  # first appearance
    cell = {(r.candidate_id, r.item_key): r for r in responses}
    total = {
        c: sum((cell[c, i.item_key].credit or 0.0) for i in items if i.scored and (c, i.item_key) in cell)
        for c in order
    }
    size = math.floor(0.27 * len(order) + 0.5)
    ranked = sorted(order, key=lambda c: (-total[c], order.index(c)))
    upper, lower = set(ranked[:size]), set(ranked[-size:])
    result = {}
    for info in items:
        seen = [c for c in order if (c, info.item_key) in cell]
        xs = [cell[c, info.item_key].credit or 0.0 for c in seen]
        ys = [total[c] - (x if info.scored else 0.0) for c, x in zip(seen, xs, strict=True)]
        up = [x for c, x in zip(seen, xs, strict=True) if c in upper]
        low = [x for c, x in zip(seen, xs, strict=True) if c in lower]
        counts = {o: sum(1 for c in seen if o in (cell[c, info.item_key].choice or ())) for o in info.options}
        result[info.item_key] = {
            "p": sum(xs) / len(xs),
            "r": statistics.correlation(xs, ys),
            "d": sum(up) / len(up) - sum(low) / len(low),
            "omit": sum(1 for c in seen if cell[c, info.item_key].credit is None) / len(seen),
            "shares": {o: counts[o] / len(seen) for o in info.options},
        }
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_a_naive_reference(seed):
    responses, items = _random_data(seed)
    expected = _naive(responses, items)
    for stats in analyse_items(build_matrix(responses, items)):
        want = expected[stats.item_key]
        assert stats.p == pytest.approx(want["p"], abs=1e-9)
        assert stats.point_biserial == pytest.approx(want["r"], abs=1e-9)
        assert stats.d == pytest.approx(want["d"], abs=1e-9)
        assert stats.omit_rate == pytest.approx(want["omit"], abs=1e-12)
        assert {row.option: row.share for row in stats.distractors} == pytest.approx(want["shares"], abs=1e-12)
