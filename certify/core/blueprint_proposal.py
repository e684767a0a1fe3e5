"""The exam blueprint a job-task analysis proposes: items per competency and cognitive level.

Items per competency come from the competency weights by largest-remainder (Hamilton)
apportionment to the exam length; each competency's items split across Bloom levels by the same
apportionment of its level proportions in the current blueprint (the whole blueprint's proportions
for a competency it does not yet cover); each cell is capped by the live items the pool holds for
it, the excess moving to the competency's other levels with room (largest share first). A
competency whose pool cannot hold its count is reported short. Hamilton's method gives the
integer split closest to the exact quotas in squared error (Balinski & Young, *Fair
Representation*, 1982), so no competency is over- or under-served by more than one item.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from certify.core.items import BLOOM_LEVELS

K = TypeVar("K")


def largest_remainder(weights: Mapping[K, float], total: int) -> dict[K, int]:
    """Hamilton's apportionment of `total` seats to the weights (ties: larger weight, then given order)."""
    if total < 0:
        raise ValueError("the total must not be negative")
    if any(w < 0 or not math.isfinite(w) for w in weights.values()):
        raise ValueError("weights must be finite and not negative")
    keys = list(weights)
    mass = sum(weights.values())
    if not keys or mass <= 0:
        if total and keys:
            raise ValueError("cannot share items among weights that are all zero")
        return dict.fromkeys(keys, 0)
    quotas = {key: total * weights[key] / mass for key in keys}
    seats = {key: math.floor(quotas[key]) for key in keys}
    left = total - sum(seats.values())
    order = sorted(range(len(keys)), key=lambda i: (-(quotas[keys[i]] - seats[keys[i]]), -weights[keys[i]], i))
    for i in order[:left]:
        seats[keys[i]] += 1
    return seats


@dataclass(frozen=True)
class ProposedCell:
    competency: str
    bloom: str
    wanted: int  # from the level split before the pool cap
    count: int  # what the proposal asks for, after moving excess to levels with room
    pool: int  # live items the pool holds for the cell


@dataclass(frozen=True)
class BlueprintProposal:
    length: int
    per_competency: Mapping[str, int]
    cells: tuple[ProposedCell, ...]
    warnings: tuple[str, ...]
    short: tuple[str, ...]  # competencies whose pool cannot supply their count (adoption is refused)

    @property
    def fits(self) -> bool:
        return not self.short

    def as_blueprint(self) -> list[dict[str, object]]:
        """Non-empty cells in the shape `Assessment.blueprint` stores."""
        return [{"competency": c.competency, "bloom": c.bloom, "count": c.count} for c in self.cells if c.count]


def level_shares(blueprint: Sequence[tuple[str, str, int]]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Per competency its items by Bloom level in a blueprint of (competency, level, count), and the overall split."""
    per: dict[str, dict[str, float]] = {}
    overall: dict[str, float] = {}
    for competency, bloom, count in blueprint:
        per.setdefault(competency, {})
        per[competency][bloom] = per[competency].get(bloom, 0.0) + count
        overall[bloom] = overall.get(bloom, 0.0) + count
    return per, overall


def _level_order(shares: Mapping[str, float]) -> list[str]:
    return sorted(shares, key=lambda b: (-shares[b], BLOOM_LEVELS.index(b) if b in BLOOM_LEVELS else 99, b))


def propose_blueprint(
    weights: Mapping[str, float],
    length: int,
    current: Sequence[tuple[str, str, int]],
    pool: Mapping[tuple[str, str], int],
) -> BlueprintProposal:
    """Items per competency and Bloom level for an exam of `length` items (see the module docstring)."""
    if length < 1:
        raise ValueError("the exam needs at least one item")
    per_competency = largest_remainder(weights, length)
    per_level, overall = level_shares(current)
    if not overall:
        overall = {"apply": 1.0}
    cells: list[ProposedCell] = []
    warnings: list[str] = []
    short: list[str] = []
    for competency, count in per_competency.items():
        shares = per_level.get(competency) or overall
        if competency not in per_level and count:
            warnings.append(f"{competency} is not in the current blueprint: its levels follow the whole blueprint's.")
        wanted = largest_remainder({b: shares[b] for b in _level_order(shares)}, count)
        final = {b: min(n, pool.get((competency, b), 0)) for b, n in wanted.items()}
        excess = sum(wanted.values()) - sum(final.values())
        for bloom, n in wanted.items():
            have = pool.get((competency, bloom), 0)
            if n > have:
                warnings.append(f"{competency}/{bloom}: {n} wanted but the live pool has {have}.")
        levels = _level_order(shares) + sorted(
            {b for (c, b) in pool if c == competency and b not in shares},
            key=lambda b: BLOOM_LEVELS.index(b) if b in BLOOM_LEVELS else 99,
        )
        for bloom in levels:
            room = pool.get((competency, bloom), 0) - final.get(bloom, 0)
            if excess and room > 0:
                moved = min(room, excess)
                final[bloom] = final.get(bloom, 0) + moved
                excess -= moved
                warnings.append(f"{competency}: {moved} item{'s' if moved != 1 else ''} moved to {bloom}.")
        if excess:
            short.append(competency)
            warnings.append(f"{competency} is short: {count} items wanted, the live pool has {count - excess} for it.")
        for bloom in sorted(final, key=lambda b: BLOOM_LEVELS.index(b) if b in BLOOM_LEVELS else 99):
            if final[bloom] or wanted.get(bloom, 0):
                cells.append(
                    ProposedCell(
                        competency, bloom, wanted.get(bloom, 0), final[bloom], pool.get((competency, bloom), 0)
                    )
                )
    return BlueprintProposal(length, per_competency, tuple(cells), tuple(warnings), tuple(short))
