"""Hand-written QTI 2.1/2.2 items and the Certify items they must import as."""

from __future__ import annotations

from typing import Any

from certify.interop.qti import qti_item_to_item
from certify.interop.qti_read import PLACEHOLDER_RATIONALE
from tests.support.qti_samples_xml import HEAD, ITEMS_2X, RP  # noqa: F401 - re-exported for tests

COMPETENCIES = {"RA", "PA"}


def read_one(xml: str, **overrides: Any):
    options: dict[str, Any] = {
        "competencies": COMPETENCIES,
        "default_competency": "RA",
        "ref_fallback": "fallback-001",
    }
    options.update(overrides)
    return qti_item_to_item(xml.encode(), "item.xml", **options)


def content(ref, type_, title, stem, rationale, body, shuffle=True):
    return {
        "ref": ref,
        "type": type_,
        "competency": "RA",
        "bloom": "understand",
        "status": "draft",  # items from other platforms go through review
        "title": title,
        "stem": stem,
        "rationale": rationale,
        "references": [],
        "shuffle": shuffle,
        "allow_all_none": False,
        "body": body,
    }


def option(ident, text, rationale=""):
    return {"id": ident, "text": text, "rationale": rationale}


EXPECTED = {
    "choice": content(
        "choice-1",
        "single_choice",
        "Starting point",
        "A sales director asks for a **negotiation** course.\n\nWhat should the designer ask first?",
        "Results come first.",
        {
            "options": [
                option("A", "Which dates suit the team", "Logistics come later."),
                option("B", "Which sales figures should change", "Design starts from the metric."),
                option("C", "How long the course should be"),
            ],
            "key": "B",
        },
    ),
    "multiple": content(
        "multi-1",
        "multiple_response",
        "Environment causes",
        "Which causes lie in the work environment?",
        PLACEHOLDER_RATIONALE,
        {
            "options": [
                option("A", "Missing tools"),
                option("B", "Lack of skill"),
                option("C", "Unclear expectations"),
                option("D", "Low capacity"),
            ],
            "key": ["A", "C"],
            "scoring": "partial",
        },
        shuffle=False,
    ),
    "order": content(
        "order-1",
        "ordering",
        "Design steps",
        "Put the design steps in order.",
        "Results, then causes, then solutions.",
        {
            "options": [
                option("S1", "Find the business metric"),
                option("S2", "Analyse the causes"),
                option("S3", "Choose solutions"),
            ],
            "scoring": "all_or_nothing",
        },
    ),
    "match": content(
        "match-1",
        "matching",
        "Causes and solutions",
        "Match each cause to its solution.",
        "Each solution fits one cause.",
        {
            "pairs": [
                {"id": "M1", "left": "No job aid", "right": "A checklist", "rationale": "Aids fix information gaps."},
                {"id": "M2", "left": "No skill", "right": "Training", "rationale": ""},
            ],
            "distractors": [option("T3", "A new bonus scheme")],
            "scoring": "partial",
        },
    ),
    "associate": content(
        "assoc-1",
        "matching",
        "Levels",
        "Pair each Kirkpatrick level with what it measures.",
        "Level 1 is reaction; level 4 is results.",
        {
            "pairs": [
                {"id": "L1", "left": "Level 1", "right": "Reaction", "rationale": ""},
                {"id": "L4", "left": "Level 4", "right": "Results", "rationale": ""},
            ],
            "distractors": [option("X", "Attendance")],
            "scoring": "all_or_nothing",
        },
        shuffle=False,
    ),
    "text": content(
        "text-1",
        "short_answer",
        "Business impact",
        "The Kirkpatrick level that measures business impact is ____.",
        "Level 4 measures results.",
        {
            "accepted": ["Level 4", "Results"],
            "patterns": [],
            "case_sensitive": False,
            "collapse_whitespace": True,
            "wrong_answers": [],
        },
    ),
    "numeric": content(
        "num-1",
        "numeric",
        "ROI",
        "Costs were 40,000 and benefits 100,000. What is the ROI in percent?",
        "ROI = (100,000 - 40,000) / 40,000 x 100.",
        {"value": 150.0, "tolerance": 0.0, "wrong_answers": [], "unit": ""},
    ),
    "inline": content(
        "inline-1",
        "single_choice",
        "Level 4",
        "Kirkpatrick level 4 measures ____ in the business.",
        PLACEHOLDER_RATIONALE,
        {
            "options": [option("REA", "reaction"), option("BEH", "behaviour"), option("RES", "results")],
            "key": "RES",
        },
        shuffle=False,
    ),
    "true_false": content(
        "tf-1",
        "true_false",
        "Motivation",
        "Training fixes motivation problems.",
        "Right: consequences drive motivation.",
        {"key": False, "wrong_rationale": "Motivation is rarely a skill gap."},
    ),
}
PLACEHOLDER_ITEMS = {"multiple", "inline"}  # no feedback: their rationale is the "needs rationale" marker
# What a sample loses in Certify, as the warnings name it (the same in QTI 2.x and 3.0 unless LOSSES_3 says).
LOSSES = {"text": ["item text-1: answers earning partial credit in QTI get none in Certify: 'Level 3' (0.5)"]}
LOSSES_3 = {
    "choice": [
        "item choice-1: its modal-feedback 'RESPONSE_incorrect' (\"Not quite.\") "
        "has no place in Certify and was dropped"
    ],
}


def qti2(name: str, version: str) -> str:
    return ITEMS_2X[name].replace("VER", version).replace("qtiv2pX", "qtiv" + version)


def check(xml: str, name: str, losses: list[str] | None = None) -> None:
    """The sample imports as EXPECTED[name], with exactly the warnings `losses` (default LOSSES[name])."""
    item, problems = read_one(xml)
    assert item is not None, problems
    assert item.content() == EXPECTED[name]
    assert all(p.severity == "warning" and p.item == item.ref for p in problems), problems
    assert [p.message for p in problems] == (LOSSES.get(name, []) if losses is None else losses)
