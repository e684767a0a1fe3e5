"""The registry of item types: one module per type, all with the same hooks."""

from __future__ import annotations

from certify.core.items import (
    matching,
    multiple_response,
    numeric,
    ordering,
    short_answer,
    single_choice,
    true_false,
)
from certify.core.items.base import (
    BLOOM_LEVELS,
    DRAWN,
    HIGHER_ORDER,
    IN_REVIEW,
    STATUSES,
    Choice,
    ItemError,
    ItemType,
)

# Each module is checked against the ItemType protocol here, so mypy sees a missing or mistyped hook.
_TYPES: tuple[ItemType, ...] = (single_choice, multiple_response, true_false, matching, ordering, short_answer, numeric)
REGISTRY: dict[str, ItemType] = {item.name: item for item in _TYPES}
ITEM_TYPES = tuple(REGISTRY)


def item_type(name: str) -> ItemType:
    """The module implementing an item type; KeyError for unknown names."""
    return REGISTRY[name]


__all__ = [
    "BLOOM_LEVELS",
    "DRAWN",
    "HIGHER_ORDER",
    "IN_REVIEW",
    "ITEM_TYPES",
    "REGISTRY",
    "STATUSES",
    "Choice",
    "ItemError",
    "ItemType",
    "item_type",
]
