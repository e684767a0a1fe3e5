"""Field-by-field differences between the before and after states an audit event records.

Audit events store `before` and `after` as JSON objects. Reading two JSON blobs side by side hides
what changed; this lists each field once, says in words whether it was added, removed, changed or
left as it was, and gives both values as text. Nested objects are walked with dotted names
("levels.C1"); lists and other values are compared and shown whole.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Kind = Literal["added", "removed", "changed", "unchanged"]


@dataclass(frozen=True)
class FieldChange:
    """One field of an audited object: its value before and after, as text ("" when absent)."""

    field: str
    kind: Kind
    before: str
    after: str


def as_text(value: object) -> str:
    """A value as a person reads it: strings as they are, everything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _flatten(value: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping) and item:
            flat.update(_flatten(item, f"{name}."))
        else:
            flat[name] = item
    return flat


def field_changes(before: Mapping[str, object] | None, after: Mapping[str, object] | None) -> list[FieldChange]:
    """Every field in either state, in first-seen order (before's fields, then new ones)."""
    old, new = _flatten(before or {}), _flatten(after or {})
    rows = []
    for name in [*old, *(key for key in new if key not in old)]:
        if name not in new:
            rows.append(FieldChange(name, "removed", as_text(old[name]), ""))
        elif name not in old:
            rows.append(FieldChange(name, "added", "", as_text(new[name])))
        else:
            kind: Kind = "unchanged" if old[name] == new[name] else "changed"
            rows.append(FieldChange(name, kind, as_text(old[name]), as_text(new[name])))
    return rows
