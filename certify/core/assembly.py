"""Drawing an exam form from a blueprint: seeded, fresh items first, enemies apart, pilots mixed in.

Each blueprint cell (competency x Bloom level) takes exactly its `count` live items. Items the candidate
met on earlier attempts come only when a cell runs short of fresh ones.

Without a calibration every cell is filled at random. With one, each PoolItem carries its Fisher
information at the cut-level ability, and selection is *randomesque*: the cell's candidates are ranked
by that information and each slot is drawn at random from the best `window` remaining, where
window = ceil(count / max_exposure). A draw then takes any given item with probability at most
1 / window, so over the cell's `count` draws no item reaches more than count / window <= max_exposure of
(first-attempt) forms, while only the cell's most informative items are drawn, which raises the form's
information at the cut (its precision where pass and fail are decided) towards the best the blueprint
allows. The bound holds when the cell has at least window + count - 1 items; a smaller cell puts its
items on count / size of forms whatever the draw (`exposure_floor`). An item without parameters in a
calibrated pool (a new version) ranks at its cell's median information: neither favoured nor shunned.

Enemies never share a form: an item drawn removes its enemies (declared on either side) from every cell
still to fill, pilots included. A draw can run a cell dry that another draw would have filled; assembly
then draws again from the same random stream (up to RETRIES times) and, if none works, names the cell
and the enemies that emptied it.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from certify.core.assessment_spec import DEFAULT_MAX_EXPOSURE, BlueprintCell

RETRIES = 25


class AssemblyError(ValueError):
    """The pool cannot fill the blueprint."""


@dataclass(frozen=True)
class PoolItem:
    version_id: int
    item_id: int
    competency: str
    bloom: str
    status: str  # "live" items are scored, "pilot" items are not
    ref: str = ""
    enemies: frozenset[int] = frozenset()  # item ids it must not share a form with
    information: float | None = None  # Fisher information at the cut-level ability, when calibrated


@dataclass(frozen=True)
class Slot:
    """One position on a form."""

    position: int
    version_id: int
    item_id: int
    competency: str
    scored: bool


def window_size(count: int, max_exposure: float) -> int:
    """How many of a cell's best items each draw chooses among: ceil(count / max_exposure), at least count."""
    if not 0 < max_exposure <= 1:
        raise ValueError(f"max_exposure must be above 0 and at most 1, got {max_exposure!r}")
    return max(count, math.ceil(round(count / max_exposure, 9)))


def exposure_floor(blueprint: Sequence[BlueprintCell], pool: Sequence[PoolItem]) -> dict[str, float]:
    """Per cell ("RA/apply"), the share of forms its items reach at the least: count / live items in it."""
    floors = {}
    for cell in blueprint:
        size = sum(1 for i in pool if i.status == "live" and (i.competency, i.bloom) == (cell.competency, cell.bloom))
        floors[f"{cell.competency}/{cell.bloom}"] = cell.count / size if size else math.inf
    return floors


def _name(item: PoolItem) -> str:
    return item.ref or f"item {item.item_id}"


def _closure(pool: Sequence[PoolItem]) -> dict[int, set[int]]:
    enemies: dict[int, set[int]] = {}
    for item in pool:
        for other in item.enemies:
            if other != item.item_id:
                enemies.setdefault(item.item_id, set()).add(other)
                enemies.setdefault(other, set()).add(item.item_id)
    return enemies


def _ranked(candidates: list[PoolItem], rng: random.Random, seen: Collection[int]) -> list[PoolItem]:
    """Fresh items first; then by information at the cut (the cell's median where missing); ties at random."""
    known = [i.information for i in candidates if i.information is not None]
    middle = statistics.median(known) if known else 0.0
    return sorted(
        candidates,
        key=lambda i: (i.item_id in seen, -(middle if i.information is None else i.information), rng.random()),
    )


class _Dry(Exception):
    def __init__(self, cell: BlueprintCell, left: int, removed: list[str]) -> None:
        self.cell, self.left, self.removed = cell, left, removed


def _draw(
    cells: list[tuple[BlueprintCell, list[PoolItem], int]],
    pilots: list[PoolItem],
    pilot_count: int,
    rng: random.Random,
    seen: Collection[int],
    enemies: dict[int, set[int]],
) -> list[PoolItem]:
    chosen: list[PoolItem] = []
    banned: dict[int, PoolItem] = {}  # item id -> the chosen item that rules it out

    def take(item: PoolItem) -> None:
        chosen.append(item)
        banned.setdefault(item.item_id, item)
        for other in enemies.get(item.item_id, ()):
            banned.setdefault(other, item)

    for cell, candidates, window in cells:
        remaining = _ranked(candidates, rng, seen)
        for _ in range(cell.count):
            remaining = [i for i in remaining if i.item_id not in banned]
            if not remaining:
                removed = [
                    f"{_name(banned[i.item_id])} rules out {_name(i)}"
                    for i in candidates
                    if i.item_id in banned and banned[i.item_id] is not i
                ]
                raise _Dry(cell, sum(1 for i in chosen if i in candidates), removed)
            fresh = remaining[0].item_id not in seen
            choices = [i for i in remaining[:window] if (i.item_id not in seen) == fresh]
            take(rng.choice(choices))
    wanted = len(chosen) + pilot_count
    for item in sorted(pilots, key=lambda i: (i.item_id in seen, rng.random())):
        if len(chosen) == wanted:
            break
        if item.item_id not in banned:
            take(item)
    return chosen


def assemble(
    blueprint: Sequence[BlueprintCell],
    pool: Sequence[PoolItem],
    *,
    seed: str,
    seen_item_ids: Collection[int] = (),
    pilot_count: int = 0,
    max_exposure: float = DEFAULT_MAX_EXPOSURE,
) -> list[Slot]:
    """A form for the blueprint, reproducible from `seed`. Raises AssemblyError if a cell cannot be filled."""
    rng = random.Random(seed)  # noqa: S311 - reproducible form assembly, not a secret
    live = [item for item in pool if item.status == "live"]
    informed = any(item.information is not None for item in live)
    by_cell: dict[tuple[str, str], list[PoolItem]] = {}
    for item in live:  # one pass over the pool, in its order (a form is reproducible from its seed)
        by_cell.setdefault((item.competency, item.bloom), []).append(item)
    cells, shortfalls = [], []
    for cell in blueprint:
        candidates = list(by_cell.get((cell.competency, cell.bloom), ()))
        if len(candidates) < cell.count:
            shortfalls.append(f"{cell.competency}/{cell.bloom} needs {cell.count}, the pool has {len(candidates)}")
            continue
        window = window_size(cell.count, max_exposure) if informed else len(candidates)
        cells.append((cell, candidates, window))
    if shortfalls:
        raise AssemblyError("the item pool cannot fill the blueprint: " + "; ".join(shortfalls))
    cells.sort(key=lambda c: len(c[1]) - c[0].count)  # the tightest cells first: enemies empty them least
    competencies = {cell.competency for cell in blueprint}
    pilots = [i for i in pool if i.status == "pilot" and i.competency in competencies]
    enemies = _closure(pool)
    chosen: list[PoolItem] | None = None
    for _ in range(RETRIES if enemies else 1):
        try:
            chosen = _draw(cells, pilots, pilot_count, rng, seen_item_ids, enemies)
            break
        except _Dry as dry:
            failure = dry
    if chosen is None:
        cell = failure.cell
        raise AssemblyError(
            f"the blueprint cannot be filled without putting enemy items together: {cell.competency}/{cell.bloom} "
            f"needs {cell.count}, but only {failure.left} could be drawn once enemies of items already on the form "
            f"were left out ({'; '.join(failure.removed[:8])}); declare fewer enemies or add items to that cell"
        )
    rng.shuffle(chosen)
    return [
        Slot(position, item.version_id, item.item_id, item.competency, item.status == "live")
        for position, item in enumerate(chosen, start=1)
    ]


def information_at_cut(form: Iterable[Slot], pool: Sequence[PoolItem]) -> tuple[float, int]:
    """The scored items' summed information at the cut, and how many scored items had none (uncalibrated)."""
    known = {item.version_id: item.information for item in pool}
    total, missing = 0.0, 0
    for slot in form:
        if slot.scored:
            value = known.get(slot.version_id)
            if value is None:
                missing += 1
            else:
                total += value
    return total, missing
