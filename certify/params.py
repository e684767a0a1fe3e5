"""Reading numbers from form fields and JSON bodies, where anything may arrive."""

from __future__ import annotations

DATABASE_INT_MAX = 2**31 - 1  # the largest value an INTEGER column holds on PostgreSQL


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


def is_sequence_number(value: object) -> bool:
    """A save's sequence number: a whole number from 1 up to what an INTEGER column holds (never a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= DATABASE_INT_MAX
