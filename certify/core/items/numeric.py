"""Numeric: a number, right within a tolerance of a value or inside a range."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from certify.core.items.base import Choice, ItemError, text_field

name = "numeric"
label = "Numeric"


def _number(raw: Mapping[str, Any], field: str) -> float:
    value = raw.get(field)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ItemError(f"`{field}` must be a number", field)
    return float(value)


def parse_body(raw: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any]
    if "range" in raw:
        bounds = raw["range"]
        if "value" in raw:
            raise ItemError("give either `value` (with `tolerance`) or `range`, not both", "range")
        if not isinstance(bounds, list) or len(bounds) != 2:
            raise ItemError("`range` must be [minimum, maximum]", "range")
        low, high = (_number({"range": b}, "range") for b in bounds)
        if low > high:
            raise ItemError("`range` minimum is above its maximum", "range")
        body = {"min": low, "max": high}
    else:
        value = _number(raw, "value")
        tolerance = _number(raw, "tolerance") if "tolerance" in raw else 0.0
        if tolerance < 0:
            raise ItemError("`tolerance` cannot be negative", "tolerance")
        body = {"value": value, "tolerance": tolerance}
    wrong = raw.get("wrong_answers", [])
    if not isinstance(wrong, list) or not all(isinstance(w, Mapping) for w in wrong):
        raise ItemError("`wrong_answers` must be a list of {answer, rationale}", "wrong_answers")
    body["wrong_answers"] = [
        {"answer": _number(w, "answer"), "rationale": text_field(w, "rationale", required=False)} for w in wrong
    ]
    body["unit"] = text_field(raw, "unit", required=False)
    return body


def bounds(body: Mapping[str, Any]) -> tuple[float, float]:
    if "min" in body:
        return float(body["min"]), float(body["max"])
    return float(body["value"]) - float(body["tolerance"]), float(body["value"]) + float(body["tolerance"])


def choices(body: Mapping[str, Any]) -> Sequence[Choice]:
    return []


def key_ids(body: Mapping[str, Any]) -> Sequence[str]:
    return []


def normalise_response(body: Mapping[str, Any], answer: Any) -> Any:
    if answer is None or answer == "":
        return None
    if isinstance(answer, str):
        try:
            answer = float(answer.strip().replace(",", ""))
        except ValueError:
            raise ItemError("enter a number, using digits (for example 12.5)") from None
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
        raise ItemError("enter a number")
    return float(answer)


def score(body: Mapping[str, Any], answer: Any) -> float:
    if answer is None:
        return 0.0
    low, high = bounds(body)
    # A relative epsilon keeps 0.1 + 0.2 inside a range ending at 0.3.
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    return 1.0 if low - slack <= float(answer) <= high + slack else 0.0


def feedback_for(body: Mapping[str, Any], answer: Any) -> str:
    if answer is None:
        return ""
    return next((w["rationale"] for w in body["wrong_answers"] if math.isclose(w["answer"], answer)), "")


def _fmt(number: float) -> str:
    return f"{number:g}"


def describe_key(body: Mapping[str, Any]) -> str:
    unit = f" {body['unit']}" if body.get("unit") else ""
    if "min" in body:
        return f"between {_fmt(body['min'])} and {_fmt(body['max'])}{unit}"
    if body["tolerance"]:
        return f"{_fmt(body['value'])}{unit} (± {_fmt(body['tolerance'])})"
    return f"{_fmt(body['value'])}{unit}"
