"""Choice items in the analysis: their authored options and key, and a candidate's answer read back in authored ids.

A candidate's page shows opaque option ids, derived from the attempt's seed and the slot's position
(certify.core.delivery.opaque_id); the distractor analysis needs the authored ids behind them.
"""

from __future__ import annotations

from typing import Any

from certify.core.delivery import opaque_id

CHOICE_TYPES = ("single_choice", "multiple_response", "true_false")


def options_and_key(content: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The authored option ids and the keyed ones (empty for items that are not choice items)."""
    kind, body = content["type"], content["body"]
    if kind == "true_false":
        return ("true", "false"), ("true" if body["key"] else "false",)
    if kind in ("single_choice", "multiple_response"):
        key = body["key"] if isinstance(body["key"], list) else [body["key"]]
        return tuple(o["id"] for o in body["options"]), tuple(key)
    return (), ()


def authored_choice(content: dict[str, Any], seed: str, answer: Any) -> tuple[str, ...] | None:
    """The authored option ids behind an answer given in shown ids (choice items only)."""
    if answer is None:
        return None
    if isinstance(answer, bool):
        return ("true" if answer else "false",)
    options, _key = options_and_key(content)
    shown = {opaque_id(f"{seed}:options", real): real for real in options}
    picked = answer if isinstance(answer, list) else [answer]
    return tuple(shown[a] for a in picked if isinstance(a, str) and a in shown)
