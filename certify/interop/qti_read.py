"""Importing one QTI 2.1, 2.2 or 3.0 assessment item as a Certify item.

Two paths:

* With Certify's metadata (the item's source fields as JSON, written by
  `write_qti3_package` into the manifest), the item is rebuilt from it
  exactly, provided the item XML is still what Certify would write for it.
  If someone edited the XML elsewhere, the XML wins and only the id,
  competency, Bloom level, status, references and enemies are kept (with a warning).
* Without it (items from other platforms), everything comes from the XML:
  competency `default_competency`, Bloom level `default_bloom`, status
  `draft` (it goes through review), rationales from feedback (or a placeholder, with a warning).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from collections.abc import Callable, Collection, Mapping
from typing import Any

from certify.core.banks import ID_PATTERN, Item, parse_item
from certify.core.imports import NEEDS_RATIONALE
from certify.core.source import Located, Problem
from certify.interop.qti_interactions import IGNORED, INLINE, READERS, Context, Invalid
from certify.interop.qti_write import item_xml
from certify.interop.qti_xml import BLANK, PARA, Doc, canonical, children, local, normalise, parse_xml, render_into
from certify.interop.qti_xml import to_text as text_of

PLACEHOLDER_RATIONALE = NEEDS_RATIONALE  # the same marker for every format (certify.core.imports)
_RATIONALE_IDS = frozenset({"rationale", "general", "correct", "solution", "response_correct", "feedback_correct"})
KEPT_FROM_METADATA = ("id", "competency", "bloom", "status", "references", "enemies")


def _located(raw: Mapping[str, Any], line: int) -> Located:
    located = Located(raw)
    located.line = line
    located.key_lines = {}
    return located


def scoring_kind(root: ET.Element, response: str) -> str:
    """Which standard response processing scores the item: match_correct, map_response, custom or none."""
    processing = next(iter(children(root, "response-processing")), None)
    if processing is None:
        return "none"
    template = (processing.get("template") or processing.get("template-location") or "").strip().rstrip("/")
    for name in ("match_correct", "map_response"):
        if template.removesuffix(".xml").endswith(name):
            return name
    tags = {element.tag for element in processing.iter()}
    if "map-response" in tags:
        return "map_response"
    if "match" in tags and "correct" in tags:
        return "match_correct"
    return "custom" if len(processing) else "none"


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


def _rationale(root: ET.Element, body: ET.Element) -> str:
    feedback = children(root, "modal-feedback") + list(body.iter("feedback-block"))
    preferred = [f for f in feedback if f.get("identifier", "").strip().casefold() in _RATIONALE_IDS]
    return "\n\n".join(t for f in preferred or feedback if (t := text_of(f)))


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
    attach: Callable[[Doc], tuple[dict[str, Any], list[Problem]]] | None = None,
) -> tuple[Item | None, list[Problem]]:
    """One QTI item as a Certify item; (None, [warning]) when skipped, (None, [errors]) when invalid.

    `extension` is Certify's metadata for the item (the source fields written
    on export), when the package carries it. `attach` is the package's hook
    (`qti_assets.PackageAssets.hook`): it reads the images and the shared
    stimulus the document points at and returns the fields they add.
    """
    doc, problems = parse_xml(xml, filename)
    if doc is None:
        return None, problems
    normalise(doc)
    wrong_root = _check_root(doc, filename)
    if wrong_root:
        return None, [wrong_root]
    extra, found = attach(doc) if attach is not None else ({}, [])
    kept: dict[str, Any] = {}
    warnings: list[Problem] = list(found)
    if extension is not None:
        raw = _located({**extension, **extra}, doc.line(doc.root))
        item, problems = _parse_extension(raw, filename, competencies)
        if item is None:
            return None, [Problem(p.file, p.line, f"in Certify's metadata: {p.message}", p.severity) for p in problems]
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
        warnings.append(Problem(filename, doc.line(doc.root), message, "warning"))
    kept.update(extra)
    item, problems = _from_xml(doc, filename, competencies, default_competency, default_bloom, ref_fallback, kept)
    return item, warnings + problems


def _from_xml(
    doc: Doc,
    filename: str,
    competencies: Collection[str],
    default_competency: str,
    default_bloom: str,
    ref_fallback: str,
    kept: Mapping[str, Any],
) -> tuple[Item | None, list[Problem]]:
    root = doc.root
    identifier = root.get("identifier", "").strip()
    ref = str(kept.get("id") or (identifier if ID_PATTERN.match(identifier) else ref_fallback))
    label = f"item {ref}"

    def skip(message: str, element: ET.Element) -> tuple[None, list[Problem]]:
        return None, [
            Problem(filename, doc.line(element), f"{label} in {filename}: {message}; item skipped", "warning")
        ]

    body = next(iter(children(root, "item-body")), None)
    if body is None:
        return skip("it has no item body", root)
    interactions = [e for e in body.iter() if e.tag.endswith("-interaction") and e.tag not in IGNORED]
    unsupported = [e for e in interactions if e.tag not in READERS]
    if unsupported:
        names = ", ".join(sorted({e.tag.removesuffix("-interaction") for e in unsupported}))
        return skip(f"the {names} interaction is not supported", unsupported[0])
    if len(interactions) != 1:
        return skip(f"it has {len(interactions)} interactions; Certify items have exactly one", body)
    interaction = interactions[0]
    response = interaction.get("response-identifier", "").strip()
    declaration = next((d for d in children(root, "response-declaration") if d.get("identifier") == response), None)
    if declaration is None:
        return None, [Problem(filename, doc.line(interaction), f"{label}: no response declaration for {response!r}")]
    context = Context(doc, interaction, declaration, scoring_kind(root, response))
    try:
        fields = READERS[interaction.tag](context)
    except Invalid as exc:
        return None, [Problem(filename, exc.line, f"{label}: {exc}")]
    key_feedback = fields.pop("_key_feedback", "")
    problems: list[Problem] = []
    rationale = _rationale(root, body) or key_feedback
    if not rationale:
        rationale = PLACEHOLDER_RATIONALE
        message = f"{label} has no feedback to use as its rationale: a placeholder was set; write one"
        problems.append(Problem(filename, doc.line(root), message, "warning"))
    competency = str(kept.get("competency") or default_competency)
    if not competency:
        message = f"{label}: no competency; choose a default competency for items from other platforms"
        return None, [Problem(filename, doc.line(root), message)]
    title = root.get("title", "").strip()
    raw: dict[str, Any] = {
        "id": ref,
        "competency": competency,
        "bloom": kept.get("bloom", default_bloom),
        "status": kept.get("status", "draft"),
        "title": "" if title == identifier else title,
        "stem": _stem(body),
        "rationale": rationale,
        **fields,
    }
    raw.update({name: kept[name] for name in ("references", "enemies", "stimulus") if name in kept})
    item, item_problems = parse_item(
        _located(raw, doc.line(interaction)),
        filename,
        default_competency="",
        competencies=competencies,
        fallback_line=doc.line(interaction),
    )
    return item, problems + item_problems
