"""The response model and the answers it gives: item parameters, right and wrong answers in the ids a page shows."""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from certify.core.delivery import Presentation, Shown
from certify.core.items import numeric

BLOOM_DIFFICULTY = {"remember": -0.6, "understand": -0.3, "apply": 0.1, "analyze": 0.4, "evaluate": 0.6}
GUESSING = {"single_choice": 0.2, "true_false": 0.35, "multiple_response": 0.05}
# Refs of certification items that behave badly on purpose (see the package docstring).
FAULTY_ITEMS = {"EV-040": "check the key", "OB-040": "too easy", "SS-041": "too hard"}


def _unit(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts` (for properties that must not depend on call order)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:6], "big") / 2**48


def _authored_to_shown(presentation: Presentation, shown: Sequence[Shown]) -> dict[str, str]:
    return {presentation.id_map[s.id]: s.id for s in shown}


def _number(value: float) -> str:
    return format(value, ".10g")


def correct_answer(content: Mapping[str, Any], presentation: Presentation) -> Any:
    """The keyed answer to an item as its page would send it (shown ids, text for open answers)."""
    kind, body = content["type"], content["body"]
    options = _authored_to_shown(presentation, presentation.options)
    if kind == "single_choice":
        return options[body["key"]]
    if kind == "true_false":
        return options["true" if body["key"] else "false"]
    if kind == "multiple_response":
        return [options[k] for k in body["key"]]
    if kind == "ordering":
        return [options[o["id"]] for o in body["options"]]
    if kind == "matching":
        prompts = _authored_to_shown(presentation, presentation.prompts)
        responses = _authored_to_shown(presentation, presentation.responses)
        return {prompts[p["id"]]: responses[p["id"]] for p in body["pairs"]}
    if kind == "numeric":
        low, high = numeric.bounds(body)
        return _number((low + high) / 2)
    if kind == "short_answer":
        return body["accepted"][0] if body["accepted"] else None
    raise ValueError(f"unknown item type {kind!r}")


def wrong_answer(
    content: Mapping[str, Any], presentation: Presentation, rng: random.Random, *, lure: bool = False
) -> Any:
    """A plausible wrong answer (it never earns full credit); `lure` picks the first distractor every time."""
    kind, body = content["type"], content["body"]
    options = _authored_to_shown(presentation, presentation.options)
    if kind == "single_choice":
        distractors = [o["id"] for o in body["options"] if o["id"] != body["key"]]
        if lure:
            return options[distractors[0]]
        weights = [0.2 + 2 * _unit(content["stem"], d) for d in distractors]  # some distractors work better
        return options[rng.choices(distractors, weights)[0]]
    if kind == "true_false":
        return options["false" if body["key"] else "true"]
    slips = 1 + (rng.random() < 0.5) + (rng.random() < 0.25)  # how many things go wrong in a composite answer
    if kind == "multiple_response":
        keyed = list(body["key"])
        chosen = set(keyed)
        for _ in range(slips):  # each slip misses a keyed option or adds a wrong one: never back to the key
            missable = [k for k in keyed if k in chosen]
            addable = [o["id"] for o in body["options"] if o["id"] not in keyed and o["id"] not in chosen]
            if len(missable) > 1 and (not addable or rng.random() < 0.5):
                chosen.discard(rng.choice(missable))
            elif addable:
                chosen.add(rng.choice(addable))
        return [options[o["id"]] for o in body["options"] if o["id"] in chosen]
    if kind == "ordering":
        keyed = [o["id"] for o in body["options"]]
        order = list(keyed)
        for _ in range(slips):  # neighbouring steps swapped
            step = rng.randrange(len(order) - 1)
            order[step], order[step + 1] = order[step + 1], order[step]
        if order == keyed:  # two slips cancelled out
            order[0], order[-1] = order[-1], order[0]
        return [options[o] for o in order]
    if kind == "matching":
        prompts = _authored_to_shown(presentation, presentation.prompts)
        responses = _authored_to_shown(presentation, presentation.responses)
        given = {p["id"]: p["id"] for p in body["pairs"]}
        for missed in rng.sample(sorted(given), min(slips, len(given))):
            given[missed] = rng.choice(sorted(r for r in responses if r != missed))
        return {prompts[k]: responses[v] for k, v in given.items()}
    if kind == "numeric":
        low, high = numeric.bounds(body)
        known = [w["answer"] for w in body["wrong_answers"] if not low <= w["answer"] <= high]
        if known and rng.random() < 0.8:
            return _number(rng.choice(known))
        centre = (low + high) / 2
        guess = centre * rng.choice((10, 0.1, 3)) if centre else 10.0
        if low <= guess <= high:
            guess = high + 10 * (1 + abs(high))
        return _number(guess)
    if kind == "short_answer":
        known = [w["answer"] for w in body["wrong_answers"]]
        return rng.choice(known) if known else "not sure"
    raise ValueError(f"unknown item type {kind!r}")


@dataclass(frozen=True)
class ItemModel:
    """Item response parameters of one item version."""

    a: float  # discrimination (negative: the stronger the candidate, the likelier a wrong answer)
    b: float  # difficulty, on the ability scale
    c: float = 0.0  # guessing floor
    fault: str = ""

    def probability(self, theta: float) -> float:
        return self.c + (1 - self.c) / (1 + math.exp(-1.7 * self.a * (theta - self.b)))


def item_model(ref: str, bloom: str, kind: str) -> ItemModel:
    """Parameters fixed by the item's ref, so every run (and every version of the item) behaves the same."""
    fault = FAULTY_ITEMS.get(ref, "")
    if fault == "check the key":
        return ItemModel(-1.2, 0.4, 0.0, fault)
    if fault == "too easy":
        return ItemModel(1.0, -9.0, 0.0, fault)
    if fault == "too hard":
        return ItemModel(0.9, 4.0, 0.0, fault)
    b = BLOOM_DIFFICULTY.get(bloom, 0.0) + 1.2 * (_unit(ref, "b") - 0.5)
    a = 0.55 + 0.6 * _unit(ref, "a")
    return ItemModel(a, b, GUESSING.get(kind, 0.0))
