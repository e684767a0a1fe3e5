"""True/false: a statement judged true or false."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from certify.core.items.base import Choice, ItemError, text_field

name = "true_false"
label = "True/false"


def parse_body(raw: Mapping[str, Any]) -> dict[str, Any]:
    key = raw.get("key")
    if not isinstance(key, bool):
        raise ItemError("`key` must be true or false", "key")
    return {"key": key, "wrong_rationale": text_field(raw, "wrong_rationale", required=False)}


def choices(body: Mapping[str, Any]) -> Sequence[Choice]:
    # The wrong answer's rationale is `wrong_rationale`; the right one's is the item's.
    return [
        Choice("true", "True", "" if body["key"] else body.get("wrong_rationale", "")),
        Choice("false", "False", body.get("wrong_rationale", "") if body["key"] else ""),
    ]


def key_ids(body: Mapping[str, Any]) -> Sequence[str]:
    return ["true" if body["key"] else "false"]


def normalise_response(body: Mapping[str, Any], answer: Any) -> Any:
    if answer is None or isinstance(answer, bool):
        return answer
    if answer in ("true", "false"):
        return answer == "true"
    raise ItemError("answer true or false")


def score(body: Mapping[str, Any], answer: Any) -> float:
    return 1.0 if answer is not None and answer == body["key"] else 0.0


def describe_key(body: Mapping[str, Any]) -> str:
    return "True" if body["key"] else "False"
