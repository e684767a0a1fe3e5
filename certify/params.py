"""Reading numbers from form fields and JSON bodies, where anything may arrive."""

from __future__ import annotations

import json
import re
from typing import Any


def whole_number(value: object, default: int = 0) -> int:
    """`value` as an int, or `default` when it is missing or not a whole number (booleans included)."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return default


# Strings (with their escapes) are skipped whole, so brackets inside them do not count as nesting.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


class JSONInputError(ValueError):
    """A JSON body that cannot be read; the message says why, for the person who sent it."""


def json_document(raw: bytes | str, max_depth: int = 32) -> Any:
    """Parse untrusted JSON, refusing nesting deeper than `max_depth` before the parser ever recurses.

    Python's parser (and anything that walks the result recursively) meets deep nesting with a
    RecursionError; measuring the depth first, without recursion, turns it into a clear refusal.
    """
    try:
        source = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise JSONInputError(f"That is not valid JSON ({exc}).") from None
    depth = 0
    for token in _JSON_TOKENS.finditer(source):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > max_depth:
                raise JSONInputError(f"That JSON is nested more than {max_depth} levels deep; no credential is.")
        elif bracket in "]}":
            depth -= 1
    try:
        return json.loads(source)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise JSONInputError(f"That is not valid JSON ({exc}).") from None
