"""Confidence intervals for the item statistics, so a flag can rest on the interval and not the point alone.

* Wilson (1927) score interval for a proportion p from n observations: the p' with
  |p - p'| <= z sqrt(p'(1 - p') / n), i.e.
      centre = (p + z^2 / 2n) / (1 + z^2 / n),   half-width = z / (1 + z^2 / n) * sqrt(p(1 - p)/n + z^2 / 4n^2).
  It stays inside [0, 1] and behaves at p = 0 or 1. An item's difficulty with partial credit is a mean
  credit, not a count; the same formula is then an approximation.
* Fisher (1915) z interval for a correlation r from n pairs: z = atanh(r), se = 1 / sqrt(n - 3),
  bounds tanh(z -+ z_crit se). For a point-biserial (one variable 0/1) it is the usual approximation.
* Newcombe (1998, method 10) hybrid score interval for a difference of independent proportions
  p1 - p2, from the two Wilson intervals (l1, u1), (l2, u2):
      [d - sqrt((p1 - l1)^2 + (u2 - p2)^2),  d + sqrt((u1 - p1)^2 + (p2 - l2)^2)],   d = p1 - p2.
  Used for the upper-lower index D and the distractor check.
z_crit is the two-sided normal quantile for the confidence level (1.96 at 0.95).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval and the n it rests on."""

    estimate: float
    low: float
    high: float
    n: int
    confidence: float

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)


def critical_value(confidence: float) -> float:
    """Two-sided standard normal quantile: 1.959964 for 0.95."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, not {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _check_n(n: int, least: int, what: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < least:
        raise ValueError(f"{what} needs a whole number n >= {least}, not {n!r}")


def wilson_interval(p: float, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a proportion (or mean credit) p observed on n candidates."""
    _check_n(n, 1, "a Wilson interval")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"a proportion must lie in [0, 1], not {p!r}")
    z = critical_value(confidence)
    z2n = z * z / n
    centre = (p + z2n / 2.0) / (1.0 + z2n)
    half = z / (1.0 + z2n) * math.sqrt(p * (1.0 - p) / n + z2n / (4.0 * n))
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half), n, confidence)


def fisher_interval(r: float, n: int, confidence: float = 0.95) -> Interval:
    """Fisher z interval for a correlation r from n pairs (n >= 4); r = +-1 gives the point itself."""
    _check_n(n, 4, "a Fisher z interval")
    if not -1.0 <= r <= 1.0:
        raise ValueError(f"a correlation must lie in [-1, 1], not {r!r}")
    if abs(r) == 1.0:
        return Interval(r, r, r, n, confidence)
    z = math.atanh(r)
    spread = critical_value(confidence) / math.sqrt(n - 3)
    return Interval(r, math.tanh(z - spread), math.tanh(z + spread), n, confidence)


def newcombe_difference(p1: float, n1: int, p2: float, n2: int, confidence: float = 0.95) -> Interval:
    """Newcombe's hybrid score interval for p1 - p2 (independent samples of n1 and n2); n = n1 + n2."""
    first, second = wilson_interval(p1, n1, confidence), wilson_interval(p2, n2, confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2)
    high = d + math.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high), n1 + n2, confidence)
