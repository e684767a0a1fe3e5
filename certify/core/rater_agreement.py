"""Agreement on the decision itself, and a severity that does not lean on the final level.

Decision agreement counts portfolios: each double-marked portfolio contributes the two assessors'
own pass/fail decisions (the caller applies the rubric's rule to each assessor's levels).

Pairwise severity compares a rater with the OTHER rater(s) of the same criterion of the same
portfolio, never with a final level that contains the rater's own level and was rounded.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from certify.core.facets_design import RatingLike, parse_ratings

TENTATIVE_DECISIONS = 10  # below this many portfolios a kappa swings with every new one


@dataclass(frozen=True)
class DecisionAgreement:
    portfolios: int
    both_pass: int
    both_fail: int
    split: int  # one assessor passes the portfolio, the other fails it
    agreement: float | None  # share of portfolios with the same decision; None without portfolios
    kappa: float | None  # Cohen's kappa on pass/fail; None when chance agreement is 1 (or no portfolios)
    tentative: bool


def decision_agreement(
    decisions: Iterable[tuple[bool, bool]], *, min_portfolios: int = TENTATIVE_DECISIONS
) -> DecisionAgreement:
    """Percent agreement and Cohen's kappa on pass/fail, one (first, second) pair per double-marked portfolio.

    Kappa's chance term uses each position's own pass rate, so keep "first" and "second" meaning the
    same thing across portfolios (for instance the allocation roles).
    """
    pairs = list(decisions)
    for number, pair in enumerate(pairs, start=1):
        if not isinstance(pair, tuple) or len(pair) != 2 or not all(isinstance(d, bool) for d in pair):
            raise ValueError(f"portfolio {number}: expected two pass/fail decisions (True/False), got {pair!r}")
    n = len(pairs)
    both_pass = sum(1 for a, b in pairs if a and b)
    both_fail = sum(1 for a, b in pairs if not a and not b)
    split = n - both_pass - both_fail
    if n == 0:
        return DecisionAgreement(0, 0, 0, 0, None, None, True)
    observed = (both_pass + both_fail) / n
    first = sum(1 for a, _ in pairs if a) / n
    second = sum(1 for _, b in pairs if b) / n
    chance = first * second + (1 - first) * (1 - second)
    kappa = None if chance >= 1 else (observed - chance) / (1 - chance)
    return DecisionAgreement(n, both_pass, both_fail, split, observed, kappa, n < min_portfolios)


@dataclass(frozen=True)
class PairwiseSeverity:
    rater: Hashable
    severity: float  # levels; positive = severe: on average this many levels BELOW the other rater(s)
    se: float | None  # clustered by portfolio; None with fewer than 2 portfolios
    comparisons: int  # criterion ratings that had another rater's level to compare with
    portfolios: int


def pairwise_severity(ratings: Iterable[RatingLike], levels: int = 4) -> dict[Hashable, PairwiseSeverity]:
    """Mean of (other raters' mean level - own level) per rater, over criteria of portfolios rated by 2+ raters.

    Pass the independent reviews (not adjudications, which are chosen because the two disagreed).
    Unlike the facets severity this does not adjust for who the partners were: a rater always paired
    with severe colleagues looks lenient here.
    """
    parsed = parse_ratings(ratings, levels)
    by_cell: dict[tuple[Hashable, Hashable], list[tuple[Hashable, int]]] = defaultdict(list)
    for rating in parsed:
        by_cell[rating.candidate, rating.criterion].append((rating.rater, rating.level))
    # per rater, per portfolio: (sum of differences, count)
    sums: dict[Hashable, dict[Hashable, tuple[float, int]]] = defaultdict(dict)
    for (candidate, _), cell in by_cell.items():
        if len(cell) < 2:
            continue
        total = sum(level for _, level in cell)
        for rater, level in cell:
            others = (total - level) / (len(cell) - 1)
            previous = sums[rater].get(candidate, (0.0, 0))
            sums[rater][candidate] = (previous[0] + others - level, previous[1] + 1)
    return {rater: _clustered(rater, list(per.values())) for rater, per in sums.items()}


def _clustered(rater: Hashable, clusters: Sequence[tuple[float, int]]) -> PairwiseSeverity:
    """The mean difference and its standard error treating portfolios, not criteria, as independent."""
    count = sum(n for _, n in clusters)
    mean = sum(s for s, _ in clusters) / count
    k = len(clusters)
    if k < 2:
        return PairwiseSeverity(rater, mean, None, count, k)
    variance = k / (k - 1) * sum((s - mean * n) ** 2 for s, n in clusters) / count**2
    return PairwiseSeverity(rater, mean, math.sqrt(variance), count, k)
