"""Test-level statistics over the scored items: spread, reliability, SEM, pass rate, decision consistency.

Conventions (chosen so the figures can be checked by hand):
* Variances and the SD are *population* ones (divide by N). KR-20 is defined with item variances p*q,
  which are population variances, so the total variance has to be taken the same way.
* Reliability is coefficient alpha,  alpha = k/(k-1) * (1 - sum of item variances / variance of totals)
  (Cronbach 1951). When every scored credit is 0 or 1 an item's variance is p*q and the same number is
  KR-20 (Kuder & Richardson 1937); `reliability_method` then says "KR-20", otherwise "alpha".
* SEM = SD * sqrt(1 - reliability).
* A cell with no response (a candidate not presented a scored item) counts as 0 credit here; `missing`
  says how many such cells there were, since the statistics assume one fixed form.
* Pass means total >= cut (with 1e-9 of slack for cuts computed from a percentage).
* Decision consistency: Subkoviak's (1976) single-administration estimate with a binomial error model.
  Each candidate's true proportion correct is estimated by Kelley's regression towards the group mean,
      tau = r * x/n + (1 - r) * mean/n      (r = the reliability above, clamped to [0, 1]; tau clamped too)
  and the chance of passing a randomly parallel form of n items is the binomial tail
      P = sum over s = c..n of C(n, s) tau^s (1 - tau)^(n - s),      c = ceil(cut).
  Two independent parallel forms agree with probability P^2 + (1 - P)^2; p0 is its mean over candidates.
  Chance agreement pc = Pbar^2 + (1 - Pbar)^2 (Pbar = mean P) and kappa = (p0 - pc) / (1 - pc).
  With partial credit the binomial model is an approximation (the total is treated as a number correct).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import mul

from certify.core.item_analysis import (
    ItemInfo,
    ItemStats,
    Response,
    ScoreMatrix,
    Thresholds,
    analyse_items,
    build_matrix,
)
from certify.core.sample_size import MIN_ATTEMPTS

RELIABILITY_TARGET = 0.80  # what a certification test should reach
PASS_SLACK = 1e-9


@dataclass(frozen=True)
class TestStats:
    """Statistics of the scored test; None wherever a statistic is undefined."""

    __test__ = False  # not a pytest test class, despite the name

    n: int  # candidates
    items: int  # scored items
    max_score: float
    mean: float | None
    sd: float | None  # population SD of the totals
    reliability: float | None
    reliability_method: str  # "KR-20" (all credit 0/1) or "alpha"
    sem: float | None
    meets_target: bool | None
    cut_score: float | None  # raw
    cut_percent: float | None
    pass_rate: float | None
    decision_consistency: float | None  # Subkoviak p0
    decision_kappa: float | None
    missing: int  # scored cells without a response, counted as 0
    competency_reliability: dict[str, float | None] = field(default_factory=dict)
    min_n: int = MIN_ATTEMPTS  # attempts needed before reliability, SEM and decision consistency are read

    @property
    def interpretable(self) -> bool:
        """Enough attempts for reliability, SEM and decision consistency to be judged against a target."""
        return self.n >= self.min_n


def population_variance(values: Sequence[float]) -> float | None:
    """Mean squared deviation from the mean (divide by N); None when there are no values."""
    n = len(values)
    if n == 0:
        return None
    if min(values) == max(values):
        return 0.0
    mean = sum(values) / n
    deviations = [v - mean for v in values]
    return math.fsum(map(mul, deviations, deviations)) / n


def cronbach_alpha(columns: Sequence[Sequence[float]]) -> float | None:
    """Coefficient alpha from complete item columns (one list per item, one entry per candidate).

    None with fewer than two items or candidates, or when the totals do not vary.
    """
    if len(columns) < 2 or len(columns[0]) < 2:
        return None
    totals = [math.fsum(row) for row in zip(*columns, strict=True)]
    total_variance = population_variance(totals)
    if not total_variance:
        return None
    item_variance = math.fsum(population_variance(column) or 0.0 for column in columns)
    k = len(columns)
    return k / (k - 1) * (1.0 - item_variance / total_variance)


def standard_error_of_measurement(sd: float | None, reliability: float | None) -> float | None:
    if sd is None or reliability is None:
        return None
    return sd * math.sqrt(max(0.0, 1.0 - reliability))


def pass_rate(totals: Sequence[float], cut: float) -> float | None:
    """Share of totals at or above the cut."""
    if not totals:
        return None
    return sum(1 for total in totals if total >= cut - PASS_SLACK) / len(totals)


def subkoviak(
    totals: Sequence[float], items: int, reliability: float | None, cut: float
) -> tuple[float | None, float | None]:
    """(p0, kappa) of pass/fail decisions on two parallel forms, estimated from one administration."""
    if not totals or items < 1 or reliability is None:
        return None, None
    r = min(1.0, max(0.0, reliability))
    mean = math.fsum(totals) / len(totals)
    needed = math.ceil(round(cut, 9))
    log_comb = [math.lgamma(items + 1) - math.lgamma(s + 1) - math.lgamma(items - s + 1) for s in range(items + 1)]
    known: dict[float, float] = {}
    chances = []
    for total in totals:
        chance = known.get(total)
        if chance is None:
            tau = min(1.0, max(0.0, r * total / items + (1.0 - r) * mean / items))
            chance = known[total] = _binomial_at_least(needed, items, tau, log_comb)
        chances.append(chance)
    p0 = math.fsum(c * c + (1.0 - c) * (1.0 - c) for c in chances) / len(chances)
    p_bar = math.fsum(chances) / len(chances)
    by_chance = p_bar * p_bar + (1.0 - p_bar) * (1.0 - p_bar)
    kappa = (p0 - by_chance) / (1.0 - by_chance) if 1.0 - by_chance > 1e-12 else None
    return p0, kappa


def _binomial_at_least(needed: int, items: int, tau: float, log_comb: Sequence[float]) -> float:
    """P(X >= needed) for X ~ Binomial(items, tau), summed in log space (no overflow for long tests)."""
    if needed <= 0 or tau >= 1.0:
        return 1.0
    if needed > items or tau <= 0.0:
        return 0.0
    log_t, log_f = math.log(tau), math.log1p(-tau)
    terms = (math.exp(log_comb[s] + s * log_t + (items - s) * log_f) for s in range(needed, items + 1))
    return min(1.0, math.fsum(terms))


def _dense_columns(matrix: ScoreMatrix, indices: Sequence[int]) -> list[list[float]]:
    columns = []
    for j in indices:
        column = [0.0] * len(matrix.candidates)
        for i, value in zip(matrix.who[j], matrix.credit[j], strict=True):
            column[i] = value
        columns.append(column)
    return columns


def analyse_test(
    matrix: ScoreMatrix,
    *,
    cut_score: float | None = None,
    cut_percent: float | None = None,
    outcomes: Mapping[str, bool | None] | None = None,
    target: float = RELIABILITY_TARGET,
    min_n: int = MIN_ATTEMPTS,
) -> TestStats:
    """Test statistics; the cut is raw (`cut_score`) or a percentage of the maximum (`cut_percent`), not both.

    Without a cut, the pass rate comes from the recorded `outcomes` (None outcomes are left out).
    Below `min_n` candidates every figure is still computed; `interpretable` says not to judge it yet.
    """
    if cut_score is not None and cut_percent is not None:
        raise ValueError("give the cut as a raw score or as a percentage, not both")
    scored = [j for j, info in enumerate(matrix.items) if info.scored]
    k, n = len(scored), len(matrix.candidates)
    totals = matrix.totals
    if cut_percent is not None:
        cut_score = cut_percent * k / 100.0
    elif cut_score is not None and k:
        cut_percent = cut_score * 100.0 / k
    columns = _dense_columns(matrix, scored)
    reliability = cronbach_alpha(columns)
    dichotomous = all(set(matrix.credit[j]) <= {0.0, 1.0} for j in scored)
    variance = population_variance(totals) if n >= 2 else None
    sd = math.sqrt(variance) if variance is not None else None
    if cut_score is not None:
        rate = pass_rate(totals, cut_score)
        p0, kappa = subkoviak(totals, k, reliability, cut_score)
    else:
        known = [passed for passed in (outcomes or {}).values() if passed is not None]
        rate = sum(known) / len(known) if known else None
        p0 = kappa = None
    by_competency: dict[str, list[int]] = {}
    for position, j in enumerate(scored):
        by_competency.setdefault(matrix.items[j].competency, []).append(position)
    return TestStats(
        n=n,
        items=k,
        max_score=float(k),
        mean=math.fsum(totals) / n if n else None,
        sd=sd,
        reliability=reliability,
        reliability_method="KR-20" if dichotomous else "alpha",
        sem=standard_error_of_measurement(sd, reliability),
        meets_target=None if reliability is None else reliability >= target,
        cut_score=cut_score,
        cut_percent=cut_percent,
        pass_rate=rate,
        decision_consistency=p0,
        decision_kappa=kappa,
        missing=sum(n - len(matrix.who[j]) for j in scored),
        competency_reliability={
            name: cronbach_alpha([columns[p] for p in positions]) for name, positions in by_competency.items()
        },
        min_n=min_n,
    )


def analyse(
    responses: Sequence[Response],
    items: Sequence[ItemInfo],
    *,
    limits: Thresholds = Thresholds(),
    cut_score: float | None = None,
    cut_percent: float | None = None,
) -> tuple[list[ItemStats], TestStats]:
    """Item and test statistics from raw responses in one call."""
    matrix = build_matrix(responses, items)
    test = analyse_test(matrix, cut_score=cut_score, cut_percent=cut_percent, min_n=limits.min_attempts)
    return analyse_items(matrix, limits), test
