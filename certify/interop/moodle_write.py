"""A Certify Bank written as Moodle XML (see certify.interop.moodle_xml for the layout and the metadata)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # building trees only
from collections.abc import Mapping
from typing import Any

from certify.core.banks import Bank, Item
from certify.core.source import Problem
from certify.interop.gift_meta import option_ids
from certify.interop.moodle_media import MediaWriter
from certify.interop.moodle_text import category_segment, write_metadata

MOODLE_TYPES = {
    "single_choice": "multichoice",
    "multiple_response": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "ordering": "ordering",
}
# The grades Moodle's importer accepts for an answer (as fractions of the mark; negatives likewise).
MOODLE_GRADES: tuple[float, ...] = (
    1,
    0.9,
    5 / 6,
    0.8,
    0.75,
    0.7,
    2 / 3,
    0.6,
    0.5,
    0.4,
    1 / 3,
    0.3,
    0.25,
    0.2,
    1 / 6,
    1 / 7,
    0.125,
)
MOODLE_GRADES += (1 / 9, 0.1, 0.05, 0)
ORDERING_GRADES = {"pairwise": "RELATIVE_ALL_PREVIOUS_AND_NEXT", "positional": "ABSOLUTE_POSITION"}
ORDERING_GRADES["all_or_nothing"] = "ALL_OR_NOTHING"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMAT = "markdown"  # Certify's texts are Markdown, which Moodle renders as such
_PLAIN = "moodle_auto_format"  # how Moodle writes typed answers (short answer, numerical, true/false)


def _number(value: float) -> str:
    """A number as Moodle's answer text, exactly: 150 not 150.0, 0.005 as written."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def _fraction(share: float) -> str:
    """A share of the mark as the percentage Moodle writes: 1/3 -> 33.33333."""
    return f"{share * 100:.7g}"


def _moodle_grade(share: float) -> bool:
    return any(abs(abs(share) - grade) < 1e-5 for grade in MOODLE_GRADES)


def _plain(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element


class _Writer:
    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.file = bank.file or "<export>"
        self.media = MediaWriter(bank.media)
        self.problems: list[Problem] = []
        self.item: Item | None = None

    def warn(self, message: str) -> None:
        item = self.item
        line, ref = (item.line, item.ref) if item else (0, "")
        self.problems.append(Problem(self.file, line, f"item {ref}: {message}", "warning", item=ref))

    def clean(self, text: str) -> str:
        if _NOT_XML.search(text):
            self.warn("control characters that XML cannot hold were left out")
            text = _NOT_XML.sub("", text)
        return text

    def text(self, parent: ET.Element, tag: str, value: str, fmt: str = _FORMAT, **attrs: str) -> ET.Element:
        """A Moodle text element: `<tag format><text>..</text><file/>..</tag>`, with the images it shows."""
        holder = ET.SubElement(parent, tag, {**attrs, **({"format": fmt} if fmt else {})})
        inner = ET.SubElement(holder, "text")
        inner.text = self.clean(self.media.attach(value, holder, self.warn) if fmt == _FORMAT else value)
        return holder

    def answer(self, parent: ET.Element, share: float, text: str, feedback: str = "", fmt: str = _FORMAT) -> ET.Element:
        answer = self.text(parent, "answer", text, fmt, fraction=_fraction(share))
        self.text(answer, "feedback", feedback)
        return answer

    def combined_feedback(self, question: ET.Element) -> None:
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            self.text(question, tag, "")

    def question(self, item: Item) -> ET.Element:
        self.item = item
        question = ET.Element("question", {"type": MOODLE_TYPES[item.type]})
        self.text(question, "name", item.title or item.ref, fmt="")
        self.text(question, "questiontext", item.stem)
        meta: dict[str, Any] = {"bloom": item.bloom, "status": item.status}
        for key in ("references", "enemies"):
            if getattr(item, key):
                meta[key] = list(getattr(item, key))
        if item.allow_all_none:
            meta["allow_all_none"] = True
        general = self.text(question, "generalfeedback", item.rationale)
        for tag, value in (("defaultgrade", "1"), ("penalty", "0"), ("hidden", "0"), ("idnumber", item.ref)):
            _plain(question, tag, value)
        getattr(self, item.type)(question, item.body, meta)
        if not item.shuffle and item.type not in ("single_choice", "multiple_response", "matching"):
            meta["shuffle"] = False
        inner = general.find("text")
        assert inner is not None
        inner.text = f"{inner.text}\n\n{write_metadata(meta)}".lstrip()
        return question

    def ids(self, ids: list[str], meta: dict[str, Any]) -> None:
        if ids != option_ids(len(ids)):
            meta["ids"] = ids

    def choices(self, question: ET.Element, shuffle: bool, single: bool) -> None:
        _plain(question, "single", "true" if single else "false")
        _plain(question, "shuffleanswers", "true" if shuffle else "false")
        _plain(question, "answernumbering", "abc")
        _plain(question, "showstandardinstruction", "0")
        self.combined_feedback(question)

    def single_choice(self, question: ET.Element, body: Mapping[str, Any], meta: dict[str, Any]) -> None:
        assert self.item is not None
        self.choices(question, self.item.shuffle, single=True)
        self.ids([o["id"] for o in body["options"]], meta)
        credit = body.get("credit", {})
        for option in body["options"]:
            share = 1.0 if option["id"] == body["key"] else float(credit.get(option["id"], 0.0))
            if not _moodle_grade(share):
                self.warn(f"Moodle does not accept the grade {_fraction(share)}% for an answer; it will refuse it")
            self.answer(question, share, option["text"], option["rationale"])

    def multiple_response(self, question: ET.Element, body: Mapping[str, Any], meta: dict[str, Any]) -> None:
        assert self.item is not None
        self.choices(question, self.item.shuffle, single=False)
        self.ids([o["id"] for o in body["options"]], meta)
        if body.get("scoring", "partial") != "partial":
            meta["scoring"] = body["scoring"]
            self.warn(f"scoring {body['scoring']!r} has no Moodle equivalent; Moodle will score it by fractions")
        # Certify's partial rule in Moodle's terms: each keyed option +1/k, each other one -1/k.
        share = 1 / len(body["key"])
        if not _moodle_grade(share):
            self.warn(f"Moodle does not accept the grade {_fraction(share)}% for an answer; it will refuse it")
        for option in body["options"]:
            self.answer(question, share if option["id"] in body["key"] else -share, option["text"], option["rationale"])

    def true_false(self, question: ET.Element, body: Mapping[str, Any], meta: dict[str, Any]) -> None:
        for value in (True, False):
            right = value == body["key"]
            feedback = "" if right else body.get("wrong_rationale", "")
            self.answer(question, 1.0 if right else 0.0, "true" if value else "false", feedback, fmt=_PLAIN)

    def short_answer(self, question: ET.Element, body: Mapping[str, Any], meta: dict[str, Any]) -> None:
        _plain(question, "usecase", "1" if body.get("case_sensitive") else "0")
        if body.get("patterns"):
            meta["patterns"] = list(body["patterns"])
            self.warn("Moodle has no regular-expression patterns; it will accept only the listed answers")
        if not body.get("collapse_whitespace", True):
            meta["collapse_whitespace"] = False
            self.warn("`collapse_whitespace: false` has no Moodle equivalent")
        if not body["accepted"]:
            self.warn("no accepted answers, only patterns: Moodle needs an answer worth 100% and will refuse it")
        for accepted in body["accepted"]:
            self.answer(question, 1.0, accepted.replace("*", "\\*"), fmt=_PLAIN)  # a bare * is Moodle's wildcard
        for wrong in body.get("wrong_answers", []):
            self.answer(question, 0.0, wrong["answer"].replace("*", "\\*"), wrong["rationale"], fmt=_PLAIN)

    def numeric(self, question: ET.Element, body: Mapping[str, Any], meta: dict[str, Any]) -> None:
        if "min" in body:
            low, high = float(body["min"]), float(body["max"])
            meta["range"] = [low, high]
            value, tolerance = (low + high) / 2, (high - low) / 2
        else:
            value, tolerance = float(body["value"]), float(body["tolerance"])
        _plain(self.answer(question, 1.0, _number(value), fmt=_PLAIN), "tolerance", _number(tolerance))
        for wrong in body.get("wrong_answers", []):
            _plain(
                self.answer(question, 0.0, _number(wrong["answer"]), wrong["rationale"], fmt=_PLAIN), "tolerance", "0"
            )
        if body.get("unit"):
            unit = ET.SubElement(ET.SubElement(question, "units"), "unit")
            _plain(unit, "multiplier", "1")
            _plain(unit, "unit_name", self.clean(body["unit"]))
        for tag, setting in (("unitgradingtype", "0"), ("unitpenalty", "0.1000000"), ("unitsleft", "0")):
            _plain(question, tag, setting)
        _plain(question, "showunits", "0" if body.get("unit") else "3")  # a unit is optional input, or none

    def matching(self, question: ET.Element, body: Mapping[str, Any], meta: dict[str, Any]) -> None:
        assert self.item is not None
        _plain(question, "shuffleanswers", "true" if self.item.shuffle else "false")
        self.combined_feedback(question)
        rows = [(p["id"], p["left"], p["right"], p["rationale"]) for p in body["pairs"]]
        rows += [(d["id"], "", d["text"], d["rationale"]) for d in body.get("distractors", [])]
        self.ids([row[0] for row in rows], meta)
        if any(row[3] for row in rows):
            meta["rationales"] = [row[3] for row in rows]
            self.warn("Moodle has no feedback per pair; its students will not see these rationales")
        if body.get("scoring", "partial") != "partial":
            meta["scoring"] = body["scoring"]
            self.warn(f"scoring {body['scoring']!r} has no Moodle equivalent; Moodle gives credit per pair")
        if len(rows) < 3:
            self.warn("Moodle needs at least three answers to match; it will refuse this question")
        for _, left, right, _ in rows:
            subquestion = self.text(question, "subquestion", left)
            self.text(subquestion, "answer", right, fmt="")

    def ordering(self, question: ET.Element, body: Mapping[str, Any], meta: dict[str, Any]) -> None:
        options = body["options"]
        settings = (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", str(len(options))))
        for tag, value in (*settings, ("gradingtype", ORDERING_GRADES[body.get("scoring", "pairwise")])):
            _plain(question, tag, value)
        _plain(question, "showgrading", "SHOW")
        _plain(question, "numberingstyle", "none")
        self.combined_feedback(question)
        self.ids([o["id"] for o in options], meta)
        for position, option in enumerate(options, start=1):
            answer = self.answer(question, 0.0, option["text"], option["rationale"])
            answer.set("fraction", str(position))  # the ordering type keeps each step's place here


def bank_to_moodle_xml(bank: Bank) -> tuple[bytes, list[Problem]]:
    """The bank as a Moodle XML file, and warnings for what Moodle cannot hold or will refuse."""
    writer = _Writer(bank)
    root = ET.Element("quiz")
    title = " ".join(bank.title.split())
    root.append(ET.Comment(_NOT_XML.sub("", f" Certify bank {bank.id}: {title} ").replace("--", "- -")))
    competency = None
    for item in bank.items:
        if item.competency != competency:
            competency = item.competency
            category = ET.SubElement(root, "question", {"type": "category"})
            path = f"$course$/top/{category_segment(title)}/{category_segment(competency)}"
            writer.text(category, "category", path, fmt="")
        root.append(writer.question(item))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode(), writer.problems
