"""Performance targets of issue 13: a 2PL calibration of 128,000 sparse responses in <= 15 s, EAP in <= 5 ms."""

from __future__ import annotations

import time

import numpy as np
import pytest

from certify.core import irt
from tests.core.irt_simulation import draw_forms, plant_pool, simulate

pytestmark = pytest.mark.slow


def test_2pl_calibration_of_2000_candidates_on_a_336_item_pool_takes_at_most_15_seconds():
    rng = np.random.default_rng(99)
    pool = plant_pool(rng, polytomous=0)
    person, item, score = simulate(rng, pool, rng.normal(size=2000), draw_forms(rng, 2000))
    assert person.size == 128_000
    started = time.perf_counter()
    result = irt.calibrate(person, item, score, pool.max_score, model="2pl")
    elapsed = time.perf_counter() - started
    assert result.converged
    assert elapsed <= 15.0, f"calibration took {elapsed:.1f} s ({result.iterations} EM cycles)"


def test_eap_for_one_64_item_attempt_takes_at_most_5_ms():
    rng = np.random.default_rng(7)
    items = [irt.ItemParameters(a=float(rng.uniform(0.6, 2)), steps=(float(rng.normal()),)) for _ in range(56)]
    items += [irt.ItemParameters(a=float(rng.uniform(0.6, 2)), steps=(-0.5, 0.2, 0.8)) for _ in range(8)]
    scores = [int(rng.integers(0, item.max_score + 1)) for item in items]
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        irt.eap(items, scores)
        timings.append(time.perf_counter() - started)
    assert float(np.median(timings)) <= 0.005, f"median EAP {1000 * np.median(timings):.2f} ms"
