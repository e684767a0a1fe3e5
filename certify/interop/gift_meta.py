"""The `// certify: {json}` comment written before each exported GIFT question and read back on import.

One line: `// certify: ` and a compact JSON object holding what GIFT cannot (see certify.interop.gift).
"""

from __future__ import annotations

import json
from typing import Any

from certify.core.banks import COMMON_FIELDS

META_PREFIX = "// certify:"
META_KEYS = (COMMON_FIELDS - {"id", "stem", "rationale"}) | {"ids", "rationales", "prompts", "scoring", "unit"}
META_KEYS |= {"patterns", "case_sensitive", "collapse_whitespace"}


def option_ids(count: int) -> list[str]:
    """The ids given to options, pairs and steps when the metadata does not name them: a, b, c..."""
    return [chr(ord("a") + i) if i < 26 else f"o{i + 1}" for i in range(count)]


def write_metadata(meta: dict[str, Any]) -> str:
    return f"{META_PREFIX} {json.dumps(meta, ensure_ascii=False, separators=(',', ':'))}"


def read_metadata(comments: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
    """The metadata from the last `// certify:` comment, and warnings for what was ignored."""
    lines = [c for c in comments if c.startswith(META_PREFIX)]
    if not lines:
        return {}, []
    try:
        meta = json.loads(lines[-1][len(META_PREFIX) :])
    except json.JSONDecodeError:
        meta = None
    if not isinstance(meta, dict):
        return {}, [f"ignored a `{META_PREFIX}` comment that is not a JSON object"]
    warnings = [f"ignored unknown `{META_PREFIX}` field {key!r}" for key in sorted(set(meta) - META_KEYS)]
    return {k: v for k, v in meta.items() if k in META_KEYS}, warnings
