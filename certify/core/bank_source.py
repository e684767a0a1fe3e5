"""Banks written back as the YAML source authors write (the inverse of `certify.core.banks.parse_bank`):
used by export and by round trips through the other formats."""

from __future__ import annotations

from typing import Any

from certify.core.banks import Bank, Item
from certify.core.stimulus import stimulus_source


def bank_to_document(bank: Bank) -> dict[str, Any]:
    """The YAML document for a bank (used by export and round trips)."""
    header: dict[str, Any] = {"id": bank.id, "title": bank.title, "purpose": bank.purpose}
    if bank.description:
        header["description"] = bank.description
    return {"bank": header, "items": [item_to_source(item) for item in bank.items]}


def item_to_source(item: Item) -> dict[str, Any]:
    """An item as authors write it in YAML (the inverse of parse_item)."""
    source: dict[str, Any] = {
        "id": item.ref,
        "type": item.type,
        "competency": item.competency,
        "bloom": item.bloom,
        "status": item.status,
    }
    if item.title:
        source["title"] = item.title
    if item.stimulus:
        source["stimulus"] = stimulus_source(item.stimulus)
    source["stem"] = item.stem
    body = dict(item.body)
    if item.type == "numeric":
        if "min" in body:
            body["range"] = [body.pop("min"), body.pop("max")]
        if not body.get("unit"):
            body.pop("unit", None)
    if item.type == "matching" and not body.get("distractors"):
        body.pop("distractors", None)
    for key in ("wrong_answers", "patterns", "accepted"):
        if key in body and not body[key] and item.type not in ("short_answer",):
            body.pop(key)
    source.update(body)
    source["rationale"] = item.rationale
    if item.references:
        source["references"] = list(item.references)
    if not item.shuffle:
        source["shuffle"] = False
    if item.allow_all_none:
        source["allow_all_none"] = True
    if item.enemies:
        source["enemies"] = list(item.enemies)
    return source
