"""GIFT text to a Certify Bank, following the import rules every reader shares (certify.core.imports).

See `certify.interop.gift` for the mapping and the `// certify: {json}` metadata comment, and
`certify.interop.gift_types` for how each question type's answers become an item's fields.
A question that cannot become an item is a skip naming it (its `::title::`, else "question N");
warnings about an imported item name it by its id.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from certify.core.banks import ID_PATTERN, Bank, Item, parse_item
from certify.core.imports import IMPORTED_STATUS, competency_for, rationale_or_marker, rationale_warning, skip, unmapped
from certify.core.source import Located, Problem
from certify.interop.gift_meta import read_metadata
from certify.interop.gift_parser import BadQuestion, ParsedQuestion, read_gift
from certify.interop.gift_types import Unusable, answer_fields, text_of

# The Certify item types each GIFT question type can become.
FITS = {
    "MC": ("single_choice", "multiple_response"),
    "TF": ("true_false",),
    "Short": ("short_answer",),
    "Numerical": ("numeric",),
    "Matching": ("matching", "ordering", "short_answer"),  # short answers whose every answer has '->'
    "Essay": ("short_answer",),  # a short answer with patterns only has no GIFT answers
}
NOT_ITEMS = {
    "Essay": "an essay question needs a human marker; Certify has no essay item",
    "Description": "not a question: text without an answer block (a Moodle description)",
}
_MOODLE_FILE = re.compile(r"@@PLUGINFILE@@/([^\"'\s)>]+)")
_KEPT_FROM_METADATA = ("references", "shuffle", "allow_all_none", "enemies", "stimulus")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


class _Reader:
    def __init__(
        self,
        filename: str,
        competencies: Collection[str],
        category_map: Mapping[str, str],
        default_competency: str,
        default_bloom: str,
    ) -> None:
        self.filename = filename
        self.competencies = competencies
        self.category_map = category_map
        self.default_competency = default_competency if default_competency in competencies else ""
        self.default_bloom = default_bloom
        self.problems: list[Problem] = []
        self.defaulted: set[str] = set()  # categories already reported as falling back to the default
        self.needing_rationale = 0
        self.category, self.category_line = "", 0  # the `$CATEGORY` in force ("" before the first one)

    def warn(self, line: int, message: str, item: str = "") -> None:
        self.problems.append(Problem(self.filename, line, message, "warning", item=item))

    def skip(self, line: int, label: str, reason: str) -> None:
        self.problems.append(skip(self.filename, line, label, reason))

    def competency(self, meta: Mapping[str, Any], line: int) -> str | None:
        """The item's competency: its metadata's, else its category's (see certify.core.imports), else None."""
        chosen = meta.get("competency")
        if isinstance(chosen, str) and chosen in self.competencies:
            return chosen
        if chosen is not None:
            self.warn(line, f"metadata competency {chosen!r} is not one of this platform's; the category decides")
        category = self.category
        found = competency_for(category, self.competencies, self.category_map)
        if found is None and category and self.default_competency and category not in self.defaulted:
            self.defaulted.add(category)
            where = f"category {category!r} names no competency"
            self.warn(self.category_line, f"{where}; its questions go to {self.default_competency}")
        return found or self.default_competency or None

    def convert(self, question: ParsedQuestion, ref: str, label: str) -> Item | None:
        data, line, kind = question.data, question.line, question.data["type"]
        meta, meta_warnings = read_metadata(question.comments)
        for warning in meta_warnings:
            self.warn(line, f"item {ref}: {warning}", ref)
        wanted = meta.get("type")
        if wanted is not None and wanted not in FITS.get(kind, ()):
            self.warn(line, f"item {ref}: metadata type {wanted!r} does not fit a GIFT {kind} question; ignored", ref)
            wanted = None
        if kind in NOT_ITEMS and wanted is None:
            self.skip(line, label, NOT_ITEMS[kind])
            return None
        competency = self.competency(meta, line)
        if competency is None:
            self.problems.append(unmapped(self.filename, line, label, self.category))
            return None
        try:
            fields, notes = answer_fields(question, meta, wanted)
        except Unusable as exc:
            self.skip(line, label, str(exc))
            return None
        found_rationale = text_of(data.get("globalFeedback"))
        title = meta.get("title", "" if ref == data["title"] else data["title"] or "")
        raw = Located(
            {
                "id": ref,
                "competency": competency,
                "bloom": meta.get("bloom", self.default_bloom),
                "status": meta.get("status", IMPORTED_STATUS) if found_rationale else IMPORTED_STATUS,
                **({"title": title} if title else {}),
                "stem": data["stem"]["text"],
                "rationale": rationale_or_marker(found_rationale),
                **{k: meta[k] for k in _KEPT_FROM_METADATA if k in meta},
                **fields,
            }
        )
        raw.line, raw.key_lines = line, {}
        item, problems = parse_item(
            raw, self.filename, default_competency="", competencies=self.competencies, fallback_line=line
        )
        if item is None:
            prefix = f"item {ref}: "
            reasons = [p.message.removeprefix(prefix) for p in problems]
            self.skip(line, label, "; ".join(reasons) or "it is not a valid item")
            return None
        for note in notes:
            self.warn(line, f"item {ref}: {note}", ref)
        for name in dict.fromkeys(m for text in _strings(dict(raw)) for m in _MOODLE_FILE.findall(text)):
            self.warn(
                line,
                f"item {ref}: the file {name!r} it shows is not in the GIFT file (Moodle's GIFT export leaves "
                "files out; export the questions as Moodle XML to bring them)",
                ref,
            )
        if not found_rationale:
            self.needing_rationale += 1
        return item


def _ref(data: Mapping[str, Any], number: int, bank_id: str, *taken: Collection[str]) -> str:
    """The item id: Moodle's id number, else the title, when a valid id; else `<bank_id>-NNN` not taken."""
    for candidate in (data.get("id"), data.get("title")):
        if isinstance(candidate, str) and ID_PATTERN.match(candidate.strip()):
            return candidate.strip()
    serial = number
    while any(f"{bank_id}-{serial:03d}" in names for names in taken):
        serial += 1
    return f"{bank_id}-{serial:03d}"


def gift_to_bank(
    text: str,
    filename: str,
    *,
    competencies: Collection[str],
    bank_id: str,
    title: str,
    default_competency: str = "",
    category_map: Mapping[str, str] | None = None,
    default_bloom: str = "apply",
) -> tuple[Bank | None, list[Problem]]:
    """A Bank from GIFT text and every problem: unusable questions are skips, losses are warnings.

    (None, [error]) only when the text holds no question, the bank id is not an id, or no question
    could be imported.
    """
    if not ID_PATTERN.match(bank_id):
        return None, [Problem(filename, 0, f"bank id {bank_id!r} is not a simple identifier")]
    questions = read_gift(text)
    if not any(isinstance(q, BadQuestion) or q.data["type"] != "Category" for q in questions):
        return None, [Problem(filename, 1, "no questions found in the GIFT text")]
    reader = _Reader(filename, competencies, category_map or {}, default_competency, default_bloom)
    taken = {
        str(name).strip()
        for q in questions
        for name in ((q.title,) if isinstance(q, BadQuestion) else (q.data.get("id"), q.data.get("title")))
        if name
    }
    items: list[Item] = []
    seen: dict[str, int] = {}
    number = 0
    for question in questions:
        if isinstance(question, BadQuestion):
            number += 1
            reader.skip(question.error.line, question.title or f"question {number}", question.error.message)
            continue
        data = question.data
        if data["type"] == "Category":
            reader.category, reader.category_line = data["title"], question.line
            continue
        number += 1
        label = data["title"] or f"question {number}"
        ref = _ref(data, number, bank_id, taken, seen)
        if ref in seen:
            reader.skip(question.line, label, f"its id {ref!r} is already used by the question at line {seen[ref]}")
            continue
        item = reader.convert(question, ref, label)
        if item is not None:
            seen[ref] = question.line
            items.append(item)
    problems = reader.problems
    if reader.needing_rationale:
        problems.append(rationale_warning(filename, reader.needing_rationale, "GIFT"))
    if not items:
        problems.append(Problem(filename, 0, "no question could be imported"))
        return None, problems
    return Bank(bank_id, title, "certification", tuple(items), filename), problems
