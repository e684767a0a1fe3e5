"""A calibrated pool shaped like the MID certification pool, for the form assembly tests and bench.

336 items: eight competencies, each with 7 remember, 13 understand, 12 apply, 6 analyze and 4 evaluate
items (as in question_banks/banks/), drawn 1, 2, 3, 1 and 1 at a time (the 64-item blueprint). 2PL
parameters are planted from a seeded RNG, like the demo population's: slope a uniform on [0.94, 1.96]
(the demo's 0.55..1.15 on the 1.7-scaled metric), difficulty b the Bloom level's plus a uniform +/-0.6.

Information and the cut-level ability are computed here straight from the 2PL formula
(P = 1 / (1 + exp(-a (theta - b))), information a^2 P (1 - P)), not through certify.core.irt.
"""

from __future__ import annotations

import math
import random

from certify.core.assembly import PoolItem
from certify.core.assessment_spec import BlueprintCell
from certify.core.irt import ItemParameters

CODES = ("RA", "PA", "SS", "OB", "AD", "IS", "EV", "CP")
CELLS = {"remember": (7, 1), "understand": (13, 2), "apply": (12, 3), "analyze": (6, 1), "evaluate": (4, 1)}
DIFFICULTY = {"remember": -0.6, "understand": -0.3, "apply": 0.1, "analyze": 0.4, "evaluate": 0.6}
BLUEPRINT = [BlueprintCell(code, bloom, count) for code in CODES for bloom, (_size, count) in CELLS.items()]
CUT_PERCENT = 70.0


def planted(seed: int = 2026) -> list[tuple[PoolItem, float, float]]:
    """(pool item without information, a, b) for the 336 items."""
    rng = random.Random(seed)
    items = []
    for code in CODES:
        for bloom, (size, _count) in CELLS.items():
            for _ in range(size):
                n = len(items)
                item = PoolItem(1000 + n, n, code, bloom, "live", ref=f"{code}-{n:03d}")
                items.append((item, 0.94 + 1.02 * rng.random(), DIFFICULTY[bloom] + 1.2 * (rng.random() - 0.5)))
    return items


def probability(a: float, b: float, theta: float) -> float:
    return 1.0 / (1.0 + math.exp(-a * (theta - b)))


def information(a: float, b: float, theta: float) -> float:
    p = probability(a, b, theta)
    return a * a * p * (1.0 - p)


def plain_cut_theta(items: list[tuple[PoolItem, float, float]], percent: float) -> float:
    """Bisection on the expected blueprint form's expected percent, written out cell by cell."""

    def expected(theta: float) -> float:
        total = 0.0
        for cell in BLUEPRINT:
            members = [(a, b) for item, a, b in items if (item.competency, item.bloom) == (cell.competency, cell.bloom)]
            total += cell.count * sum(probability(a, b, theta) for a, b in members) / len(members)
        return 100.0 * total / sum(cell.count for cell in BLUEPRINT)

    low, high = -10.0, 10.0
    for _ in range(80):
        middle = (low + high) / 2
        low, high = (middle, high) if expected(middle) < percent else (low, middle)
    return (low + high) / 2


def calibrated_pool(seed: int = 2026) -> tuple[list[PoolItem], float]:
    """The pool with each item's information at the cut-level ability, and that ability."""
    items = planted(seed)
    theta = plain_cut_theta(items, CUT_PERCENT)
    pool = [
        PoolItem(i.version_id, i.item_id, i.competency, i.bloom, i.status, i.ref, information=information(a, b, theta))
        for i, a, b in items
    ]
    return pool, theta


def parameters(seed: int = 2026) -> dict[int, ItemParameters]:
    """The planted parameters by version id, as a stored calibration would give them."""
    return {item.version_id: ItemParameters(a=a, steps=(b,)) for item, a, b in planted(seed)}
