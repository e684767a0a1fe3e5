"""One import of QTI 1.2 documents into a Bank: ids, competencies, rationales and the warnings for every loss.

A document is walked from `<questestinterop>` through `<assessment>` (a quiz, a Blackboard pool or test),
`<objectbank>` (a Canvas question bank) and `<section>`s down to `<item>`s. The category an item's competency
is chosen by is the title of the quiz or pool it is in, or the Canvas question bank's `bank_title`. Items keep
their `ident` (Blackboard: `bbmd_asi_object_id`) as id when it is a valid Certify id, else get
`<bank id>-NNN` by position. An item that cannot come along is a skip naming it; an item that loses something
on the way (feedback with no place, its points, an image) comes with a warning naming it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from certify.core.banks import ID_PATTERN, Bank, Item, parse_item
from certify.core.imports import IMPORTED_STATUS, competency_for, rationale_or_marker, rationale_warning, skip, unmapped
from certify.core.media import MEDIA_REF, media_ref
from certify.core.source import Located, Problem
from certify.interop.qti12_html import escape_text
from certify.interop.qti12_items import Parts, Skip
from certify.interop.qti12_kinds import read_fields, type_name
from certify.interop.qti12_media import MediaStore
from certify.interop.qti12_xml import Texts, conditions, feedback, metadata, number, text_of
from certify.interop.qti_xml import Doc

BLOOM = "apply"  # items from other platforms carry no cognitive level; review sets the real one
FORMATS = {"canvas": "Canvas QTI 1.2", "blackboard": "Blackboard QTI 1.2"}
GENERAL, CORRECT, INCORRECT = (
    ("general_fb", "general"),
    ("correct_fb", "correct"),
    ("general_incorrect_fb", "incorrect"),
)


@dataclass
class Import:
    """What one import has gathered so far, across every document of a package."""

    filename: str
    competencies: Collection[str]
    bank_id: str
    default_competency: str
    category_map: Mapping[str, str]
    media: MediaStore
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    refs: set[str] = field(default_factory=set)
    position: int = 0
    without_rationale: int = 0
    flavours: set[str] = field(default_factory=set)
    copies: dict[str, str] = field(default_factory=dict)  # Canvas bank question id -> the quiz copy's ref
    banks: set[str] = field(default_factory=set)  # idents of the question banks read
    bank_refs: list[tuple[str, int, str, str]] = field(default_factory=list)  # (file, line, bank ident, section)

    def warn(self, file: str, line: int, message: str, item: str = "") -> None:
        self.problems.append(Problem(file, line, message, "warning", item=item))

    def finish(self, title: str) -> tuple[Bank, list[Problem]]:
        """The bank of every item imported, and the problems (with the file's rationale warning)."""
        for file, line, ident, section in self.bank_refs:
            if ident not in self.banks:
                message = (
                    f"section {section!r} draws its questions from question bank {ident!r}, which is not in "
                    "this file: export the course with its question banks to bring them"
                )
                self.warn(file, line, message)
        flavours = {f for f in self.flavours if f}
        if self.without_rationale:
            label = FORMATS.get(next(iter(flavours)), "QTI 1.2") if len(flavours) == 1 else "QTI 1.2"
            self.problems.append(rationale_warning(self.filename, self.without_rationale, label))
        shown = {d for item in self.items for d in MEDIA_REF.findall(json.dumps(item.content(), ensure_ascii=False))}
        media = {digest: found for digest, found in self.media.media.items() if digest in shown}
        bank = Bank(self.bank_id, title, "certification", tuple(self.items), self.filename, media=media)
        return bank, self.problems


def check_bank_id(bank_id: str, filename: str) -> list[Problem]:
    if ID_PATTERN.match(bank_id):
        return []
    return [Problem(filename, 0, f"bank id {bank_id!r} is not a simple identifier")]


def _category(element: ET.Element, inherited: str, titles: Mapping[str, str]) -> str:
    if element.tag == "assessment":
        return titles.get(element.get("ident", "")) or element.get("title", "").strip() or inherited
    if element.tag == "objectbank":
        fields = {
            text_of(f.find("fieldlabel")): text_of(f.find("fieldentry"))
            for holder in element.findall("qtimetadata")
            for f in holder.findall("qtimetadatafield")
        }
        return fields.get("bank_title") or element.get("title", "").strip() or inherited
    return inherited


def _items(
    job: Import, doc: Doc, file: str, element: ET.Element, category: str, titles: Mapping[str, str]
) -> Iterator[tuple[ET.Element, str]]:
    for child in element:
        if child.tag == "item":
            yield child, category
        elif child.tag in ("assessment", "objectbank", "section"):
            if child.tag == "objectbank":
                job.banks.add(child.get("ident", "").strip())
            for ref in child.findall("selection_ordering/selection/sourcebank_ref"):
                name = child.get("title", "").strip() or child.get("ident", "")
                job.bank_refs.append((file, doc.line(ref), (ref.text or "").strip(), name))
            yield from _items(job, doc, file, child, _category(child, category, titles), titles)


def read_document(job: Import, doc: Doc, file: str, base: str, titles: Mapping[str, str] | None = None) -> int:
    """Read every item of one (localised) document into `job`; returns how many items it has."""
    count = 0
    for element, category in _items(job, doc, file, doc.root, "", titles or {}):
        count += 1
        job.position += 1
        _read_item(job, doc, element, file, base, category)
    return count


def _ref(job: Import, ident: str) -> tuple[str, str]:
    """The item's id, and a note when its own could not be kept."""
    if ident and ID_PATTERN.match(ident) and ident not in job.refs:
        return ident, ""
    ref, n = f"{job.bank_id[:56]}-{job.position:03d}", 1
    while ref in job.refs:
        ref, n = f"{job.bank_id[:54]}-{job.position:03d}-{n}", n + 1
    note = f"its id {ident!r} is already used by another item, so it was given id {ref}" if ident in job.refs else ""
    return ref, note


def _rationale(parts: Parts, key_feedback: str) -> str:
    """The item's rationale from the general (else the right-answer) feedback; losses go to `parts.notes`."""
    found = {
        name: next((parts.feedback[i].text for i in ids if i in parts.feedback), "")
        for name, ids in (("general", GENERAL), ("correct", CORRECT), ("incorrect", INCORRECT))
    }
    parts.used.update(i for ids in (GENERAL, CORRECT, INCORRECT) for i in ids)
    rationale = found["general"] or found["correct"] or key_feedback
    if found["general"] and found["correct"]:
        parts.notes.append("its feedback for a right answer was dropped; its general feedback is the rationale")
    elif found["correct"]:
        parts.notes.append(
            "it has no general feedback, so its feedback for a right answer became the rationale: check that it "
            "says why the key is right"
        )
    if key_feedback and rationale != key_feedback:
        parts.notes.append("the feedback on its correct answer was dropped (the rationale says why it is right)")
    if found["incorrect"]:
        parts.notes.append("its feedback for a wrong answer has no place in Certify and was dropped")
    for ident in parts.feedback:
        if ident not in parts.used:
            answers = (m.value for c in parts.conditions if ident in c.feedback for m in c.equals if m.value)
            answer = next(answers, "")
            what = f"its feedback for the answer {answer!r}" if answer else f"its feedback {ident!r}"
            parts.notes.append(f"{what} has no place in Certify and was dropped")
    return rationale


def _losses(parts: Parts) -> list[str]:
    notes = list(parts.notes)
    points = number(parts.meta.get("points_possible"))
    if points is not None and points != 1:
        notes.append(f"it is worth {points:g} points in Canvas; Certify weights every item equally")
    dropped = sorted(set(parts.texts.dropped))
    if dropped:
        notes.append(f"its embedded {', '.join(dropped)} could not come along (Certify items show text and images)")
    return notes


def _read_item(job: Import, doc: Doc, element: ET.Element, file: str, base: str, category: str) -> None:
    meta = metadata(element)
    flavour, _name = type_name(meta)
    job.flavours.add(flavour)
    ident = element.get("ident", "").strip() or meta.get("bbmd_asi_object_id", "").strip()
    line = doc.line(element)
    if ident in job.copies:
        message = f"item {ident}: the same question as quiz item {job.copies[ident]}, which was imported"
        job.warn(file, line, message, ident)
        return
    ref, id_note = _ref(job, ident)
    images: list[str] = []

    def image(src: str, alt: str) -> str:
        digest, why = job.media.resolve(src, base)
        if digest:
            return f"![{escape_text(alt)}]({media_ref(digest)})"
        images.append(f"its image {src[:200]!r} {why}; its description shows instead")
        return f"\\[image: {escape_text(alt)}\\]" if alt else "\\[image\\]"

    title = element.get("title", "").strip()
    named = f" (the question titled {title!r})" if title and title != ident else ""
    texts = Texts(image)
    parts = Parts(element, flavour, meta, conditions(doc, element), feedback(doc, element, texts), texts)
    try:
        fields = read_fields(parts)
        stem = parts.stem()
    except Skip as exc:
        job.problems.append(skip(file, line, ref, f"{exc}{named}"))
        return
    competency = competency_for(category, job.competencies, job.category_map, job.default_competency)
    if competency is None:
        job.problems.append(unmapped(file, line, ref, category))
        return
    rationale = _rationale(parts, str(fields.pop("_key_feedback", "")))
    raw: dict[str, Any] = {
        "id": ref,
        "competency": competency,
        "bloom": BLOOM,
        "status": IMPORTED_STATUS,
        "stem": stem,
        "rationale": rationale_or_marker(rationale),
        **({"title": title} if title and title != ident else {}),
        **fields,
    }
    located = Located(raw)
    located.line, located.key_lines = line, {}
    item, errors = parse_item(located, file, default_competency="", competencies=job.competencies, fallback_line=line)
    if item is None:
        reasons = "; ".join(e.message.removeprefix(f"item {ref}: ") for e in errors)
        job.problems.append(skip(file, line, ref, f"it does not make a valid Certify item: {reasons}{named}"))
        return
    job.items.append(item)
    job.refs.add(ref)
    if meta.get("assessment_question_identifierref"):
        job.copies[meta["assessment_question_identifierref"].strip()] = ref
    job.without_rationale += not rationale.strip()
    for note in ([id_note] if id_note else []) + images + _losses(parts):
        job.warn(file, line, f"item {ref}: {note}", ref)
