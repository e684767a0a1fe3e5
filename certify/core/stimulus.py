"""Shared stimuli: a passage, case or exhibit that several items are asked about.

An item names its stimulus in an optional `stimulus` field, a mapping of `id` (a simple identifier, the same
for every item that shares the passage), an optional `title` and the `text` (Markdown, which may show media
as `![alt](media:<sha256>)`). Candidates read it beside the question; it says nothing about the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

STIMULUS_FIELDS = ("id", "title", "text")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # the same rule as item ids (certify.core.banks.ID_PATTERN)


def parse_stimulus(raw: Any) -> dict[str, str] | str:
    """The stimulus as {"id", "title", "text"} (title "" when none), or what is wrong with it."""
    if not isinstance(raw, Mapping):
        return "`stimulus` must be a mapping with an `id` and a `text` (and optionally a `title`)"
    unknown = sorted(str(key) for key in raw if key not in STIMULUS_FIELDS)
    if unknown:
        return f"`stimulus` has unknown field(s) {', '.join(unknown)}; it takes id, title and text"
    values = {name: raw.get(name, "") for name in STIMULUS_FIELDS}
    if not all(isinstance(value, str) for value in values.values()):
        return "the `id`, `title` and `text` of a `stimulus` must be text"
    ident, title, text = (values[name].strip() for name in STIMULUS_FIELDS)
    if not _ID.match(ident):
        return "`stimulus` `id` may use letters, digits, '.', '_' and '-' (at most 64 characters)"
    if not text:
        return f"stimulus {ident} has no `text`"
    return {"id": ident, "title": " ".join(title.split()), "text": text}


def stimulus_source(stimulus: Mapping[str, str]) -> dict[str, str]:
    """The stimulus as authors write it in YAML (no empty title)."""
    source = {"id": stimulus["id"]}
    if stimulus.get("title"):
        source["title"] = stimulus["title"]
    source["text"] = stimulus["text"]
    return source
