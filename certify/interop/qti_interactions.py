"""Reading each supported QTI interaction into the type-specific fields of a Certify item.

Readers work on documents already passed through `qti_xml.normalise`, so the
same code reads QTI 2.1, 2.2 and 3.0. Each returns the fields of our YAML
source shape (`type`, `options`, `key`, ...); `parse_item` validates them.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from dataclasses import dataclass, field
from typing import Any

from certify.interop.qti_credit import Mapping, multiple_rule, single_credit
from certify.interop.qti_processing import Processing
from certify.interop.qti_xml import Doc, children, to_text

SUPPORTED = ("choice", "order", "match", "associate", "text-entry", "inline-choice")
INLINE = frozenset({"text-entry-interaction", "inline-choice-interaction"})
IGNORED = frozenset({"end-attempt-interaction"})
SCORED_BY_PEOPLE = frozenset({"extended-text-interaction", "upload-interaction", "drawing-interaction"})


class Invalid(ValueError):
    """The interaction cannot become a Certify item; the item is skipped, naming `line`."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Context:
    doc: Doc
    interaction: ET.Element
    declaration: ET.Element
    processing: Processing = field(default_factory=lambda: Processing("none"))
    warnings: list[str] = field(default_factory=list)  # what the item loses, as sentences
    used: set[int] = field(default_factory=set)  # feedback elements that found a place in the item
    rules_read: bool = False  # a reader interpreted the custom response processing itself (and said what it lost)

    @property
    def scoring(self) -> str:
        """match_correct, map_response, map_response_point, custom or none."""
        return self.processing.kind

    def invalid(self, message: str, element: ET.Element | None = None) -> Invalid:
        return Invalid(message, self.doc.line(element if element is not None else self.interaction))

    def correct(self) -> list[str]:
        holder = children(self.declaration, "correct-response")
        return [" ".join((v.text or "").split()) for h in holder for v in children(h, "value")]

    def mapping(self) -> Mapping | None:
        """The declaration's mapping, or None when it has none."""
        found = children(self.declaration, "mapping")
        if not found:
            return None
        mapping = found[0]
        entries: dict[str, float] = {}
        sensitive: dict[str, bool] = {}
        for entry in children(mapping, "map-entry"):
            value = number_or_none(entry.get("mapped-value"))
            if value is None:
                raise self.invalid(f"map entry {entry.get('map-key')!r} has no numeric mapped value", entry)
            key = " ".join(entry.get("map-key", "").split())
            entries.setdefault(key, value)  # QTI keys are unique; the first one counts
            sensitive.setdefault(key, entry.get("case-sensitive", "true").strip().lower() != "false")
        default = number_or_none(mapping.get("default-value")) or 0.0
        lower, upper = number_or_none(mapping.get("lower-bound")), number_or_none(mapping.get("upper-bound"))
        return Mapping(entries, sensitive, default, lower, upper)

    def scoring_mapping(self) -> Mapping | None:
        """The mapping when mapResponse scores the item (a mapping match_correct ignores is not credit)."""
        return self.mapping() if self.scoring == "map_response" else None

    def keyed(self) -> list[str]:
        """The correct response, or the positively mapped keys when there is none."""
        mapping = self.mapping()
        return self.correct() or ([k for k, v in mapping.entries.items() if v > 0] if mapping else [])


def number_or_none(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def feedback_of(ctx: Context, element: ET.Element) -> str:
    """The inline feedback written inside a choice, which becomes that choice's rationale."""
    found = list(element.iter("feedback-inline"))
    ctx.used.update(id(f) for f in found)
    return "\n\n".join(t for f in found if (t := to_text(f)))


def choices_of(ctx: Context, tag: str, parent: ET.Element | None = None) -> list[dict[str, str]]:
    options = []
    for choice in children(parent if parent is not None else ctx.interaction, tag):
        ident = choice.get("identifier", "").strip()
        if not ident:
            raise ctx.invalid(f"a <{tag}> has no identifier", choice)
        options.append({"id": ident, "text": to_text(choice), "rationale": feedback_of(ctx, choice)})
    if not options:
        raise ctx.invalid(f"the interaction has no <{tag}> choices")
    return options


def shuffle_of(ctx: Context, tag: str) -> bool:
    """Whether to shuffle: QTI may pin some choices in place, Certify shuffles all options or none."""
    if ctx.interaction.get("shuffle", "false").strip() != "true":
        return False
    choices = list(ctx.interaction.iter(tag))
    fixed = [c.get("identifier", "") for c in choices if c.get("fixed", "false").strip() == "true"]
    if fixed and len(fixed) < len(choices):
        ctx.warnings.append(
            f"choice(s) {', '.join(fixed)} stay in place while the others shuffle in QTI; Certify shuffles all "
            "options or none, so this item is not shuffled"
        )
        return False
    return not fixed


def _known(ctx: Context, keys: list[str], options: list[dict[str, str]]) -> None:
    ids = {o["id"] for o in options}
    unknown = [k for k in keys if k not in ids]
    if unknown:
        raise ctx.invalid(f"the correct response names choices that do not exist: {', '.join(unknown)}")


def _is_true_false(options: list[dict[str, str]]) -> bool:
    return len(options) == 2 and sorted(o["text"].strip().casefold() for o in options) == ["false", "true"]


def _max_choices(ctx: Context) -> int:
    try:
        return max(0, int(ctx.interaction.get("max-choices", "1").strip()))
    except ValueError:
        return 0


def read_choice(ctx: Context) -> dict[str, Any]:
    options = choices_of(ctx, "simple-choice")
    ids = [o["id"] for o in options]
    shuffle = shuffle_of(ctx, "simple-choice")
    mapping = ctx.scoring_mapping()
    cardinality = ctx.declaration.get("cardinality", "").strip()
    if cardinality == "single" or (not cardinality and _max_choices(ctx) == 1):
        key, credit = _single_key(ctx, ids, mapping)
        keyed = next(o for o in options if o["id"] == key)
        if _is_true_false(options):
            wrong = next(o for o in options if o is not keyed)
            if credit:
                ctx.warnings.append(
                    f"choice {wrong['id']} earns partial credit in QTI; true/false earns all or nothing"
                )
            return {
                "type": "true_false",
                "key": keyed["text"].strip().casefold() == "true",
                "wrong_rationale": wrong["rationale"],
                "_key_feedback": keyed["rationale"],
            }
        fields = {"type": "single_choice", "options": options, "key": key, "shuffle": shuffle}
        return {**fields, "credit": credit} if credit else fields
    keys = ctx.keyed()
    _known(ctx, keys, options)
    if not keys:
        raise ctx.invalid("the item has no correct response")
    rule = "all_or_nothing"
    if mapping is not None:
        try:
            rule, warnings = multiple_rule(ids, list(dict.fromkeys(keys)), mapping, _max_choices(ctx))
        except ValueError as exc:
            raise ctx.invalid(str(exc)) from None
        ctx.warnings.extend(warnings)
    return {
        "type": "multiple_response",
        "options": options,
        "key": list(dict.fromkeys(keys)),
        "scoring": rule,
        "shuffle": shuffle,
    }


def _single_key(ctx: Context, ids: list[str], mapping: Mapping | None) -> tuple[str, dict[str, float]]:
    """The key of a single-cardinality choice and the partial credit its mapping gives other choices."""
    if mapping is not None:
        _known(ctx, ctx.correct(), [{"id": i} for i in ids])
        try:
            key, credit, warnings = single_credit(ids, ctx.correct(), mapping)
        except ValueError as exc:
            raise ctx.invalid(str(exc)) from None
        ctx.warnings.extend(warnings)
        return key, credit
    keys = ctx.keyed()
    _known(ctx, keys, [{"id": i} for i in ids])
    if not keys:
        raise ctx.invalid("the item has no correct response")
    if len(keys) != 1:
        raise ctx.invalid("a single-choice interaction needs exactly one correct choice")
    return keys[0], {}


def read_order(ctx: Context) -> dict[str, Any]:
    options = choices_of(ctx, "simple-choice")
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


def read_inline_choice(ctx: Context) -> dict[str, Any]:
    options = choices_of(ctx, "inline-choice")
    key, credit = _single_key(ctx, [o["id"] for o in options], ctx.scoring_mapping())
    fields = {"type": "single_choice", "options": options, "key": key, "shuffle": shuffle_of(ctx, "inline-choice")}
    return {**fields, "credit": credit} if credit else fields
