"""Bad input to the IRT functions is a clear ValueError; awkward items are flagged, not fatal."""

from __future__ import annotations

import math

import numpy as np
import pytest

from certify.core import irt
from certify.core.irt import CalibrationSettings, ItemParameters, Priors

GOOD = ([0, 0, 1, 1], [0, 1, 0, 1], [1, 0, 0, 1], [1, 1])


@pytest.mark.parametrize(
    ("person", "item", "score", "max_score", "message"),
    [
        ([0, 1], [0, 1, 0], [1, 0], [1, 1], "same length"),
        ([], [], [], [1], "no responses"),
        ([0, -1], [0, 0], [1, 0], [1], "person_index must not be negative"),
        ([0, 1], [0, -2], [1, 0], [1], "item_index must not be negative"),
        ([0, 1], [0, 0], [1, -1], [1], "score must not be negative"),
        ([0, 1], [0, 1], [1, 2], [1, 1], "above item 1's maximum 1"),
        ([0, 1], [0, 2], [1, 0], [1, 1], "item_index 2 is out of range"),
        ([0, 0], [1, 1], [1, 0], [1, 1], "person 0 has more than one response to item 1"),
        ([0, 1], [0, 1], [0.5, 1], [1, 1], "whole numbers"),
        ([0, 1], [0, 1], [1, 0], [1, 0], "each at least 1"),
        ([0, 1], [0, 1], [1, 0], [], "each at least 1"),
        ([[0, 1]], [0, 1], [1, 0], [1, 1], "one-dimensional"),
    ],
)
def test_calibrate_rejects_bad_responses(person, item, score, max_score, message):
    with pytest.raises(ValueError, match=message):
        irt.calibrate(person, item, score, max_score)


def test_calibrate_rejects_unknown_models_and_settings():
    with pytest.raises(ValueError, match="model must be one of"):
        irt.calibrate(*GOOD, model="3pl")
    with pytest.raises(ValueError, match="n_persons"):
        irt.calibrate(*GOOD, n_persons=1)
    with pytest.raises(ValueError, match="quadrature_points"):
        CalibrationSettings(quadrature_points=3)
    with pytest.raises(ValueError, match="tolerance"):
        CalibrationSettings(tolerance=0)
    with pytest.raises(ValueError, match="log_slope_sd"):
        Priors(log_slope_sd=-1)


def test_scoring_rejects_bad_patterns():
    items = [ItemParameters(1.0, (0.0,)), ItemParameters(1.2, (-0.5, 0.5))]
    with pytest.raises(ValueError, match="2 items but 1 scores"):
        irt.eap(items, [1])
    with pytest.raises(ValueError, match="between 0 and its item's maximum"):
        irt.eap(items, [2, 1])
    with pytest.raises(ValueError, match="between 0 and its item's maximum"):
        irt.eap(items, [-1, 1])
    with pytest.raises(ValueError, match="positive SD"):
        irt.eap(items, [1, 1], prior_sd=0)
    with pytest.raises(ValueError, match="above item 1's maximum 2"):
        irt.eap_scores([0, 0], [0, 1], [1, 3], items)
    with pytest.raises(ValueError, match="at least one item"):
        irt.test_information([], 0.0)
    with pytest.raises(ValueError, match="percent"):
        irt.theta_for_percent_score(items, 100)
    with pytest.raises(ValueError, match="finite ability for each"):
        irt.item_fit([0, 1], [0, 1], [1, 1], items, theta=[0.0])


def test_awkward_items_are_flagged_and_kept_finite():
    rng = np.random.default_rng(3)
    persons, items = 400, 12
    theta = rng.normal(size=persons)
    b = np.linspace(-1.5, 1.5, items)
    scores = (rng.random((persons, items)) < 1 / (1 + np.exp(-(theta[:, None] - b)))).astype(int)
    scores[:, 0] = 1  # everyone right
    scores[:, 1] = 0  # everyone wrong
    scores[:, 2] = np.where(rng.random(persons) < 0.5, 0, 2)  # a 0..2 item whose middle score is never given
    person, item = (axis.ravel() for axis in np.indices(scores.shape))
    flat = scores.ravel()
    keep = (item != 3) | (person < 10)  # item 3: only 10 respondents
    keep &= item != 4  # item 4: never administered
    max_score = np.ones(items + 1, dtype=int)
    max_score[2] = 2  # and item 12 exists in the pool but nobody saw it
    result = irt.calibrate(person[keep], item[keep], flat[keep], max_score)

    assert result.converged
    for estimate in result.items:
        assert math.isfinite(estimate.a) and all(math.isfinite(step) for step in estimate.steps)
    flags = {estimate.item: " | ".join(estimate.flags) for estimate in result.flagged()}
    assert "every respondent scored the maximum" in flags[0] and result.items[0].b < -3
    assert "every respondent scored 0" in flags[1] and result.items[1].b > 3
    assert "score 1 never observed" in flags[2]
    assert "only 10 respondents" in flags[3] and result.items[3].n == 10
    assert "no responses" in flags[4] and "no responses" in flags[12]
    assert result.items[12].se_b == math.inf and result.items[12].n == 0
    assert set(flags) == {0, 1, 2, 3, 4, 12}
