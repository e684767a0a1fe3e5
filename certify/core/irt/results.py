"""What a calibration returns: per-item estimates with standard errors and flags, and the run's summary."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from certify.core.irt.model import FloatArray, IntArray, ItemParameters
from certify.core.irt.mstep import Priors

MODELS = ("rasch", "2pl")
# Slopes below this discriminate so little that the item is worth a look whatever the fit.
LOW_SLOPE = 0.2


@dataclass(frozen=True)
class CalibrationSettings:
    """Knobs of the EM run. Defaults suit a few thousand persons on a pool of a few hundred items."""

    quadrature_points: int = 41
    quadrature_bound: float = 6.0
    tolerance: float = 1e-4
    max_iterations: int = 500
    newton_steps: int = 3
    min_respondents: int = 50
    priors: Priors = field(default_factory=Priors)

    def __post_init__(self) -> None:
        if not 11 <= self.quadrature_points <= 201:
            raise ValueError(f"quadrature_points must be between 11 and 201, got {self.quadrature_points}")
        if not (math.isfinite(self.quadrature_bound) and 2.0 <= self.quadrature_bound <= 10.0):
            raise ValueError(f"quadrature_bound must be between 2 and 10, got {self.quadrature_bound}")
        if not (math.isfinite(self.tolerance) and self.tolerance > 0):
            raise ValueError(f"tolerance must be positive, got {self.tolerance}")
        if self.max_iterations < 1 or self.newton_steps < 1:
            raise ValueError("max_iterations and newton_steps must be at least 1")
        if self.min_respondents < 0:
            raise ValueError("min_respondents must not be negative")


@dataclass(frozen=True)
class ItemEstimate:
    """One item's estimates on the calibration's scale.

    ``model`` is "rasch" or "2pl" for 0/1 items and "pcm" or "gpcm" for items scored 0..m (m > 1).
    ``b`` is the location (mean of ``steps``; the difficulty of a 0/1 item) and ``steps`` the step
    thresholds b_1..b_m. ``se_a`` is None in the Rasch family, whose slopes are fixed at 1. ``n``
    counts respondents; ``flags`` say in words why an estimate deserves caution (empty if none).
    """

    item: int
    model: str
    a: float
    b: float
    steps: tuple[float, ...]
    se_a: float | None
    se_b: float
    se_steps: tuple[float, ...]
    n: int
    flags: tuple[str, ...]

    @property
    def parameters(self) -> ItemParameters:
        """The estimates as :class:`ItemParameters`, ready for scoring and information."""
        return ItemParameters(a=self.a, steps=self.steps)


@dataclass(frozen=True)
class Calibration:
    """A calibrated pool: ``items[j]`` is item j. Abilities are N(ability_mean, ability_sd^2) on this scale.

    For "2pl" the ability distribution fixes the scale (mean 0, SD 1). For "rasch" every slope is 1 and
    the ability SD is estimated instead (``se_ability_sd`` is its standard error). ``log_likelihood`` is
    the marginal log-likelihood of the responses at the estimates (without the priors' penalties).
    """

    model: str
    items: tuple[ItemEstimate, ...]
    ability_mean: float
    ability_sd: float
    se_ability_sd: float | None
    log_likelihood: float
    iterations: int
    converged: bool
    n_persons: int
    n_responses: int

    def parameters(self) -> tuple[ItemParameters, ...]:
        """All items' parameters, in item order."""
        return tuple(item.parameters for item in self.items)

    def flagged(self) -> tuple[ItemEstimate, ...]:
        """Items with at least one flag."""
        return tuple(item for item in self.items if item.flags)


def item_flags(
    n: int, counts: IntArray, max_score: int, a: float, free_slope: bool, min_respondents: int
) -> tuple[str, ...]:
    """Plain-language cautions for one item from its respondents and score counts."""
    if n == 0:
        return ("no responses: the parameters are the priors' values, not estimates",)
    flags = []
    if n < min_respondents:
        flags.append(f"only {n} respondents (fewer than {min_respondents})")
    if counts[0] == n:
        flags.append("every respondent scored 0: the difficulty is held by the prior")
    elif counts[max_score] == n:
        flags.append("every respondent scored the maximum: the difficulty is held by the prior")
    else:
        flags.extend(
            f"score {k} never observed: its step threshold is held by the prior"
            for k in range(1, max_score)
            if counts[k] == 0
        )
    if free_slope and a < LOW_SLOPE:
        flags.append(f"slope {a:.2f} is below {LOW_SLOPE}: the item barely discriminates")
    return tuple(flags)


def model_name(family: str, max_score: int) -> str:
    """The item's model within the calibration's family."""
    if max_score == 1:
        return family
    return "pcm" if family == "rasch" else "gpcm"


def as_tuple(values: FloatArray) -> tuple[float, ...]:
    """A float tuple from a 1-D array."""
    return tuple(float(v) for v in values.tolist())
