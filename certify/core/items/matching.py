"""Matching: pair each prompt on the left with one response on the right.

Each pair's id names both its prompt and its correct response; extra
`distractors` are responses that match no prompt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from certify.core.items.base import Choice, ItemError, choices_from_data, choices_to_data, scoring_rule, text_field

name = "matching"
label = "Matching"
RULES = ("partial", "all_or_nothing")


def parse_body(raw: Mapping[str, Any]) -> dict[str, Any]:
    pairs = raw.get("pairs")
    if not isinstance(pairs, list) or len(pairs) < 2:
        raise ItemError("`pairs` must list at least two {id, left, right, rationale} pairs", "pairs")
    seen: set[str] = set()
    parsed = []
    for index, pair in enumerate(pairs, start=1):
        if not isinstance(pair, Mapping):
            raise ItemError(f"pair #{index} must be a mapping with id, left, right and rationale", "pairs")
        pair_id = text_field(pair, "id")
        if pair_id in seen:
            raise ItemError(f"pair #{index}: duplicate id {pair_id!r}", "pairs")
        seen.add(pair_id)
        parsed.append(
            {
                "id": pair_id,
                "left": text_field(pair, "left"),
                "right": text_field(pair, "right"),
                "rationale": text_field(pair, "rationale", required=False),
            }
        )
    distractors: list[Choice] = []
    if raw.get("distractors") is not None:
        if not isinstance(raw["distractors"], list):
            raise ItemError("`distractors` must be a list of {id, text, rationale}", "distractors")
        for index, extra in enumerate(raw["distractors"], start=1):
            if not isinstance(extra, Mapping):
                raise ItemError(f"distractor #{index} must be a mapping", "distractors")
            extra_id = text_field(extra, "id")
            if extra_id in seen:
                raise ItemError(f"distractor #{index}: id {extra_id!r} is already used", "distractors")
            seen.add(extra_id)
            distractors.append(
                Choice(extra_id, text_field(extra, "text"), text_field(extra, "rationale", required=False))
            )
    rights = [p["right"] for p in parsed] + [d.text for d in distractors]
    if len(set(rights)) != len(rights):
        raise ItemError("two responses on the right have the same text", "pairs")
    return {
        "pairs": parsed,
        "distractors": choices_to_data(distractors),
        "scoring": scoring_rule(raw, RULES, "partial"),
    }


def responses(body: Mapping[str, Any]) -> list[Choice]:
    """Every response on the right: the pairs' and the distractors'."""
    return [Choice(p["id"], p["right"], p["rationale"]) for p in body["pairs"]] + choices_from_data(
        body.get("distractors")
    )


def choices(body: Mapping[str, Any]) -> Sequence[Choice]:
    return responses(body)


def key_ids(body: Mapping[str, Any]) -> Sequence[str]:
    return []


def normalise_response(body: Mapping[str, Any], answer: Any) -> Any:
    if answer is None:
        return None
    lefts = {p["id"] for p in body["pairs"]}
    rights = {c.id for c in responses(body)}
    if not isinstance(answer, Mapping) or not all(
        isinstance(k, str) and k in lefts and isinstance(v, str) and v in rights for k, v in answer.items()
    ):
        raise ItemError("match each prompt to one of the listed responses")
    return dict(sorted(answer.items()))


def score(body: Mapping[str, Any], answer: Any) -> float:
    given = answer or {}
    right = sum(1 for p in body["pairs"] if given.get(p["id"]) == p["id"])
    if body.get("scoring") == "all_or_nothing":
        return 1.0 if right == len(body["pairs"]) else 0.0
    return right / len(body["pairs"])


def describe_key(body: Mapping[str, Any]) -> str:
    return "; ".join(f"{p['left']} → {p['right']}" for p in body["pairs"])
