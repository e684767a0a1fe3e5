"""Drawing an exam form from a blueprint: seeded, fresh items first, pilots mixed in."""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from certify.core.assessment_spec import BlueprintCell


class AssemblyError(ValueError):
    """The pool cannot fill the blueprint."""


@dataclass(frozen=True)
class PoolItem:
    version_id: int
    item_id: int
    competency: str
    bloom: str
    status: str  # "live" items are scored, "pilot" items are not


@dataclass(frozen=True)
class Slot:
    """One position on a form."""

    position: int
    version_id: int
    item_id: int
    competency: str
    scored: bool


def _pick(candidates: list[PoolItem], count: int, rng: random.Random, seen: Collection[int]) -> list[PoolItem]:
    # Unseen items first, in random order; items seen before only when the pool runs short.
    keyed = sorted(candidates, key=lambda item: (item.item_id in seen, rng.random()))
    return keyed[:count]


def assemble(
    blueprint: Sequence[BlueprintCell],
    pool: Sequence[PoolItem],
    *,
    seed: str,
    seen_item_ids: Collection[int] = (),
    pilot_count: int = 0,
) -> list[Slot]:
    """A form for the blueprint, reproducible from `seed`. Raises AssemblyError if a cell cannot be filled."""
    rng = random.Random(seed)  # noqa: S311 - reproducible form assembly, not a secret
    live = [item for item in pool if item.status == "live"]
    chosen: list[PoolItem] = []
    used: set[int] = set()
    shortfalls = []
    for cell in blueprint:
        candidates = [
            i for i in live if i.competency == cell.competency and i.bloom == cell.bloom and i.item_id not in used
        ]
        if len(candidates) < cell.count:
            shortfalls.append(f"{cell.competency}/{cell.bloom} needs {cell.count}, the pool has {len(candidates)}")
            continue
        picked = _pick(candidates, cell.count, rng, seen_item_ids)
        chosen.extend(picked)
        used.update(item.item_id for item in picked)
    if shortfalls:
        raise AssemblyError("the item pool cannot fill the blueprint: " + "; ".join(shortfalls))
    competencies = {cell.competency for cell in blueprint}
    pilots = [i for i in pool if i.status == "pilot" and i.competency in competencies and i.item_id not in used]
    chosen.extend(_pick(pilots, pilot_count, rng, seen_item_ids))
    rng.shuffle(chosen)
    return [
        Slot(position, item.version_id, item.item_id, item.competency, item.status == "live")
        for position, item in enumerate(chosen, start=1)
    ]
