"""Reading each supported QTI interaction into the type-specific fields of a Certify item.

Readers work on documents already passed through `qti_xml.normalise`, so the
same code reads QTI 2.1, 2.2 and 3.0. Each returns the fields of our YAML
source shape (`type`, `options`, `key`, ...); `parse_item` validates them.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from certify.interop.qti_xml import Doc, children, to_text

SUPPORTED = ("choice", "order", "match", "associate", "text-entry", "inline-choice")
INLINE = frozenset({"text-entry-interaction", "inline-choice-interaction"})
IGNORED = frozenset({"end-attempt-interaction"})


class Invalid(ValueError):
    """The interaction cannot become a Certify item; reported as an error at `line`."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Context:
    doc: Doc
    interaction: ET.Element
    declaration: ET.Element
    scoring: str  # match_correct, map_response, custom or none

    def invalid(self, message: str, element: ET.Element | None = None) -> Invalid:
        return Invalid(message, self.doc.line(element if element is not None else self.interaction))

    def correct(self) -> list[str]:
        holder = children(self.declaration, "correct-response")
        return [" ".join((v.text or "").split()) for h in holder for v in children(h, "value")]

    def mapping(self) -> tuple[list[tuple[str, float, bool]], float | None]:
        """Map entries (key, value, case sensitive) and the mapping's upper bound."""
        entries: list[tuple[str, float, bool]] = []
        upper = None
        for mapping in children(self.declaration, "mapping"):
            upper = _float(mapping.get("upper-bound"))
            for entry in children(mapping, "map-entry"):
                value = _float(entry.get("mapped-value"))
                if value is None:
                    raise self.invalid(f"map entry {entry.get('map-key')!r} has no numeric mapped value", entry)
                sensitive = entry.get("case-sensitive", "true").strip().lower() != "false"
                entries.append((" ".join(entry.get("map-key", "").split()), value, sensitive))
        return entries, upper

    def keyed(self) -> list[str]:
        """The correct response, or the positively mapped keys when there is none."""
        return self.correct() or [key for key, value, _ in self.mapping()[0] if value > 0]


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def feedback_of(element: ET.Element) -> str:
    return "\n\n".join(t for f in element.iter("feedback-inline") if (t := to_text(f)))


def _options(ctx: Context, tag: str, parent: ET.Element | None = None) -> list[dict[str, str]]:
    options = []
    for choice in children(parent if parent is not None else ctx.interaction, tag):
        ident = choice.get("identifier", "").strip()
        if not ident:
            raise ctx.invalid(f"a <{tag}> has no identifier", choice)
        options.append({"id": ident, "text": to_text(choice), "rationale": feedback_of(choice)})
    if not options:
        raise ctx.invalid(f"the interaction has no <{tag}> choices")
    return options


def _known(ctx: Context, keys: list[str], options: list[dict[str, str]]) -> None:
    ids = {o["id"] for o in options}
    unknown = [k for k in keys if k not in ids]
    if unknown:
        raise ctx.invalid(f"the correct response names choices that do not exist: {', '.join(unknown)}")


def _is_true_false(options: list[dict[str, str]]) -> bool:
    return len(options) == 2 and sorted(o["text"].strip().casefold() for o in options) == ["false", "true"]


def read_choice(ctx: Context) -> dict[str, Any]:
    options = _options(ctx, "simple-choice")
    keys = ctx.keyed()
    _known(ctx, keys, options)
    if not keys:
        raise ctx.invalid("the item has no correct response")
    shuffle = ctx.interaction.get("shuffle", "false").strip() == "true"
    max_choices = ctx.interaction.get("max-choices", "1").strip()
    if max_choices == "1" and ctx.declaration.get("cardinality", "single") == "single":
        if len(keys) != 1:
            raise ctx.invalid("a single-choice interaction needs exactly one correct choice")
        keyed = next(o for o in options if o["id"] == keys[0])
        if _is_true_false(options):
            wrong = next(o for o in options if o is not keyed)
            return {
                "type": "true_false",
                "key": keyed["text"].strip().casefold() == "true",
                "wrong_rationale": wrong["rationale"],
                "_key_feedback": keyed["rationale"],
            }
        return {"type": "single_choice", "options": options, "key": keys[0], "shuffle": shuffle}
    partial = ctx.scoring == "map_response" or (ctx.scoring == "custom" and bool(ctx.mapping()[0]))
    return {
        "type": "multiple_response",
        "options": options,
        "key": list(dict.fromkeys(keys)),
        "scoring": "partial" if partial else "all_or_nothing",
        "shuffle": shuffle,
    }


def read_order(ctx: Context) -> dict[str, Any]:
    options = _options(ctx, "simple-choice")
    order = ctx.correct()
    _known(ctx, order, options)
    if sorted(order) != sorted(o["id"] for o in options):
        raise ctx.invalid("the correct order must list every choice exactly once")
    by_id = {o["id"]: o for o in options}
    return {
        "type": "ordering",
        "options": [by_id[ident] for ident in order],
        "scoring": "all_or_nothing" if ctx.scoring in ("match_correct", "none") else "pairwise",
    }


def _pairs(ctx: Context, sources: list[dict[str, str]], targets: list[dict[str, str]]) -> dict[str, Any]:
    by_id = {o["id"]: o for o in sources + targets}
    chosen: dict[str, str] = {}
    for value in ctx.keyed():
        parts = value.split()
        if len(parts) != 2 or any(p not in by_id for p in parts):
            raise ctx.invalid(f"correct pair {value!r} does not name two choices of the interaction")
        left, right = parts
        if left in chosen:
            raise ctx.invalid(f"prompt {left!r} has more than one correct match; Certify pairs each prompt once")
        if right in chosen.values():
            raise ctx.invalid(f"response {right!r} is the correct match for two prompts; Certify needs one each")
        chosen[left] = right
    if len(chosen) < 2:
        raise ctx.invalid("a matching item needs at least two correct pairs")
    pairs = [
        {
            "id": source["id"],
            "left": source["text"],
            "right": by_id[chosen[source["id"]]]["text"],
            "rationale": by_id[chosen[source["id"]]]["rationale"] or source["rationale"],
        }
        for source in sources
        if source["id"] in chosen
    ]
    used = set(chosen) | set(chosen.values())
    unmatched = [s["id"] for s in sources if s["id"] not in used]
    if unmatched:
        raise ctx.invalid(f"prompt(s) {', '.join(unmatched)} have no correct match")
    distractors = [
        {"id": t["id"], "text": t["text"], "rationale": t["rationale"]} for t in targets if t["id"] not in used
    ]
    return {
        "type": "matching",
        "pairs": pairs,
        "distractors": distractors,
        "scoring": "all_or_nothing" if ctx.scoring == "match_correct" else "partial",
        "shuffle": ctx.interaction.get("shuffle", "false").strip() == "true",
    }


def read_match(ctx: Context) -> dict[str, Any]:
    sets = children(ctx.interaction, "simple-match-set")
    if len(sets) != 2:
        raise ctx.invalid("a match interaction needs exactly two simple match sets")
    return _pairs(
        ctx, _options(ctx, "simple-associable-choice", sets[0]), _options(ctx, "simple-associable-choice", sets[1])
    )


def read_associate(ctx: Context) -> dict[str, Any]:
    choices = _options(ctx, "simple-associable-choice")
    firsts = {value.split()[0] for value in ctx.keyed() if value.split()}
    sources = [c for c in choices if c["id"] in firsts]
    return _pairs(ctx, sources, [c for c in choices if c["id"] not in firsts])


def read_text_entry(ctx: Context) -> dict[str, Any]:
    base_type = ctx.declaration.get("base-type", "string")
    entries, upper = ctx.mapping()
    if base_type in ("float", "integer"):
        values = ctx.correct() or [k for k, v, _ in sorted(entries, key=lambda e: -e[1])[:1]]
        value = _float(values[0]) if values else None
        if value is None:
            raise ctx.invalid("the numeric item has no correct number")
        unit = next((to_text(el) for el in ctx.doc.root.iter("span") if "certify-unit" in el.get("class", "")), "")
        return {"type": "numeric", "value": value, "tolerance": 0.0, "unit": unit}
    if base_type != "string":
        raise ctx.invalid(f"text entry with base type {base_type!r} is not supported")
    full = max((v for _, v, _ in entries), default=0.0)
    if upper is not None:
        full = min(full, upper)
    scoring = [(k, s) for k, v, s in entries if v > 0 and v >= full]
    accepted = list(dict.fromkeys([*ctx.correct(), *(k for k, _ in scoring)]))
    if not accepted:
        raise ctx.invalid("the item has no correct answer")
    return {
        "type": "short_answer",
        "accepted": accepted,
        "case_sensitive": not scoring or any(sensitive for _, sensitive in scoring),
    }


def read_inline_choice(ctx: Context) -> dict[str, Any]:
    options = _options(ctx, "inline-choice")
    keys = ctx.keyed()
    _known(ctx, keys, options)
    if len(keys) != 1:
        raise ctx.invalid("an inline choice needs exactly one correct choice")
    shuffle = ctx.interaction.get("shuffle", "false").strip() == "true"
    return {"type": "single_choice", "options": options, "key": keys[0], "shuffle": shuffle}


READERS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "choice-interaction": read_choice,
    "order-interaction": read_order,
    "match-interaction": read_match,
    "associate-interaction": read_associate,
    "text-entry-interaction": read_text_entry,
    "inline-choice-interaction": read_inline_choice,
}
