"""Importing one QTI 2.1, 2.2 or 3.0 assessment item as a Certify item.

Two paths:

* With Certify's metadata (the item's source fields as JSON, written by
  `write_qti3_package` into certify-metadata.json), the item is rebuilt from it
  exactly, provided the item XML is still what Certify would write for it.
  If someone edited the XML elsewhere, the XML wins and only the id,
  competency, Bloom level, status, references and enemies are kept (with a warning).
* Without it (items from other platforms), everything comes from the XML:
  the competency its category picks (`certify.core.imports.competency_for`),
  Bloom level `default_bloom`, status draft (it goes through review),
  rationales from feedback (or the "needs rationale" marker; the package
  reader says how many once per file).

An item Certify cannot hold is a "skip" naming it and why; whatever an
imported item loses (feedback, partial credit, media, MathML extras) is a
warning naming the item and the loss.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from collections.abc import Callable, Collection, Mapping
from typing import Any

from certify.core.banks import ID_PATTERN, Item, parse_item
from certify.core.imports import IMPORTED_STATUS, NEEDS_RATIONALE, competency_for, rationale_or_marker, skip, unmapped
from certify.core.source import Located, Problem
from certify.interop.qti_interactions import (
    IGNORED,
    INLINE,
    SCORED_BY_PEOPLE,
    Context,
    Invalid,
    read_choice,
    read_inline_choice,
    read_order,
)
from certify.interop.qti_losses import content_losses, excerpt, feedback_losses, rationale_of
from certify.interop.qti_pairs import read_associate, read_match
from certify.interop.qti_processing import processing_of
from certify.interop.qti_text_entry import read_text_entry
from certify.interop.qti_write import item_xml
from certify.interop.qti_xml import (
    BLANK,
    PARA,
    REFUSED,
    Doc,
    canonical,
    children,
    local,
    normalise,
    parse_xml,
    render_into,
)
from certify.interop.qti_xml import to_text as text_of

PLACEHOLDER_RATIONALE = NEEDS_RATIONALE  # the same marker for every format (certify.core.imports)
KEPT_FROM_METADATA = ("id", "competency", "bloom", "status", "references", "enemies")
READERS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "choice-interaction": read_choice,
    "order-interaction": read_order,
    "match-interaction": read_match,
    "associate-interaction": read_associate,
    "text-entry-interaction": read_text_entry,
    "inline-choice-interaction": read_inline_choice,
}


def _located(raw: Mapping[str, Any], line: int) -> Located:
    located = Located(raw)
    located.line = line
    located.key_lines = {}
    return located


def _stem(body: ET.Element) -> str:
    def hook(element: ET.Element, out: list[str]) -> bool:
        if element.tag in INLINE:
            out.append(BLANK)
            return True
        if element.tag.endswith("-interaction"):
            for prompt in children(element, "prompt"):
                out.append(PARA)
                render_into(prompt, out, hook)
                out.append(PARA)
            return True
        return False

    return text_of(body, hook)


def _parse_extension(raw: Located, filename: str, competencies: Collection[str]) -> tuple[Item | None, list[Problem]]:
    """Certify's metadata is untrusted input too: odd shapes are reported, never raised."""
    if any(not isinstance(raw.get(name, ""), str) for name in ("id", "type", "competency", "bloom", "status")):
        return None, [Problem(filename, raw.line, "its id, type, competency, Bloom level and status must be text")]
    try:
        return parse_item(raw, filename, default_competency="", competencies=competencies, fallback_line=raw.line)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return None, [Problem(filename, raw.line, f"it cannot be read ({exc.__class__.__name__})")]


def _check_root(doc: Doc, filename: str) -> Problem | None:
    name = local(doc.root.tag)
    if name == "questestinterop":
        return Problem(filename, 1, "QTI 1.2 is not supported; export the items as QTI 2.1, 2.2 or 3.0")
    if doc.root.tag == "assessment-test" and doc.version:
        return Problem(filename, 1, "this is a QTI assessment test, not an item; import the whole content package")
    if doc.root.tag != "assessment-item" or not doc.version:
        return Problem(filename, 1, f"not a QTI 2.1, 2.2 or 3.0 assessment item (root element <{name}>)")
    return None


def qti_item_to_item(
    xml: bytes,
    filename: str,
    *,
    competencies: Collection[str],
    default_competency: str,
    default_bloom: str = "understand",
    ref_fallback: str,
    extension: Mapping[str, Any] | None = None,
    category: str = "",
    category_map: Mapping[str, str] | None = None,
    attach: Callable[[Doc], tuple[dict[str, Any], list[Problem]]] | None = None,
) -> tuple[Item | None, list[Problem]]:
    """One QTI item as a Certify item, with warnings naming what it lost.

    An item Certify cannot hold is left out with one "skip" Problem naming it (an unsupported
    interaction, a missing declaration, an inconsistent key, no competency for its `category`); only
    a document that cannot be read as an item at all gives (None, [error]). `extension` is Certify's
    metadata for the item, when the package carries it; its competency is the item's category.
    `category` (a package's LOM classification or keyword) picks the competency of other items through
    `category_map` and the competencies' codes and titles, else `default_competency`. `attach` is the
    package's hook (`qti_assets.PackageAssets.hook`): it reads the images and the shared stimulus the
    document points at and returns the fields they add.
    """
    doc, problems = parse_xml(xml, filename)
    if doc is None:
        return None, problems
    normalise(doc)
    wrong_root = _check_root(doc, filename)
    if wrong_root:
        return None, [wrong_root]
    mapping = category_map or {}
    extra, attached = attach(doc) if attach is not None else ({}, [])
    kept: dict[str, Any] = {}
    warnings: list[Problem] = list(attached)
    if extension is not None:
        raw = _located({**extension, **extra}, doc.line(doc.root))
        label = raw["id"] if isinstance(raw.get("id"), str) and raw["id"] else ref_fallback
        code = raw.get("competency")
        if isinstance(code, str) and code not in competencies:
            chosen = competency_for(code, competencies, mapping, default_competency)
            if chosen is None:
                return None, [unmapped(filename, raw.line, label, code)]
            raw["competency"] = chosen
        item, problems = _parse_extension(raw, filename, competencies)
        if item is None:
            return None, [_one_skip(problems, filename, raw.line, label, "in Certify's metadata: ")]
        expected, _ = parse_xml(item_xml(item, doc.root.get("identifier"))[0], filename)
        assert expected is not None  # our own output always parses
        normalise(expected)
        if canonical(expected.root) == canonical(doc.root):
            return item, warnings
        kept = {name: raw[name] for name in KEPT_FROM_METADATA if name in raw}
        message = (
            f"item {item.ref} was changed outside Certify: its QTI content is used and only "
            "its id, competency, Bloom level, status, references and enemies are kept from Certify's metadata"
        )
        warnings.append(Problem(filename, doc.line(doc.root), message, "warning", item=item.ref))
    kept.update(extra)
    found = _Found(doc, filename, kept, ref_fallback)
    category = str(kept.get("competency") or category)
    competency = competency_for(category, competencies, mapping, default_competency)
    item, problems = found.item(competencies, competency, category, default_bloom)
    return item, warnings + problems


def _one_skip(problems: list[Problem], filename: str, line: int, ref: str, context: str = "") -> Problem:
    """The one skip of an item that `parse_item` refused, giving all its reasons (each named once)."""
    reasons = "; ".join(p.message.removeprefix(f"item {ref}: ") for p in problems) or "it is not a valid item"
    first = problems[0] if problems else Problem(filename, line, "")
    return skip(first.file, first.line, ref, f"{context}{reasons}")


class _Skipped(Exception):
    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.line = line


class _Found:
    """An item read from its XML alone (another platform's, or Certify's edited elsewhere)."""

    def __init__(self, doc: Doc, filename: str, kept: Mapping[str, Any], ref_fallback: str) -> None:
        self.doc, self.filename, self.kept = doc, filename, kept
        self.identifier = doc.root.get("identifier", "").strip()
        self.ref = str(kept.get("id") or (self.identifier if ID_PATTERN.match(self.identifier) else ref_fallback))
        self.notes: list[str] = []  # what the item loses, as sentences

    def skipped(self, reason: str, element: ET.Element) -> _Skipped:
        return _Skipped(reason, self.doc.line(element))

    def interaction(self, body: ET.Element) -> ET.Element:
        root = self.doc.root
        if children(root, "template-declaration"):
            reason = "its values are drawn per candidate (a template item); Certify items are fixed"
            raise self.skipped(reason, children(root, "template-declaration")[0])
        interactions = [e for e in body.iter() if e.tag.endswith("-interaction") and e.tag not in IGNORED]
        unsupported = [e for e in interactions if e.tag not in READERS]
        if unsupported:
            names = ", ".join(sorted({e.tag.removesuffix("-interaction") for e in unsupported}))
            if all(e.tag in SCORED_BY_PEOPLE for e in unsupported):
                reason = f"the {names} interaction is scored by people; Certify banks hold machine-scored items"
                raise self.skipped(reason, unsupported[0])
            raise self.skipped(f"the {names} interaction is not supported", unsupported[0])
        if len(interactions) != 1:
            raise self.skipped(f"it has {len(interactions)} interactions; Certify items have exactly one", body)
        return interactions[0]

    def fields(self, interaction: ET.Element) -> tuple[dict[str, Any], set[int]]:
        """The type-specific fields and the feedback elements they used."""
        root = self.doc.root
        response = interaction.get("response-identifier", "").strip()
        declarations = children(root, "response-declaration")
        declaration = next((d for d in declarations if d.get("identifier") == response), None)
        if declaration is None:
            raise self.skipped(f"no response declaration for {response!r}", interaction)
        processing, notes = processing_of(root)
        self.notes.extend(notes)
        context = Context(self.doc, interaction, declaration, processing)
        try:
            fields = READERS[interaction.tag](context)
        except Invalid as exc:
            raise _Skipped(str(exc), exc.line) from None
        if processing.kind == "custom" and not context.rules_read:
            self.notes.append(
                "its response processing neither matches nor maps the answer; Certify scores it against its "
                "correct response"
            )
        elif processing.unread and not context.rules_read:
            operators = ", ".join(f"<{name}>" for name in processing.unread)
            self.notes.append(
                f"its response processing also uses {operators}, which Certify does not read; "
                "Certify scores it from its correct response and mapping"
            )
        self.notes.extend(context.warnings)
        return fields, context.used

    def item(
        self, competencies: Collection[str], competency: str | None, category: str, bloom: str
    ) -> tuple[Item | None, list[Problem]]:
        root = self.doc.root
        body = next(iter(children(root, "item-body")), None)
        try:
            if body is None:
                raise self.skipped("it has no item body", root)
            interaction = self.interaction(body)
            fields, used = self.fields(interaction)
        except _Skipped as skipped:
            return None, [skip(self.filename, skipped.line, self.ref, str(skipped))]
        line = self.doc.line(interaction)
        if competency is None:
            return None, [unmapped(self.filename, self.doc.line(root), self.ref, category)]
        key_feedback = fields.pop("_key_feedback", "")
        text, from_feedback = rationale_of(root, body)
        if root.get("adaptive", "false").strip() == "true":
            self.notes.append("it is adaptive in QTI (several tries, with feedback between them); Certify asks once")
        if key_feedback and text:
            self.notes.append(
                f'the feedback on its right answer ("{excerpt(key_feedback)}") was dropped for the rationale'
            )
        self.notes.extend(feedback_losses(root, used | from_feedback))
        self.notes.extend(content_losses(root, body))
        title = root.get("title", "").strip()
        raw: dict[str, Any] = {
            "id": self.ref,
            "competency": competency,
            "bloom": self.kept.get("bloom", bloom),
            "status": self.kept.get("status", IMPORTED_STATUS),
            "title": "" if title == self.identifier else title,
            "stem": _stem(body),
            "rationale": rationale_or_marker(text or key_feedback),
            **fields,
        }
        raw.update({name: self.kept[name] for name in ("references", "enemies", "stimulus") if name in self.kept})
        located = _located(raw, line)
        item, problems = parse_item(
            located, self.filename, default_competency="", competencies=competencies, fallback_line=line
        )
        if item is None:
            return None, [_one_skip(problems, self.filename, line, self.ref)]
        return item, [
            Problem(self.filename, line, f"item {self.ref}: {n}", "warning", item=self.ref) for n in self.notes
        ]


def in_package(problems: list[Problem], resource: str) -> list[Problem]:
    """An item file's problems as a package reports them: one that cannot be read is a skip, not an error.

    Entities and DTDs stay an error: a package that carries them is refused whole.
    """
    return [
        skip(p.file, p.line, resource, p.message) if p.severity == "error" and p.message != REFUSED else p
        for p in problems
    ]
