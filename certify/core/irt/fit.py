"""Item fit: infit and outfit mean squares from residuals at each person's ability.

For a response x of person p to item j, with E and W the model's expected score and score variance
at the person's ability, the squared standardised residual is (x - E)^2 / W. Outfit is its mean over
the item's respondents (sensitive to surprising responses far from the item's location); infit is
the information-weighted version, sum (x - E)^2 / sum W. Both are about 1 when the model fits;
above ~1.3 the item is noisier than the model expects (e.g. guessing, a miskey), below ~0.7 it is
more predictable (often: dependence on another item).

Abilities default to EAP estimates from the same responses. Each person's own responses pull the
estimate towards them, absorbing part of every residual, so with EAP abilities the mean squares run
a little below 1 for well-fitting items (about 0.95 infit and 0.9 outfit with 30 items per person;
closer to 1 on longer forms): read them against that. For the standard Rasch formulation pass the
persons' ML/WLE abilities as ``theta``. S-X2 is not provided: with a different form for each
candidate its summed-score groups are ill-defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from certify.core.irt.model import ItemParameters, category_moments, pack
from certify.core.irt.responses import validate_responses
from certify.core.irt.scoring import eap_scores


@dataclass(frozen=True)
class ItemFit:
    """Infit and outfit mean squares of one item (None when it has no respondents)."""

    item: int
    n: int
    infit: float | None
    outfit: float | None


def item_fit(
    person_index: ArrayLike,
    item_index: ArrayLike,
    score: ArrayLike,
    items: Sequence[ItemParameters],
    *,
    theta: ArrayLike | None = None,
    n_persons: int | None = None,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> tuple[ItemFit, ...]:
    """Infit and outfit for every item of ``items`` from sparse responses (item_index indexes ``items``).

    ``theta`` gives each person's ability (indexed by person); when omitted, EAP abilities under
    the N(prior_mean, prior_sd^2) prior are used.
    """
    packed = pack(items)
    data = validate_responses(person_index, item_index, score, packed.max_score, n_persons)
    if theta is None:
        persons = data.n_persons
        abilities, _ = eap_scores(
            data.person, data.item, data.score, items, n_persons=persons, prior_mean=prior_mean, prior_sd=prior_sd
        )
    else:
        abilities = np.asarray(theta, dtype=np.float64)
        if abilities.ndim != 1 or abilities.size < data.n_persons or not np.all(np.isfinite(abilities)):
            raise ValueError(f"theta must hold a finite ability for each of the {data.n_persons} persons")
    # Moments at each response's own ability: evaluate every item on the distinct abilities, then pick.
    levels, person_level = np.unique(abilities[data.person], return_inverse=True)
    _, mean, variance = category_moments(packed, levels)
    expected = mean[data.item, person_level]
    spread = np.maximum(variance[data.item, person_level], 1e-12)
    squared = (data.score - expected) ** 2
    n = np.bincount(data.item, minlength=data.n_items)
    outfit_sum = np.bincount(data.item, weights=squared / spread, minlength=data.n_items)
    residual_sum = np.bincount(data.item, weights=squared, minlength=data.n_items)
    variance_sum = np.bincount(data.item, weights=spread, minlength=data.n_items)
    return tuple(
        ItemFit(
            item=j,
            n=int(n[j]),
            infit=float(residual_sum[j] / variance_sum[j]) if n[j] else None,
            outfit=float(outfit_sum[j] / n[j]) if n[j] else None,
        )
        for j in range(data.n_items)
    )
