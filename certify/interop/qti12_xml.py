"""Reading the parts of a QTI 1.2 `<item>`: metadata, texts, feedback and response conditions.

QTI 1.2 (`<questestinterop>`) is what Canvas's classic quizzes and Blackboard's pools and tests export. Canvas
writes its own metadata as `<qtimetadatafield>` pairs (`question_type`, `points_possible`, `bank_title`) and
HTML in `<mattext texttype="text/html">`; Blackboard writes `<bbmd_questiontype>` and friends as plain elements
and HTML in `<mat_extension><mat_formattedtext>`. Scoring is a list of `<respcondition>`s: a condition over the
responses (`varequal`, ranges, `and`/`or`/`not`) and what meeting it does (`setvar`, `displayfeedback`).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from certify.interop.qti12_html import ImageHook, html_to_markdown, plain_to_markdown
from certify.interop.qti_xml import Doc, local

RESPONSES = frozenset({"response_lid", "response_str", "response_num", "response_grp", "response_xy"})
ANSWER_BLOCKS = frozenset({"RESPONSE_BLOCK", "RIGHT_MATCH_BLOCK"})  # Blackboard's flows of answers, not stem
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
MEDIA_ELEMENTS = frozenset({"mataudio", "matvideo", "matapplet", "matapplication"})
# Before the root element: a BOM, the XML declaration, comments, processing instructions, a DOCTYPE, space.
_PROLOG = re.compile(rb"^(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>)*", re.DOTALL)
_ROOT = re.compile(rb"^<(?:[\w.-]+:)?questestinterop[\s>/]")


def looks_like_qti12(head: bytes) -> bool:
    """Whether a file's first bytes (a few kilobytes are enough) open a QTI 1.2 `<questestinterop>` document."""
    head = head[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    prolog = _PROLOG.match(head)
    return bool(_ROOT.match(head[prolog.end() if prolog else 0 :]))


def localise(doc: Doc) -> None:
    """Drop namespaces from element and attribute names (Canvas uses one, Blackboard none)."""
    for element in doc.root.iter():
        if isinstance(element.tag, str):
            element.tag = local(element.tag)
            element.attrib = {local(key): value for key, value in element.attrib.items()}


def text_of(element: ET.Element | None) -> str:
    return "" if element is None else " ".join("".join(element.itertext()).split())


def number(text: str | None) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def metadata(item: ET.Element) -> dict[str, str]:
    """Canvas's `qtimetadatafield`s and Blackboard's `bbmd_*` / `qmd_*` elements, by name."""
    fields: dict[str, str] = {}
    for holder in item.findall("itemmetadata"):
        for child in holder:
            if child.tag not in ("qtimetadata",) and len(child) == 0:
                fields.setdefault(child.tag, (child.text or "").strip())
        for entry in holder.iter("qtimetadatafield"):
            label, value = text_of(entry.find("fieldlabel")), entry.find("fieldentry")
            if label:
                fields.setdefault(label, "".join(value.itertext()).strip() if value is not None else "")
    return fields


def has_html(text: str) -> bool:
    return bool(_HTML_TAG.search(text))


@dataclass
class Texts:
    """Turns materials into Certify Markdown, and remembers what could not come along."""

    image: ImageHook
    dropped: list[str] = field(default_factory=list)

    def markup(self, text: str, html: bool) -> str:
        if not html:
            return plain_to_markdown(text)
        markdown, dropped = html_to_markdown(text, self.image)
        self.dropped.extend(dropped)
        return markdown

    def material(self, material: ET.Element) -> str:
        parts: list[str] = []
        for element in material.iter():
            tag = element.tag
            if tag == "mattext":
                raw = element.text or ""
                kind = element.get("texttype", "").strip().lower()
                parts.append(self.markup(raw, kind == "text/html" or (not kind and has_html(raw))))
            elif tag == "mat_formattedtext":
                parts.append(self.markup(element.text or "", element.get("type", "HTML").upper() != "TEXT"))
            elif tag == "matemtext":
                parts.append(f"*{plain_to_markdown(element.text or '')}*" if (element.text or "").strip() else "")
            elif tag == "matimage":
                parts.append(self.image((element.get("uri") or "").strip(), (element.get("label") or "").strip()))
            elif tag in MEDIA_ELEMENTS and (element.get("uri") or element.text):
                self.dropped.append(tag.removeprefix("mat"))
        return "\n\n".join(part for part in parts if part.strip())

    def of(self, element: ET.Element | None, skip: Callable[[ET.Element], bool] | None = None) -> str:
        """Every material under `element`, in order, leaving out subtrees `skip` names."""
        if element is None:
            return ""
        return "\n\n".join(t for m in materials(element, skip) if (t := self.material(m)))


def materials(element: ET.Element, skip: Callable[[ET.Element], bool] | None = None) -> Iterator[ET.Element]:
    stack = [element]
    while stack:
        current = stack.pop()
        if current.tag == "material":
            yield current
            continue
        if current is not element and skip is not None and skip(current):
            continue
        stack.extend(reversed([child for child in current if isinstance(child.tag, str)]))


def is_answer_part(element: ET.Element) -> bool:
    """A response, or one of Blackboard's answer blocks: not part of the stem."""
    return element.tag in RESPONSES or element.get("class", "") in ANSWER_BLOCKS


@dataclass(frozen=True)
class Match:
    respident: str
    value: str
    case_sensitive: bool


@dataclass
class Condition:
    """One `<respcondition>`: what it tests and what meeting it earns."""

    line: int
    title: str
    equals: list[Match] = field(default_factory=list)
    excluded: list[Match] = field(default_factory=list)
    lower: list[tuple[float, bool]] = field(default_factory=list)  # (bound, inclusive)
    upper: list[tuple[float, bool]] = field(default_factory=list)
    credit: float | None = None  # the share of the item's credit it sets or adds; None when it sets nothing
    feedback: list[str] = field(default_factory=list)
    other: bool = False

    @property
    def rewards(self) -> bool:
        """Meeting it earns credit: a positive score, or (Blackboard) a condition titled or linked 'correct'."""
        if self.credit is not None:
            return self.credit > 0
        marks = [self.title, *self.feedback]
        return not self.other and any(mark.strip().casefold() == "correct" for mark in marks)


def _walk(condition: Condition, element: ET.Element, negated: bool) -> None:
    for child in element:
        tag = child.tag
        if tag == "not":
            _walk(condition, child, not negated)
        elif tag in ("and", "or"):
            _walk(condition, child, negated)
        elif tag == "other":
            condition.other = True
        elif tag == "varequal":
            match = Match(child.get("respident", ""), (child.text or "").strip(), child.get("case", "No") == "Yes")
            (condition.excluded if negated else condition.equals).append(match)
        elif tag in ("vargte", "vargt", "varlte", "varlt") and not negated:
            bound = number(child.text)
            if bound is not None:
                side = condition.lower if tag.startswith("varg") else condition.upper
                side.append((bound, tag.endswith("te")))


def _score_scale(resprocessing: ET.Element) -> float | None:
    """The SCORE variable's maximum, when declared."""
    for decvar in resprocessing.iter("decvar"):
        if decvar.get("varname", "SCORE").upper() in ("SCORE", ""):
            top = number(decvar.get("maxvalue"))
            return top if top and top > 0 else None
    return None


def conditions(doc: Doc, item: ET.Element) -> list[Condition]:
    """Every response condition of the item, with credit as a share of the item's full score."""
    found: list[tuple[Condition, str, float | None]] = []
    for resprocessing in item.findall("resprocessing"):
        for element in resprocessing.iter("respcondition"):
            condition = Condition(doc.line(element), element.get("title", "").strip())
            holder = element.find("conditionvar")
            if holder is not None:
                _walk(condition, holder, False)
            action, value = "", None
            for setvar in element.findall("setvar"):
                name = setvar.get("varname") or setvar.get("variablename") or "SCORE"
                if name.upper() == "SCORE":
                    action = setvar.get("action", "Set").strip().capitalize()
                    text = (setvar.text or "").strip()
                    value = math.inf if text.upper() == "SCORE.MAX" else number(text)
                    if action == "Subtract" and value is not None:
                        value = -value
            condition.feedback = [d.get("linkrefid", "").strip() for d in element.iter("displayfeedback")]
            found.append((condition, action, value))
        scale = _score_scale(resprocessing)
        if scale is None:  # undeclared: the largest score a condition sets is the full score
            values = [v for _c, a, v in found if a == "Set" and v is not None and 0 < v < math.inf]
            scale = max(values, default=1.0)
        for condition, action, value in found:
            if action and value is not None:
                condition.credit = 1.0 if value == math.inf else value / scale
    return [condition for condition, _a, _v in found]


@dataclass(frozen=True)
class Feedback:
    text: str
    line: int


def feedback(doc: Doc, item: ET.Element, texts: Texts) -> dict[str, Feedback]:
    """The item's non-empty `<itemfeedback>` texts by ident."""
    found: dict[str, Feedback] = {}
    for element in item.findall("itemfeedback"):
        ident = element.get("ident", "").strip()
        text = texts.of(element)
        if ident and text:
            found.setdefault(ident, Feedback(text, doc.line(element)))
    return found
