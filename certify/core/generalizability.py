"""How precise an Angoff cut is once raters AND items are seen as samples: a raters x items G study.

Design: every rater (panellist) rates every item once (fully crossed r x i, one observation per cell),
ratings in [0, 1]. Two-way ANOVA without replication, with R raters and I items:
    SS_r = I sum_r (mean_r - mean)^2,  SS_i = R sum_i (mean_i - mean)^2,  SS_ri = SS_total - SS_r - SS_i
    MS_r = SS_r / (R - 1),  MS_i = SS_i / (I - 1),  MS_ri = SS_ri / ((R - 1)(I - 1))
and from the expected mean squares (Cronbach et al. 1972; Brennan 2001):
    sigma2_ri,e = MS_ri,   sigma2_r = (MS_r - MS_ri) / I,   sigma2_i = (MS_i - MS_ri) / R.
A negative estimate is set to 0 (Brennan's convention); the raw ones are kept alongside.

The cut is the mean rating over raters and items (times the number of items: raw points; times 100:
percent). Its standard error when generalising over both raters and items (random r and i):
    SE = sqrt(sigma2_r / R + sigma2_i / I + sigma2_ri,e / (R I))
and over raters only, the items of this test being fixed (what standard_setting.angoff_round reports as
SD of the panellists' sums / sqrt(panel), in the mean-rating metric):
    SE_raters = sqrt(sigma2_r / R + sigma2_ri,e / (R I)).
The D study puts other panel and test sizes R', I' into the same formulas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class VarianceComponents:
    """Variance components of a crossed raters x items design (rating metric, i.e. proportions)."""

    n_raters: int
    n_items: int
    raters: float  # sigma2_r, negative estimate set to 0
    items: float  # sigma2_i, negative estimate set to 0
    residual: float  # sigma2_ri,e
    raters_estimate: float  # sigma2_r before setting a negative value to 0
    items_estimate: float
    mean_squares: tuple[float, float, float]  # (MS_r, MS_i, MS_ri)
    grand_mean: float


@dataclass(frozen=True)
class CutPrecision:
    """Standard errors of the cut for R raters and I items, in three metrics."""

    n_raters: int
    n_items: int
    cut_mean: float  # mean rating; for a D study the observed mean, carried over
    se_mean: float  # over raters and items
    se_raters_only_mean: float  # over raters, items fixed

    @property
    def cut(self) -> float:
        """Raw points (every item worth 1)."""
        return self.cut_mean * self.n_items

    @property
    def se(self) -> float:
        return self.se_mean * self.n_items

    @property
    def se_raters_only(self) -> float:
        return self.se_raters_only_mean * self.n_items

    @property
    def cut_percent(self) -> float:
        return 100.0 * self.cut_mean

    @property
    def se_percent(self) -> float:
        return 100.0 * self.se_mean

    @property
    def se_raters_only_percent(self) -> float:
        return 100.0 * self.se_raters_only_mean


def ratings_matrix(ratings: Mapping[str, Mapping[str, float]], items: Sequence[str]) -> npt.NDArray[np.float64]:
    """Panellist -> item -> rating (standard_setting's shape) as a raters x items array in `items` order."""
    for panellist, given in ratings.items():
        if set(given) != set(items):
            raise ValueError(f"{panellist} must rate exactly the items of the test")
    return np.array([[given[item] for item in items] for given in ratings.values()], dtype=np.float64)


def _check(ratings: npt.ArrayLike) -> npt.NDArray[np.float64]:
    x = np.asarray(ratings, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise ValueError("a G study needs a raters x items array with at least 2 raters and 2 items")
    if not np.all(np.isfinite(x)):
        raise ValueError("every rater must rate every item once (no missing or non-finite ratings)")
    return x


def variance_components(ratings: npt.ArrayLike) -> VarianceComponents:
    """ANOVA estimates of sigma2_r, sigma2_i and sigma2_ri,e from a raters x items array."""
    x = _check(ratings)
    n_r, n_i = x.shape
    grand = float(x.mean())
    rater_means, item_means = x.mean(axis=1), x.mean(axis=0)
    ss_r = n_i * float(np.sum((rater_means - grand) ** 2))
    ss_i = n_r * float(np.sum((item_means - grand) ** 2))
    residual = x - rater_means[:, None] - item_means[None, :] + grand
    ss_ri = float(np.sum(residual**2))
    ms_r, ms_i, ms_ri = ss_r / (n_r - 1), ss_i / (n_i - 1), ss_ri / ((n_r - 1) * (n_i - 1))
    raters, items = (ms_r - ms_ri) / n_i, (ms_i - ms_ri) / n_r
    return VarianceComponents(
        n_raters=n_r,
        n_items=n_i,
        raters=max(0.0, raters),
        items=max(0.0, items),
        residual=ms_ri,
        raters_estimate=raters,
        items_estimate=items,
        mean_squares=(ms_r, ms_i, ms_ri),
        grand_mean=grand,
    )


def d_study(components: VarianceComponents, n_raters: int, n_items: int) -> CutPrecision:
    """Standard errors of the cut projected to a panel of n_raters and a test of n_items."""
    if n_raters < 1 or n_items < 1:
        raise ValueError("a D study needs at least 1 rater and 1 item")
    c = components
    both = c.raters / n_raters + c.items / n_items + c.residual / (n_raters * n_items)
    raters_only = c.raters / n_raters + c.residual / (n_raters * n_items)
    return CutPrecision(n_raters, n_items, c.grand_mean, math.sqrt(both), math.sqrt(raters_only))


def cut_precision(ratings: npt.ArrayLike) -> tuple[VarianceComponents, CutPrecision]:
    """The G study of Angoff ratings (raters x items, each in [0, 1]) and the cut's SE at the observed sizes."""
    x = _check(ratings)
    if np.any((x < 0.0) | (x > 1.0)):
        raise ValueError("Angoff ratings must lie in [0, 1]")
    components = variance_components(x)
    return components, d_study(components, *x.shape)
