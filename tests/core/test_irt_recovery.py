"""Recovery: plant a 336-item 2PL/GPCM pool, simulate 2,000 candidates on blueprint forms, calibrate.

Each candidate sees 64 items (8 from each of 8 blueprint cells), so each item has ~380 respondents.
Figures at seed 13 (this machine): a RMSE 0.13, r 0.92; b RMSE 0.17, r 0.987; steps RMSE 0.18,
r 0.985; SE-standardised errors have SD 0.91 (a) and 0.99 (b); EAP vs true theta r 0.97.
"""

from __future__ import annotations

import numpy as np
import pytest

from certify.core import irt
from tests.core.irt_simulation import draw_forms, plant_pool, simulate, summary

PERSONS = 2000


@pytest.fixture(scope="module")
def run():
    rng = np.random.default_rng(13)
    pool = plant_pool(rng)
    theta = rng.normal(0.0, 1.0, PERSONS)
    person, item, score = simulate(rng, pool, theta, draw_forms(rng, PERSONS))
    return pool, theta, (person, item, score), irt.calibrate(person, item, score, pool.max_score, model="2pl")


def test_calibration_converges_with_every_item_clean(run):
    pool, _, responses, result = run
    assert result.converged
    assert result.n_responses == PERSONS * 64 == responses[0].size
    assert result.flagged() == ()
    assert {item.model for item in result.items} == {"2pl", "gpcm"}
    assert [item.model for item in result.items] == ["2pl" if m == 1 else "gpcm" for m in pool.max_score]


def test_slopes_and_locations_are_recovered(run):
    pool, _, _, result = run
    a_rmse, a_r = summary(np.array([item.a for item in result.items]), pool.a)
    b_rmse, b_r = summary(np.array([item.b for item in result.items]), np.nanmean(pool.steps, axis=1))
    assert a_r > 0.85 and a_rmse < 0.2, (a_rmse, a_r)
    assert b_r > 0.97 and b_rmse < 0.25, (b_rmse, b_r)


def test_gpcm_step_thresholds_are_recovered(run):
    pool, _, _, result = run
    poly = [item for item in result.items if item.model == "gpcm"]
    estimated = np.concatenate([item.steps for item in poly])
    planted = np.concatenate([pool.steps[item.item, : len(item.steps)] for item in poly])
    rmse, r = summary(estimated, planted)
    assert r > 0.95 and rmse < 0.35, (rmse, r)


def test_standard_errors_match_the_actual_estimation_errors(run):
    pool, _, _, result = run
    a_z = (np.array([item.a for item in result.items]) - pool.a) / np.array([item.se_a for item in result.items])
    b_true = np.nanmean(pool.steps, axis=1)
    b_z = (np.array([item.b for item in result.items]) - b_true) / np.array([item.se_b for item in result.items])
    # The SD of the standardised errors is ~1 when SEs are right (the prior on ln a shrinks a little).
    assert 0.75 < np.std(a_z) < 1.25, np.std(a_z)
    assert 0.8 < np.std(b_z) < 1.25, np.std(b_z)


def test_eap_abilities_recover_the_candidates(run):
    _, theta, responses, result = run
    estimate, posterior_sd = irt.eap_scores(*responses, result.parameters())
    rmse, r = summary(estimate, theta)
    assert r > 0.92, r
    # the posterior SDs describe the actual error (within 15%)
    assert rmse == pytest.approx(float(np.sqrt(np.mean(posterior_sd**2))), rel=0.15)
    form = [result.items[j].parameters for j in responses[1][:64]]
    csem = irt.conditional_sem(form, [0.0])[0]
    assert csem == pytest.approx(irt.eap([*form], responses[2][:64].tolist()).sd, rel=0.5)
