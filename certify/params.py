"""Reading numbers from form fields and JSON bodies, where anything may arrive."""

from __future__ import annotations


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
