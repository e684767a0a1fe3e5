"""Small samples: below a minimum n the reliability figures and item flags are not yet interpretable."""

from __future__ import annotations

import random

from certify.core.item_analysis import ItemInfo, Response, Thresholds, analyse_items, build_matrix
from certify.core.sample_size import MIN_ATTEMPTS, MIN_ITEM_N, SampleSize, sample_note
from certify.core.test_analysis import analyse, analyse_test

ITEMS = [ItemInfo(f"I{k}@v1", "RA") for k in range(1, 5)]


def _responses(candidates: int, seed: int = 7) -> list[Response]:
    rng = random.Random(seed)
    return [
        Response(f"c{i}", info.item_key, float(rng.random() < 0.3 + 0.1 * k))
        for i in range(candidates)
        for k, info in enumerate(ITEMS)
    ]


def test_the_note_says_how_many_attempts_there_are_and_how_many_are_needed():
    assert sample_note(2, 30) == "not yet interpretable: 2 attempts, at least 30 needed"
    assert sample_note(1, 30) == "not yet interpretable: 1 attempt, at least 30 needed"
    assert sample_note(30, 30) == "" and SampleSize(30, 30).interpretable
    assert not SampleSize(29, 30).interpretable


def test_two_attempts_keep_their_reliability_figures_but_are_not_interpretable():
    # Two attempts whose item scores cross: alpha comes out strongly negative, as in the field trial.
    rows = {"a": [1, 0, 1, 0], "b": [0, 1, 0, 0]}
    responses = [
        Response(c, info.item_key, float(x)) for c, row in rows.items() for info, x in zip(ITEMS, row, strict=True)
    ]
    stats = analyse_test(build_matrix(responses, ITEMS), cut_percent=50)
    assert stats.n == 2 and stats.min_n == MIN_ATTEMPTS == 30
    assert not stats.interpretable
    assert stats.reliability is not None and stats.reliability < 0  # the figure stays available
    assert stats.sem is not None and stats.decision_consistency is not None


def test_enough_attempts_are_interpretable():
    stats = analyse_test(build_matrix(_responses(MIN_ATTEMPTS), ITEMS), cut_percent=50)
    assert stats.n == 30 and stats.interpretable


def test_the_minimum_for_reliability_can_be_changed():
    matrix = build_matrix(_responses(2), ITEMS)
    assert analyse_test(matrix, min_n=2).interpretable
    assert not analyse_test(build_matrix(_responses(9), ITEMS), min_n=10).interpretable


def test_items_seen_by_too_few_attempts_are_not_interpretable_but_keep_their_flags():
    items = analyse_items(build_matrix(_responses(2), ITEMS))
    assert all(i.n == 2 and i.min_n == MIN_ITEM_N and not i.interpretable for i in items)
    assert any(i.flags for i in items)  # computed as before; the reports decide not to show them yet
    enough = analyse_items(build_matrix(_responses(2), ITEMS), Thresholds(min_item_n=2))
    assert all(i.interpretable and i.min_n == 2 for i in enough)


def test_analyse_applies_both_minimums_from_the_thresholds():
    items, test = analyse(_responses(12), ITEMS, limits=Thresholds(min_attempts=12, min_item_n=13))
    assert test.interpretable and test.min_n == 12
    assert all(not i.interpretable and i.min_n == 13 for i in items)
