"""Reading JSON request bodies defensively: bounded size and nesting, a clear reason when refused.

`request.get_json` lets a body nested thousands deep escape as RecursionError (a 500); here
every malformed, oversized or overly deep body becomes a `JsonRefused` the view answers with 400.
"""

from __future__ import annotations

import json
from typing import Any

from flask import request

MAX_DEPTH = 32


class JsonRefused(ValueError):
    """A request body that is not acceptable JSON; the message says why, for the client."""


def depth_of(value: Any) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is depth 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return deepest


def json_object(max_bytes: int = 64 * 1024, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The request body as a JSON object; raises JsonRefused for anything else."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise JsonRefused(f"The request body is larger than {max_bytes} bytes.")
    raw = request.get_data(cache=True)
    if len(raw) > max_bytes:
        raise JsonRefused(f"The request body is larger than {max_bytes} bytes.")
    try:
        body = json.loads(raw)
    except RecursionError:
        raise JsonRefused(f"The JSON is nested too deeply (at most {max_depth} levels).") from None
    except ValueError:  # includes UnicodeDecodeError and integers too long to convert
        raise JsonRefused("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise JsonRefused("Send a JSON object.")
    if depth_of(body) > max_depth:
        raise JsonRefused(f"The JSON is nested too deeply (at most {max_depth} levels).")
    return body
