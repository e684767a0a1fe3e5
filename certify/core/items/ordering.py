"""Ordering: put steps in the right sequence. Options are written in the keyed order.

Rules: `pairwise` (share of step pairs in the right relative order),
`positional` (share of steps in the right place) and `all_or_nothing`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Any

from certify.core.items.base import Choice, ItemError, choices_from_data, choices_to_data, parse_choices, scoring_rule

name = "ordering"
label = "Ordering"
RULES = ("pairwise", "positional", "all_or_nothing")


def parse_body(raw: Mapping[str, Any]) -> dict[str, Any]:
    if "key" in raw:
        raise ItemError("ordering items have no `key`: list the options in the correct order", "key")
    options = parse_choices(raw, minimum=3)
    return {"options": choices_to_data(options), "scoring": scoring_rule(raw, RULES, "pairwise")}


def choices(body: Mapping[str, Any]) -> Sequence[Choice]:
    return choices_from_data(body["options"])


def key_ids(body: Mapping[str, Any]) -> Sequence[str]:
    return []


def normalise_response(body: Mapping[str, Any], answer: Any) -> Any:
    if answer is None:
        return None
    ids = [o["id"] for o in body["options"]]
    if not isinstance(answer, list) or sorted(map(str, answer)) != sorted(ids):
        raise ItemError("give every step exactly once")
    return [str(a) for a in answer]


def score(body: Mapping[str, Any], answer: Any) -> float:
    keyed = [o["id"] for o in body["options"]]
    if not answer:
        return 0.0
    rule = body.get("scoring", "pairwise")
    if rule == "all_or_nothing":
        return 1.0 if list(answer) == keyed else 0.0
    if rule == "positional":
        return sum(1 for a, k in zip(answer, keyed, strict=True) if a == k) / len(keyed)
    position = {step: index for index, step in enumerate(answer)}
    pairs = list(combinations(keyed, 2))
    return sum(1 for first, second in pairs if position[first] < position[second]) / len(pairs)


def describe_key(body: Mapping[str, Any]) -> str:
    return " → ".join(o["text"] for o in body["options"])
