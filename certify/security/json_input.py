"""Reading untrusted JSON defensively: bounded size and nesting, a clear reason when refused.

Python's parser (and anything that walks the result recursively) meets deep nesting with a
RecursionError, which would escape as a 500. The depth is measured first, without recursion,
so every malformed, oversized or overly deep document becomes a `JsonRefused` with a message
for the sender. The runner API, the portfolio and review autosaves and the credential check
all read JSON through here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

MAX_DEPTH = 32
MAX_BODY_BYTES = 64 * 1024

# Strings (with their escapes) are skipped whole, so brackets inside them do not count as nesting.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


class JsonRefused(ValueError):
    """A document that is not acceptable JSON; the message says why, for the person who sent it."""


def parse_json(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse untrusted JSON, refusing nesting deeper than `max_depth` before the parser ever recurses."""
    try:
        source = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise JsonRefused("That is not valid JSON (it is not UTF-8 text).") from None
    depth = 0
    for token in _JSON_TOKENS.finditer(source):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > max_depth:
                raise JsonRefused(f"The JSON is nested too deeply (at most {max_depth} levels).")
        elif bracket in "]}":
            depth -= 1
    try:
        return json.loads(source)
    except RecursionError:
        raise JsonRefused(f"The JSON is nested too deeply (at most {max_depth} levels).") from None
    except ValueError as exc:  # JSONDecodeError, and integers too long to convert
        raise JsonRefused(f"That is not valid JSON ({exc}).") from None


def json_object(max_bytes: int = MAX_BODY_BYTES, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The request body as a JSON object; raises JsonRefused for anything else."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise JsonRefused(f"The request body is larger than {max_bytes} bytes.")
    raw = request.get_data(cache=True)
    if len(raw) > max_bytes:
        raise JsonRefused(f"The request body is larger than {max_bytes} bytes.")
    body = parse_json(raw, max_depth)
    if not isinstance(body, dict):
        raise JsonRefused("Send a JSON object.")
    return body
