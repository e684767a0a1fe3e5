"""Item response theory for Certify's pools: models, calibration, person scoring, item fit.

Models: Rasch/2PL for 0/1 items, PCM/GPCM for items scored 0..m (see ``model``). Calibration by
marginal maximum likelihood from sparse responses (``calibration``); EAP scoring, the test
characteristic curve and its inverse for carrying cut scores between forms (``scoring``); infit and
outfit (``fit``); the adopted standard as an ability, each form's cut and the reporting scale
(``equating``). Everything takes plain Python or numpy data.
"""

from __future__ import annotations

from certify.core.irt.calibration import calibrate
from certify.core.irt.equating import (
    MID_SCALE,
    EquatedTotal,
    EquatingError,
    ReportingScale,
    WeightedItems,
    blueprint_reference,
    equate_total,
    theta_cut,
)
from certify.core.irt.fit import ItemFit, item_fit
from certify.core.irt.model import (
    ItemParameters,
    category_probabilities,
    conditional_sem,
    expected_score,
    item_information,
    test_information,
)
from certify.core.irt.mstep import Priors
from certify.core.irt.results import Calibration, CalibrationSettings, ItemEstimate
from certify.core.irt.scoring import (
    AbilityEstimate,
    eap,
    eap_scores,
    equivalent_raw_score,
    theta_for_percent_score,
    theta_for_raw_score,
)

__all__ = [
    "MID_SCALE",
    "AbilityEstimate",
    "Calibration",
    "CalibrationSettings",
    "EquatedTotal",
    "EquatingError",
    "ItemEstimate",
    "ItemFit",
    "ItemParameters",
    "Priors",
    "ReportingScale",
    "WeightedItems",
    "blueprint_reference",
    "calibrate",
    "category_probabilities",
    "conditional_sem",
    "eap",
    "eap_scores",
    "equate_total",
    "equivalent_raw_score",
    "expected_score",
    "item_fit",
    "item_information",
    "test_information",
    "theta_cut",
    "theta_for_percent_score",
    "theta_for_raw_score",
]
