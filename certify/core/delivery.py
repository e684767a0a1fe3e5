"""Presenting an item to a candidate: shuffled by a stored seed, with opaque option ids.

The ids a candidate sees are derived from the seed and the authored id, so they
say nothing about the key or the authored order; `to_internal` maps an answer
back before scoring.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from certify.core.items import ItemError, item_type


@dataclass(frozen=True)
class Shown:
    id: str
    text: str


@dataclass(frozen=True)
class Passage:
    """A stimulus the item shares with others (a case, a passage, an exhibit), read beside the question."""

    id: str
    title: str
    text: str  # Markdown


@dataclass(frozen=True)
class Presentation:
    """What a candidate's page needs for one item, and nothing about its key."""

    type: str
    stem: str
    options: tuple[Shown, ...] = ()  # choices, true/false, or the steps to order
    prompts: tuple[Shown, ...] = ()  # matching: the left-hand prompts
    responses: tuple[Shown, ...] = ()  # matching: the responses to choose from
    unit: str = ""
    id_map: Mapping[str, str] = field(default_factory=dict)  # shown id -> authored id (server side only)
    stimulus: Passage | None = None


def opaque_id(seed: str, real_id: str) -> str:
    return "o" + hashlib.sha256(f"{seed}\x00{real_id}".encode()).hexdigest()[:10]


def _shuffled(entries: list[tuple[str, str]], seed: str, salt: str, shuffle: bool) -> list[tuple[str, str]]:
    result = list(entries)
    if shuffle:
        random.Random(f"{seed}:{salt}").shuffle(result)  # noqa: S311 - presentation order, not security
    return result


def present(content: Mapping[str, Any], seed: str) -> Presentation:
    """The candidate's view of an item version's content for a given seed (with its stimulus, if it has one)."""
    shown = _present(content, seed)
    stimulus = content.get("stimulus")
    if not stimulus:
        return shown
    return replace(shown, stimulus=Passage(stimulus["id"], stimulus.get("title", ""), stimulus["text"]))


def _present(content: Mapping[str, Any], seed: str) -> Presentation:
    kind, body, shuffle = content["type"], content["body"], bool(content.get("shuffle", True))
    id_map: dict[str, str] = {}

    def shown(entries: list[tuple[str, str]], salt: str, mix: bool) -> tuple[Shown, ...]:
        items = []
        for real, text in _shuffled(entries, seed, salt, mix):
            hidden = opaque_id(f"{seed}:{salt}", real)
            id_map[hidden] = real
            items.append(Shown(hidden, text))
        return tuple(items)

    if kind in ("single_choice", "multiple_response"):
        options = shown([(o["id"], o["text"]) for o in body["options"]], "options", shuffle)
        return Presentation(kind, content["stem"], options=options, id_map=id_map)
    if kind == "true_false":
        options = shown([("true", "True"), ("false", "False")], "options", False)
        return Presentation(kind, content["stem"], options=options, id_map=id_map)
    if kind == "ordering":  # always shuffled: the authored order is the key
        steps = shown([(o["id"], o["text"]) for o in body["options"]], "options", True)
        if len(steps) > 1 and [id_map[s.id] for s in steps] == [o["id"] for o in body["options"]]:
            steps = steps[1:] + steps[:1]
        return Presentation(kind, content["stem"], options=steps, id_map=id_map)
    if kind == "matching":
        prompts = shown([(p["id"], p["left"]) for p in body["pairs"]], "prompts", False)
        rights = [(p["id"], p["right"]) for p in body["pairs"]] + [(d["id"], d["text"]) for d in body["distractors"]]
        responses = shown(rights, "responses", True)
        return Presentation(kind, content["stem"], prompts=prompts, responses=responses, id_map=id_map)
    return Presentation(kind, content["stem"], unit=str(body.get("unit", "")), id_map=id_map)


def to_internal(content: Mapping[str, Any], presentation: Presentation, answer: Any) -> Any:
    """Map an answer in shown ids to authored ids and check its shape; raise ItemError."""
    kind, ids = content["type"], presentation.id_map

    def real(shown_id: Any) -> str:
        if not isinstance(shown_id, str) or shown_id not in ids:
            raise ItemError("that option is not part of this question")
        return ids[shown_id]

    if answer is None:
        return None
    if kind == "single_choice":
        answer = real(answer)
    elif kind == "true_false" and isinstance(answer, str) and answer in ids:
        answer = ids[answer] == "true"
    elif kind in ("multiple_response", "ordering"):
        if not isinstance(answer, list):
            raise ItemError("send a list of options")
        answer = [real(a) for a in answer]
    elif kind == "matching":
        if not isinstance(answer, Mapping):
            raise ItemError("send an object mapping each prompt to a response")
        answer = {real(k): real(v) for k, v in answer.items() if v not in (None, "")}
    return item_type(kind).normalise_response(content["body"], answer)
