"""Drawing the items of an Angoff study so they represent the assessment's blueprint: a stratified random sample.

The strata are the blueprint's competencies. Each gets a part of the sample in proportion to the
blueprint's item count for it, rounded by the largest-remainder (Hamilton) method so the parts sum to
the size asked for; equal remainders go to the competency listed first. Within a competency the items
are a simple random sample without replacement from `random.Random(seed)`, taken in the blueprint's
order, so the same seed and pool always give the same study. The draw is returned in pool order.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence


class SamplingError(ValueError):
    """The pool cannot supply the sample asked for; the message names what is short."""


def allocate(shares: Mapping[str, int], size: int) -> dict[str, int]:
    """Items per competency for a sample of `size`, in proportion to `shares` (largest remainder)."""
    weights = {code: count for code, count in shares.items() if count > 0}
    total = sum(weights.values())
    if total <= 0:
        raise SamplingError("the blueprint has no items to draw in proportion to")
    if size < 0:
        raise SamplingError("the sample size cannot be negative")
    quotas = {code: size * count / total for code, count in weights.items()}
    parts = {code: int(quota) for code, quota in quotas.items()}
    left = size - sum(parts.values())
    order = list(weights)
    by_remainder = sorted(order, key=lambda code: (-(quotas[code] - parts[code]), order.index(code)))
    for code in by_remainder[:left]:
        parts[code] += 1
    return parts


def stratified_sample(pool: Sequence[tuple[int, str]], shares: Mapping[str, int], size: int, *, seed: str) -> list[int]:
    """Ids drawn from `pool` ((id, competency) pairs) in the blueprint's proportions; pool order kept."""
    parts = allocate(shares, size)
    by_code: dict[str, list[int]] = {}
    for item_id, code in pool:
        by_code.setdefault(code, []).append(item_id)
    short = [
        f"{code} needs {count}, the pool has {len(by_code.get(code, []))}"
        for code, count in parts.items()
        if len(by_code.get(code, [])) < count
    ]
    if short:
        raise SamplingError("the live pool cannot fill a sample of that size: " + "; ".join(short))
    rng = random.Random(seed)  # noqa: S311 - a reproducible study, not a secret
    chosen: set[int] = set()
    for code, count in parts.items():
        chosen.update(rng.sample(by_code.get(code, []), count))
    return [item_id for item_id, _code in pool if item_id in chosen]
