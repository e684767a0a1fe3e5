"""Single choice: one keyed option among several."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from certify.core.items.base import Choice, ItemError, choices_from_data, choices_to_data, parse_choices

name = "single_choice"
label = "Single choice"


def parse_body(raw: Mapping[str, Any]) -> dict[str, Any]:
    options = parse_choices(raw, minimum=2)
    key = raw.get("key")
    if not isinstance(key, str) or key not in {o.id for o in options}:
        raise ItemError(f"`key` must be the id of one option, got {key!r}", "key")
    return {"options": choices_to_data(options), "key": key}


def choices(body: Mapping[str, Any]) -> Sequence[Choice]:
    return choices_from_data(body["options"])


def key_ids(body: Mapping[str, Any]) -> Sequence[str]:
    return [body["key"]]


def normalise_response(body: Mapping[str, Any], answer: Any) -> Any:
    if answer is None:
        return None
    if not isinstance(answer, str) or answer not in {o["id"] for o in body["options"]}:
        raise ItemError("choose one of the options")
    return answer


def score(body: Mapping[str, Any], answer: Any) -> float:
    return 1.0 if answer == body["key"] else 0.0


def describe_key(body: Mapping[str, Any]) -> str:
    return str(next(o["text"] for o in body["options"] if o["id"] == body["key"]))
