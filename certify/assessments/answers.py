"""Reading answers from HTML form posts (the no-JavaScript path), in the ids the page showed."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from certify.core.delivery import Presentation
from certify.core.items import ItemError


def answer_from_form(presentation: Presentation, form: MultiDict[str, str], name: str) -> Any:
    """The answer to one item from a form, in shown ids; None if left blank. Raises ItemError."""
    kind = presentation.type
    if kind in ("single_choice", "true_false"):
        return form.get(name) or None
    if kind == "multiple_response":
        return form.getlist(name) or None
    if kind == "matching":
        chosen = {p.id: form.get(f"{name}-{p.id}", "") for p in presentation.prompts}
        return {k: v for k, v in chosen.items() if v} or None
    if kind == "ordering":
        positions: dict[str, int] = {}
        for step in presentation.options:
            raw = form.get(f"{name}-{step.id}", "")
            if not raw:
                continue
            try:
                positions[step.id] = int(raw)
            except ValueError:
                raise ItemError("choose a position number for each step") from None
        if not positions:
            return None
        if len(positions) != len(presentation.options):
            raise ItemError("give every step a position")
        if sorted(positions.values()) != list(range(1, len(presentation.options) + 1)):
            raise ItemError("use each position once")
        return sorted(positions, key=positions.__getitem__)
    value = form.get(name, "")
    return value if value.strip() else None
