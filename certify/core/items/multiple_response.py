"""Multiple response: several keyed options, with a partial-credit rule per item.

Rules: `partial` (keyed options chosen minus wrong options chosen, over the
number keyed, never below zero), `per_option` (share of options classified
correctly as chosen or not) and `all_or_nothing`. Choosing nothing is an omit and scores 0
under every rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from certify.core.items.base import (
    Choice,
    ItemError,
    choices_from_data,
    choices_to_data,
    parse_choices,
    scoring_rule,
)

name = "multiple_response"
label = "Multiple response"
RULES = ("partial", "per_option", "all_or_nothing")


def parse_body(raw: Mapping[str, Any]) -> dict[str, Any]:
    options = parse_choices(raw, minimum=3)
    ids = {o.id for o in options}
    key = raw.get("key")
    if not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key):
        raise ItemError("`key` must be a list of option ids", "key")
    unknown = [k for k in key if k not in ids]
    if unknown:
        raise ItemError(f"`key` names options that do not exist: {', '.join(unknown)}", "key")
    if len(set(key)) != len(key):
        raise ItemError("`key` lists an option twice", "key")
    if len(key) == len(options):
        raise ItemError("`key` keys every option; leave at least one unkeyed", "key")
    return {
        "options": choices_to_data(options),
        "key": sorted(key, key=[o.id for o in options].index),
        "scoring": scoring_rule(raw, RULES, "partial"),
    }


def choices(body: Mapping[str, Any]) -> Sequence[Choice]:
    return choices_from_data(body["options"])


def key_ids(body: Mapping[str, Any]) -> Sequence[str]:
    return list(body["key"])


def normalise_response(body: Mapping[str, Any], answer: Any) -> Any:
    if answer is None:
        return None
    ids = {o["id"] for o in body["options"]}
    if not isinstance(answer, list) or not all(isinstance(a, str) and a in ids for a in answer):
        raise ItemError("choose from the listed options")
    # Choosing nothing is leaving the item blank: an omit, never an answer that earns credit.
    return sorted(set(answer)) or None


def score(body: Mapping[str, Any], answer: Any) -> float:
    chosen = set(answer or [])
    if not chosen:
        return 0.0  # an omit; `per_option` would otherwise credit every unkeyed option left unchosen
    keyed = set(body["key"])
    rule = body.get("scoring", "partial")
    if rule == "all_or_nothing":
        return 1.0 if chosen == keyed else 0.0
    if rule == "per_option":
        options = [o["id"] for o in body["options"]]
        right = sum(1 for o in options if (o in chosen) == (o in keyed))
        return right / len(options)
    return max(0.0, (len(chosen & keyed) - len(chosen - keyed)) / len(keyed))


def describe_key(body: Mapping[str, Any]) -> str:
    keyed = set(body["key"])
    return "; ".join(o["text"] for o in body["options"] if o["id"] in keyed)
