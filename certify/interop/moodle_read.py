"""Reading the questions of a parsed Moodle XML export (see certify.interop.moodle_xml for the mapping)."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # reading parsed trees only; parsing goes through defusedxml
from collections.abc import Callable, Collection, Mapping
from typing import Any

from certify.core.banks import ID_PATTERN, Item, parse_item
from certify.core.imports import IMPORTED_STATUS, competency_for, needs_rationale, rationale_or_marker, skip, unmapped
from certify.core.items import BLOOM_LEVELS, STATUSES
from certify.core.source import Located, Problem
from certify.interop.gift_meta import option_ids
from certify.interop.moodle_media import MediaReader
from certify.interop.moodle_text import (
    as_markdown,
    category_name,
    child_text,
    inner_text,
    is_default_feedback,
    read_metadata,
    text_format,
    yes,
)
from certify.interop.moodle_typed import numerical, shortanswer
from certify.interop.moodle_types import Body, QuestionView, Unusable, matching, multichoice, ordering, truefalse
from certify.interop.qti_xml import Doc

CONVERTERS: dict[str, Callable[[QuestionView], Body]] = {
    "multichoice": multichoice,
    "truefalse": truefalse,
    "shortanswer": shortanswer,
    "numerical": numerical,
    "matching": matching,
    "match": matching,  # the internal name, in some third-party exports
    "ordering": ordering,
}
_SAME = "questions draw random values for each attempt; Certify items are fixed"
# Moodle types with no Certify equivalent, and what to tell the admin.
UNSUPPORTED = {
    "essay": "essay questions are scored by people; Certify scores portfolios for that",
    "description": "not a question (a Moodle description only shows text)",
    "cloze": "embedded-answer (Cloze) questions have no Certify equivalent",
    "multianswer": "embedded-answer (Cloze) questions have no Certify equivalent",
    "ddwtos": "drag-and-drop into text questions have no Certify equivalent",
    "gapselect": "select-missing-words questions have no Certify equivalent",
    "ddimageortext": "drag-and-drop onto image questions have no Certify equivalent",
    "ddmarker": "drag-and-drop marker questions have no Certify equivalent",
    "calculated": f"calculated {_SAME}",
    "calculatedsimple": f"calculated {_SAME}",
    "calculatedmulti": f"calculated multiple-choice {_SAME}",
    "randomsamatch": "random short-answer matching is assembled from other questions at random",
    "random": "a random question is a slot in a Moodle quiz, not a question",
}
_COMBINED = (
    ("correctfeedback", "correct"),
    ("partiallycorrectfeedback", "partly correct"),
    ("incorrectfeedback", "incorrect"),
)


class QuestionReader:
    """One question being read: its id, its metadata, and its warnings (kept only if the item is)."""

    def __init__(self, reader: MoodleReader, element: ET.Element, ref: str, name: str) -> None:
        self.reader = reader
        self.element = element
        self.ref = ref
        self.name = name
        self.line = reader.doc.line(element)
        self.meta: dict[str, Any] = {}
        self.warnings: list[Problem] = []

    def warn(self, message: str) -> None:
        self.warnings.append(Problem(self.reader.filename, self.line, f"{self.ref}: {message}", "warning", self.ref))

    def text(self, holder: ET.Element | None) -> str:
        """A text element's content as Certify Markdown, with its images taken into the bank's media."""
        return "" if holder is None else self.rich(inner_text(holder), holder)

    def rich(self, raw: str, holder: ET.Element) -> str:
        markdown = as_markdown(raw, text_format(holder))
        return self.reader.media.resolve(markdown, holder, self.ref, self.warn)

    def ids(self, count: int) -> list[str]:
        """Option ids: Certify's own from the metadata when they fit, else a, b, c..."""
        ids = self.meta.get("ids")
        if isinstance(ids, list) and len(set(ids)) == len(ids) == count and all(isinstance(i, str) and i for i in ids):
            return list(ids)
        if ids is not None:
            self.warn(f"ignored the metadata `ids`: it must list {count} different option ids")
        return option_ids(count)

    def skipped(self, reason: str) -> Problem:
        named = f"Moodle question {self.name!r}: " if self.name and self.name != self.ref else ""
        return skip(self.reader.filename, self.line, self.ref, named + reason)


class MoodleReader:
    """Reads every question of one file; problems collect in `problems`, images in `media`."""

    def __init__(
        self,
        filename: str,
        doc: Doc,
        *,
        competencies: Collection[str],
        bank_id: str,
        default_competency: str,
        category_map: Mapping[str, str],
        default_bloom: str,
    ) -> None:
        self.filename = filename
        self.doc = doc
        self.competencies = competencies
        self.bank_id = bank_id
        self.default_competency = default_competency
        self.category_map = category_map
        self.default_bloom = default_bloom
        self.problems: list[Problem] = []
        self.media = MediaReader(doc.line)
        self.used_media: set[str] = set()
        self.refs: dict[str, int] = {}  # id -> line of the question that has it
        self.names: dict[str, int] = {}
        self.missing_rationale = 0

    def read(self) -> list[Item]:
        self.media.check_sizes(self.doc.root)
        questions = [element for element in self.doc.root if element.tag == "question"]
        reserved = {
            child_text(q, "idnumber")
            for q in questions
            if q.get("type") != "category" and ID_PATTERN.match(child_text(q, "idnumber"))
        }
        items: list[Item] = []
        category, number = "", 0
        for element in questions:
            kind = (element.get("type") or "").strip().lower()
            if kind == "category":
                holder = element.find("category")
                category = category_name(inner_text(holder) or (holder.text or "" if holder is not None else ""))
                continue
            number += 1
            question = self.identify(element, number, reserved)
            self.media.pending = set()
            item = self.question(question, kind, category)
            if item is not None:
                items.append(item)
                self.problems.extend(question.warnings)
                self.used_media |= self.media.pending
        if not questions:
            self.problems.append(
                Problem(self.filename, self.doc.line(self.doc.root), "the file has no questions", "warning")
            )
        return items

    def identify(self, element: ET.Element, number: int, reserved: set[str]) -> QuestionReader:
        """The question's id: its idnumber when that is a valid id not yet taken, else `<bank id>-NNN`."""
        idnumber = child_text(element, "idnumber")
        name = " ".join(inner_text(element.find("name")).split())
        line = self.doc.line(element)
        ref = idnumber if ID_PATTERN.match(idnumber) and idnumber not in self.refs else ""
        serial = number
        while not ref:
            candidate = f"{self.bank_id}-{serial:03d}"
            ref, serial = ("", serial + 1) if candidate in reserved or candidate in self.refs else (candidate, serial)
        question = QuestionReader(self, element, ref, name)
        if idnumber and idnumber in self.refs and ref != idnumber:
            question.warn(
                f"the idnumber {idnumber!r} is taken by the question at line {self.refs[idnumber]}; "
                f"this one gets the id {ref}"
            )
        elif idnumber and ref != idnumber:
            question.warn(
                f"the idnumber {idnumber!r} is not a Certify id (letters, digits, '.', '_', '-'; "
                f"at most 64); the item gets the id {ref}"
            )
        elif not idnumber and name and name in self.names:
            question.warn(f"the question at line {self.names[name]} has the same name {name!r}; this one is {ref}")
        self.refs[ref] = line
        if name:
            self.names.setdefault(name, line)
        return question

    def question(self, q: QuestionReader, kind: str, category: str) -> Item | None:
        if kind in UNSUPPORTED or kind not in CONVERTERS:
            reason = UNSUPPORTED.get(kind) or (
                f"Moodle question type {kind!r} is not one Certify can import" if kind else "the question has no type"
            )
            self.problems.append(q.skipped(reason))
            return None
        competency = competency_for(category, self.competencies, self.category_map, self.default_competency)
        if competency is None:
            self.problems.append(unmapped(self.filename, q.line, q.ref, category))
            return None
        general = q.element.find("generalfeedback")
        feedback, q.meta, meta_warnings = read_metadata(inner_text(general))
        for warning in meta_warnings:
            q.warn(warning)
        stem = q.text(q.element.find("questiontext"))
        image = self.media.old_image(q.element, q.ref, q.warn)
        stem = f"{stem}\n\n{image}".strip() if image else stem
        try:
            body = CONVERTERS[kind](q)
        except Unusable as exc:
            self.problems.append(q.skipped(str(exc)))
            return None
        rationale = q.rich(feedback, general) if general is not None else ""
        rationale = self.rationale(q, rationale, body)
        self.losses(q)
        return self.item(q, competency, stem, rationale, body)

    def rationale(self, q: QuestionReader, rationale: str, body: Body) -> str:
        if not rationale and body.fallback:
            rationale = body.fallback
            q.warn("has no general feedback: the correct answer's feedback is its rationale")
        for what, text in body.loose:
            if text and text != rationale:
                q.warn(f"{what} has no place in Certify and was dropped")
        return rationale

    def losses(self, q: QuestionReader) -> None:
        """Warnings for what Moodle keeps on every question type and Certify does not."""
        for tag, which in _COMBINED:
            text = inner_text(q.element.find(tag))
            if text and not is_default_feedback(text):
                q.warn(f"the feedback for {which} answers has no place in Certify and was dropped")
        hints = [hint for hint in q.element.findall("hint") if inner_text(hint)]
        if hints:
            q.warn(f"{len(hints)} hint(s) for further tries were dropped: a Certify exam gives one try")
        grade = child_text(q.element, "defaultgrade", "1")
        try:
            weighted = float(grade) != 1
        except ValueError:
            weighted = True
        if weighted:
            q.warn(f"its default mark {grade} is not kept: every item weighs the same in Certify")
        if yes(child_text(q.element, "hidden", "0")):
            q.warn("it was hidden in Moodle; it is imported like the others")

    def item(self, q: QuestionReader, competency: str, stem: str, rationale: str, body: Body) -> Item | None:
        meta = q.meta
        missing = needs_rationale(rationale)
        bloom = meta.get("bloom", self.default_bloom)
        if bloom not in BLOOM_LEVELS:
            q.warn(f"ignored the metadata bloom {bloom!r}")
            bloom = self.default_bloom
        status = meta.get("status", IMPORTED_STATUS)
        if status not in STATUSES:
            q.warn(f"ignored the metadata status {status!r}")
            status = IMPORTED_STATUS
        fields: dict[str, Any] = {
            "id": q.ref,
            "competency": competency,
            "bloom": bloom,
            "status": IMPORTED_STATUS if missing else status,
            **({"title": q.name} if q.name and q.name != q.ref else {}),
            "stem": stem,
            "rationale": rationale_or_marker(rationale),
            **{key: meta[key] for key in ("references", "enemies", "allow_all_none", "shuffle") if key in meta},
            **body.fields,
        }
        raw = Located(fields)
        raw.line, raw.key_lines = q.line, {}
        item, problems = parse_item(
            raw, self.filename, default_competency="", competencies=self.competencies, fallback_line=q.line
        )
        if item is None:
            reasons = "; ".join(p.message.removeprefix(f"item {q.ref}: ") for p in problems)
            self.problems.append(q.skipped(reasons or "it is not a valid item"))
            return None
        self.missing_rationale += missing
        return item
