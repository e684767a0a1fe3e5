"""Recovery under the Rasch family (Rasch for 0/1 items, PCM for the rest), ability SD estimated.

Figures at seed 31: b RMSE 0.12, r 0.992; PCM steps RMSE 0.18, r 0.99; the planted ability SD 1.3
comes back as 1.34 (SE 0.023); EAP vs true theta r 0.98.
"""

from __future__ import annotations

import numpy as np
import pytest

from certify.core import irt
from tests.core.irt_simulation import draw_forms, plant_pool, simulate, summary

PERSONS = 2000
ABILITY_SD = 1.3


@pytest.fixture(scope="module")
def run():
    rng = np.random.default_rng(31)
    pool = plant_pool(rng, rasch=True)
    theta = rng.normal(0.0, ABILITY_SD, PERSONS)
    person, item, score = simulate(rng, pool, theta, draw_forms(rng, PERSONS))
    return pool, theta, (person, item, score), irt.calibrate(person, item, score, pool.max_score, model="rasch")


def test_rasch_calibration_fixes_slopes_and_estimates_the_ability_sd(run):
    _, _, _, result = run
    assert result.converged
    assert {item.a for item in result.items} == {1.0}
    assert {item.se_a for item in result.items} == {None}
    assert {item.model for item in result.items} == {"rasch", "pcm"}
    assert result.ability_sd == pytest.approx(ABILITY_SD, abs=0.1)
    assert result.se_ability_sd is not None and 0.005 < result.se_ability_sd < 0.1


def test_rasch_and_pcm_thresholds_are_recovered(run):
    pool, _, _, result = run
    b_rmse, b_r = summary(np.array([item.b for item in result.items]), np.nanmean(pool.steps, axis=1))
    assert b_r > 0.98 and b_rmse < 0.2, (b_rmse, b_r)
    steps = np.concatenate([item.steps for item in result.items])
    planted = pool.steps[~np.isnan(pool.steps)]
    s_rmse, s_r = summary(steps, planted)
    assert s_r > 0.97 and s_rmse < 0.25, (s_rmse, s_r)
    z = (steps - planted) / np.concatenate([item.se_steps for item in result.items])
    assert 0.8 < np.std(z) < 1.25, np.std(z)


def test_rasch_abilities_use_the_estimated_spread(run):
    _, theta, responses, result = run
    estimate, _ = irt.eap_scores(*responses, result.parameters(), prior_sd=result.ability_sd)
    rmse, r = summary(estimate, theta)
    assert r > 0.93 and rmse < 0.5, (rmse, r)
