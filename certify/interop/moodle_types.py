"""Moodle question types to Certify item fields: the choice types here (multiple choice, true/false,
matching, ordering), the typed answers in `moodle_typed`; every loss reported.

Each converter gets a `QuestionView` (the question's element, its metadata, and ways to read its text and
report a warning) and returns a `Body`, or raises `Unusable` with the reason the question is skipped.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # reading parsed trees only
from dataclasses import dataclass, field
from typing import Any, Protocol

from certify.interop.moodle_text import child_text, inner_text, yes

FULL = 100.0
EPSILON = 1e-4  # Moodle writes fractions with 7 significant digits: 33.33333 is a third
# Moodle's ordering grading types and the Certify rule that scores the same way.
ORDERING_RULES = {
    "ALL_OR_NOTHING": "all_or_nothing",
    "ABSOLUTE_POSITION": "positional",
    "ABSOLUTE": "positional",
    "ABS": "positional",
    "RELATIVE_ALL_PREVIOUS_AND_NEXT": "pairwise",  # every pair counted from both ends: the share of pairs in order
}


class Unusable(Exception):
    """The question cannot become a Certify item; the message says why."""


@dataclass
class Answer:
    number: int  # 1-based, in the file's order
    fraction: float  # in percent, as Moodle writes it
    text: str
    feedback: str
    element: ET.Element


@dataclass
class Body:
    fields: dict[str, Any]
    fallback: str = ""  # feedback that can stand in for a missing rationale (the right answer's)
    loose: list[tuple[str, str]] = field(default_factory=list)  # (which feedback, its text): no place in Certify


class QuestionView(Protocol):
    element: ET.Element
    meta: dict[str, Any]

    def warn(self, message: str) -> None: ...

    def text(self, holder: ET.Element | None) -> str: ...

    def ids(self, count: int) -> list[str]: ...


def answers(q: QuestionView, *, rich: bool) -> list[Answer]:
    """The `<answer>` children: text as Markdown when `rich` (choice texts), else plain (typed answers)."""
    found = []
    for number, element in enumerate(q.element.findall("answer"), start=1):
        raw = element.get("fraction", "0").strip() or "0"
        try:
            fraction = float(raw)
        except ValueError:
            raise Unusable(f"answer {number} has the fraction {raw!r}, which is not a number") from None
        if not math.isfinite(fraction):
            raise Unusable(f"answer {number} has the fraction {raw!r}, which is not a number")
        text = q.text(element) if rich else inner_text(element)
        found.append(Answer(number, fraction, text, q.text(element.find("feedback")), element))
    return found


def percent(value: float) -> str:
    return f"{value:.7g}%"


def number(text: str) -> float | None:
    """A finite number written as Moodle writes one, or None."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def multichoice(q: QuestionView) -> Body:
    given = answers(q, rich=True)
    if not given:
        raise Unusable("it has no answers")
    ids = q.ids(len(given))
    options = [{"id": i, "text": a.text, "rationale": a.feedback} for i, a in zip(ids, given, strict=True)]
    numbering = child_text(q.element, "answernumbering", "abc")
    if numbering not in ("none", "abc", ""):
        q.warn(f"answer numbering {numbering!r} is not kept: Certify letters options itself")
    fields: dict[str, Any] = {"options": options, "shuffle": yes(child_text(q.element, "shuffleanswers", "false"))}
    if yes(child_text(q.element, "single", "true")):
        return _single(q, given, ids, fields)
    keyed = [i for i, a in zip(ids, given, strict=True) if a.fraction > 0]
    if not keyed:
        raise Unusable("no answer has a positive fraction, so none is correct")
    scoring = q.meta.get("scoring", "partial")
    share = FULL / len(keyed)
    exact = all(abs(a.fraction - (share if a.fraction > 0 else -share)) < EPSILON * FULL for a in given)
    if scoring == "partial" and "scoring" not in q.meta and not exact:
        fractions = ", ".join(percent(a.fraction) for a in given)
        q.warn(
            f"Moodle's fractions ({fractions}) are scored by Certify's partial rule: each correct option earns "
            f"1/{len(keyed)}, each wrong one takes 1/{len(keyed)} away, never below 0; some answers score differently"
        )
    fields.update(type="multiple_response", key=keyed, scoring=scoring)
    return Body(fields)


def _single(q: QuestionView, given: list[Answer], ids: list[str], fields: dict[str, Any]) -> Body:
    full = [a for a in given if a.fraction >= FULL - EPSILON]
    if not full:
        raise Unusable("no answer earns full credit (100%), and a single-answer question needs one")
    key = ids[full[0].number - 1]
    for extra in full[1:]:
        q.warn(f"answer {extra.number} is fully correct too, but Certify keys one option: it now earns nothing")
    credit = {ids[a.number - 1]: round(a.fraction / FULL, 7) for a in given if 0 < a.fraction < FULL - EPSILON}
    for a in given:
        if a.fraction < 0:
            q.warn(f"answer {a.number}'s negative mark ({percent(a.fraction)}) is not kept: a wrong option scores 0")
    fields.update(type="single_choice", key=key)
    if credit:
        fields["credit"] = credit
    return Body(fields, fallback=full[0].feedback)


def truefalse(q: QuestionView) -> Body:
    given = answers(q, rich=False)
    if not given:
        raise Unusable("it has no answers")
    by_text = {a.text.lower(): a for a in given}
    if "true" not in by_text and "false" not in by_text:
        by_text = dict(zip(("true", "false"), given, strict=False))  # Moodle 1.x wrote localised names, true first
    true, false = by_text.get("true"), by_text.get("false")
    # With only the 'false' answer, the statement is true unless 'false' is the right answer.
    key = true.fraction >= FULL - EPSILON if true else bool(false and false.fraction < FULL - EPSILON)
    right, wrong = (true, false) if key else (false, true)
    right_feedback = right.feedback if right is not None else ""
    fields = {"type": "true_false", "key": key, "wrong_rationale": wrong.feedback if wrong is not None else ""}
    return Body(fields, fallback=right_feedback, loose=[("the feedback on the correct answer", right_feedback)])


def matching(q: QuestionView) -> Body:
    rows = [(q.text(sub), inner_text(sub.find("answer"))) for sub in q.element.findall("subquestion")]
    ids = q.ids(len(rows))
    rationales = q.meta.get("rationales")
    if not isinstance(rationales, list) or len(rationales) != len(rows):
        rationales = [""] * len(rows)
    rationales = [why if isinstance(why, str) else "" for why in rationales]
    pairs = [
        {"id": i, "left": left, "right": right, "rationale": why}
        for i, (left, right), why in zip(ids, rows, rationales, strict=True)
        if left
    ]
    distractors = [
        {"id": i, "text": right, "rationale": why}
        for i, (left, right), why in zip(ids, rows, rationales, strict=True)
        if not left and right
    ]
    fields: dict[str, Any] = {"type": "matching", "pairs": pairs, "distractors": distractors}
    fields["shuffle"] = yes(child_text(q.element, "shuffleanswers", "true"))
    if "scoring" in q.meta:
        fields["scoring"] = q.meta["scoring"]
    return Body(fields)


def ordering(q: QuestionView) -> Body:
    given = answers(q, rich=True)
    given.sort(key=lambda a: a.fraction)  # the fraction is the step's place in the correct order
    ids = q.ids(len(given))
    options = [{"id": i, "text": a.text, "rationale": a.feedback} for i, a in zip(ids, given, strict=True)]
    select = child_text(q.element, "selecttype", "RANDOM").upper()
    count = number(child_text(q.element, "selectcount", "6")) or 0
    if select not in ("ALL", "EXACT") and 0 < count < len(options):
        q.warn(f"Moodle showed {count:g} of the {len(options)} steps at a time; Certify shows them all")
    grading = child_text(q.element, "gradingtype", "RELATIVE_NEXT_EXCLUDE_LAST").upper()
    scoring = ORDERING_RULES.get(grading)
    if scoring is None:
        scoring = "pairwise"
        q.warn(f"Moodle's grading {grading!r} is not one of Certify's; the steps are scored by pairs in order")
    return Body({"type": "ordering", "options": options, "scoring": scoring})
