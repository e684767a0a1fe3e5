"""Single choice: one keyed option among several, and optionally partial credit for some others.

`credit` (optional, absent when empty so older items keep their content hash) maps an option id to the
fraction of the item's credit it earns, strictly between 0 and 1: Moodle's single-answer multichoice with
`~%50%` options (GIFT) or fractions (Moodle XML), and QTI's mapResponse on a single-cardinality choice. The
key earns 1, an option without credit 0.
"""

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
    body: dict[str, Any] = {"options": choices_to_data(options), "key": key}
    credit = _credit(raw.get("credit"), {o.id for o in options}, key)
    if credit:
        body["credit"] = credit
    return body


def _credit(raw: Any, ids: set[str], key: str) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ItemError("`credit` must map option ids to a fraction of the credit, such as {b: 0.5}", "credit")
    credit: dict[str, float] = {}
    for option, value in raw.items():
        if option not in ids:
            raise ItemError(f"`credit` names {option!r}, which is not an option", "credit")
        if option == key:
            raise ItemError(f"`credit` names the key {key!r}, which always earns full credit", "credit")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise ItemError(f"`credit` for {option!r} must be a fraction between 0 and 1, got {value!r}", "credit")
        credit[str(option)] = round(float(value), 7)
    return credit


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
    if answer == body["key"]:
        return 1.0
    return float(body.get("credit", {}).get(answer, 0.0)) if isinstance(answer, str) else 0.0


def describe_key(body: Mapping[str, Any]) -> str:
    key = str(next(o["text"] for o in body["options"] if o["id"] == body["key"]))
    texts = {o["id"]: o["text"] for o in body["options"]}
    partial = [f"{texts[i]} ({value:.0%})" for i, value in body.get("credit", {}).items()]
    return f"{key}; partial credit: {'; '.join(partial)}" if partial else key
