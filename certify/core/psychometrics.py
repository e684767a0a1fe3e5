"""Measurement-quality statistics. This part: agreement between assessors.

Pairs are (level given by one assessor, level given by the other) on the same
criterion of the same portfolio.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Pair = tuple[int, int]
LANDIS_KOCH = ((0.80, "almost perfect"), (0.60, "substantial"), (0.40, "moderate"), (0.20, "fair"), (0.0, "slight"))
# Below this many pairs a kappa swings with every new pair: show it, but as tentative.
TENTATIVE_BELOW = 10


def exact_agreement(pairs: Sequence[Pair]) -> float | None:
    """Share of pairs with the same level."""
    return sum(1 for a, b in pairs if a == b) / len(pairs) if pairs else None


def adjacent_agreement(pairs: Sequence[Pair]) -> float | None:
    """Share of pairs within one level of each other."""
    return sum(1 for a, b in pairs if abs(a - b) <= 1) / len(pairs) if pairs else None


def quadratic_weighted_kappa(pairs: Sequence[Pair], categories: Sequence[int] = (1, 2, 3, 4)) -> float | None:
    """Cohen's kappa with quadratic weights; None when it is undefined (no pairs, or no expected disagreement)."""
    if not pairs:
        return None
    k = len(categories)
    index = {c: n for n, c in enumerate(categories)}
    n = len(pairs)
    observed = [[0.0] * k for _ in range(k)]
    for a, b in pairs:
        observed[index[a]][index[b]] += 1 / n
    rows = [sum(observed[i]) for i in range(k)]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    weight = [[(i - j) ** 2 / (k - 1) ** 2 for j in range(k)] for i in range(k)]
    disagreement = sum(weight[i][j] * observed[i][j] for i in range(k) for j in range(k))
    expected = sum(weight[i][j] * rows[i] * cols[j] for i in range(k) for j in range(k))
    if expected == 0:
        return None
    return 1 - disagreement / expected


def kappa_band(kappa: float | None) -> str:
    """Landis and Koch's label for a kappa value."""
    if kappa is None:
        return "not enough data"
    if kappa < 0:
        return "poor (worse than chance)"
    return next(label for threshold, label in LANDIS_KOCH if kappa > threshold or threshold == 0.0)


def severity(deviations: Sequence[float]) -> float | None:
    """Mean of (assessor's level - final level): negative is severe, positive lenient."""
    return sum(deviations) / len(deviations) if deviations else None


def drift(series: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of deviation over time (x in days): how an assessor's severity is moving."""
    if len(series) < 3:
        return None
    xs, ys = [x for x, _ in series], [y for _, y in series]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in series) / spread


@dataclass(frozen=True)
class AgreementSummary:
    """Agreement over a set of pairs; the shares and kappa are None when undefined."""

    n: int
    exact: float | None
    adjacent: float | None
    qwk: float | None
    band: str

    @property
    def tentative(self) -> bool:
        """Too few pairs for a stable kappa."""
        return self.n < TENTATIVE_BELOW


def summarise_agreement(pairs: Sequence[Pair], categories: Sequence[int] = (1, 2, 3, 4)) -> AgreementSummary:
    """Exact and adjacent agreement, quadratic weighted kappa and its Landis and Koch band."""
    kappa = quadratic_weighted_kappa(pairs, categories)
    return AgreementSummary(len(pairs), exact_agreement(pairs), adjacent_agreement(pairs), kappa, kappa_band(kappa))


def level_deviations(levels: Mapping[str, int], final_levels: Mapping[str, int]) -> list[int]:
    """Assessor's level minus the final level, for each criterion both scored (in the final levels' order)."""
    return [levels[code] - final for code, final in final_levels.items() if code in levels]
