"""Double-marked rubric ratings simulated from planted facets measures (apart from certify.core.facets_model)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

CRITERIA = ("NA", "PA", "OB", "AD", "DS", "DV", "EV", "IM")  # 8 criteria, as the portfolio rubric has
DIFFICULTIES = np.linspace(-0.8, 0.8, len(CRITERIA))
SEVERITIES = np.array([-1.0, -0.6, -0.2, 0.2, 0.6, 1.0])  # raters r0..r5, positive = severe
THRESHOLDS = np.array([-1.8, 0.1, 1.7])  # levels 1..4


@dataclass(frozen=True)
class Simulated:
    ratings: list[tuple[str, str, str, int, float]]
    abilities: np.ndarray
    severities: np.ndarray


def draw_level(rng: np.random.Generator, eta: float, thresholds: np.ndarray) -> int:
    """One level 1..K from the rating scale model, by the direct formula P_k ~ exp(sum_{h<=k} (eta - tau_h))."""
    numerators = [1.0]
    for tau in thresholds:
        numerators.append(numerators[-1] * np.exp(eta - tau))
    probabilities = np.array(numerators) / sum(numerators)
    return int(rng.choice(len(probabilities), p=probabilities)) + 1


def simulate(
    rng: np.random.Generator,
    candidates: int = 240,
    severities: np.ndarray = SEVERITIES,
    erratic: int | None = None,
    erratic_share: float = 0.5,
    days: float = 0.0,
    drift_per_day: dict[int, float] | None = None,
) -> Simulated:
    """Each candidate rated on every criterion by two raters; the rater pairs cycle through all pairs (connected).

    The erratic rater's level moves one up or down (kept within 1..4) on `erratic_share` of its ratings.
    Candidates arrive evenly over `days`; `drift_per_day` adds a linear change to a rater's severity.
    """
    abilities = rng.normal(0.0, 1.2, candidates)
    pairs = list(itertools.combinations(range(len(severities)), 2))
    ratings = []
    for n in range(candidates):
        when = days * n / candidates
        for rater in pairs[n % len(pairs)]:
            severity = severities[rater] + (drift_per_day or {}).get(rater, 0.0) * when
            for criterion, difficulty in zip(CRITERIA, DIFFICULTIES, strict=True):
                level = draw_level(rng, abilities[n] - difficulty - severity, THRESHOLDS)
                if rater == erratic and rng.random() < erratic_share:
                    level = min(4, max(1, level + int(rng.choice([-1, 1]))))
                ratings.append((f"c{n}", criterion, f"r{rater}", level, when))
    return Simulated(ratings, abilities, np.asarray(severities, dtype=float))
