"""Stratified random draw of an Angoff study's items: largest-remainder allocation, seeded, pool order kept."""

from __future__ import annotations

import math

import pytest

from certify.core.angoff_sampling import SamplingError, allocate, stratified_sample

SHARES = {"RA": 6, "PA": 3, "SS": 3}
POOL = [(n, "RA") for n in range(1, 13)] + [(n, "PA") for n in range(13, 23)] + [(n, "SS") for n in range(23, 31)]


@pytest.mark.parametrize("size", range(0, 25))
def test_allocation_is_the_largest_remainder_rounding_of_the_shares(size):
    got = allocate(SHARES, size)
    quota = {c: size * n / 12 for c, n in SHARES.items()}
    assert sum(got.values()) == size
    assert all(math.floor(quota[c]) <= got[c] <= math.ceil(quota[c]) for c in SHARES)


def test_ties_go_to_the_competency_listed_first():
    assert allocate(SHARES, 10) == {"RA": 5, "PA": 3, "SS": 2}
    assert allocate({"SS": 3, "PA": 3, "RA": 6}, 10) == {"SS": 3, "PA": 2, "RA": 5}


def test_the_draw_is_seeded_stratified_and_in_pool_order():
    drawn = stratified_sample(POOL, SHARES, 12, seed="angoff-study-1")
    assert drawn == stratified_sample(POOL, SHARES, 12, seed="angoff-study-1")
    assert drawn != stratified_sample(POOL, SHARES, 12, seed="angoff-study-2")
    assert drawn == sorted(drawn) and len(set(drawn)) == 12
    codes = dict(POOL)
    assert [sum(codes[i] == c for i in drawn) for c in SHARES] == [6, 3, 3]


def test_a_short_pool_and_an_empty_blueprint_are_refused():
    with pytest.raises(SamplingError, match="RA needs 15, the pool has 12"):
        stratified_sample(POOL, SHARES, 30, seed="s")
    with pytest.raises(SamplingError, match="no items"):
        allocate({"RA": 0}, 4)
