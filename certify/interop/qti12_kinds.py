"""Which kind of Certify item a QTI 1.2 `<item>` becomes, or why it cannot become one.

The question type comes from the exporter's metadata (Canvas's `question_type`, a Common Cartridge
`cc_profile`, Blackboard's `bbmd_questiontype`) or, failing that, from the item's shape: one choice list, a
list allowing several choices, several lists (matching), a text or number box. Types with no Certify
counterpart (essays, file uploads, several blanks, formulas, hot spots, surveys) are skipped with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from certify.interop.qti12_items import (
    Parts,
    Skip,
    read_choice,
    read_matching,
    read_multiple,
    read_number,
    read_ordering,
    read_text,
)

_BLANKS = "it has several blanks to fill in; a Certify item has one answer"
_PERSON = "needs a person to score it; Certify scores its items automatically"
SKIPPED_TYPES = {
    "multiple_dropdowns_question": _BLANKS,
    "fill_in_multiple_blanks_question": _BLANKS,
    "essay_question": f"an essay question {_PERSON}",
    "file_upload_question": f"a file upload question {_PERSON}",
    "text_only_question": "it is a block of text with no question to answer",
    "calculated_question": "a formula question draws new numbers for each candidate, which Certify items do not",
    "cc.essay.v0p1": f"an essay question {_PERSON}",
    "fillintheblankplus": _BLANKS,
    "jumbledsentence": _BLANKS,
    "essay": f"an essay question {_PERSON}",
    "shortresponse": f"a short response question {_PERSON}",
    "shortanswer": f"a short answer (written response) question {_PERSON}",
    "fileupload": f"a file upload question {_PERSON}",
    "calculated": "a formula question draws new numbers for each candidate, which Certify items do not",
    "hotspot": "a hot spot question asks for a point on an image, which Certify items do not",
    "quizbowl": "a quiz bowl question is answered with a question, which Certify items do not",
    "opinionscale": "a survey question has no right answer to score",
    "likert": "a survey question has no right answer to score",
}
KINDS = {
    "multiple_choice_question": "choice",
    "true_false_question": "true_false",
    "multiple_answers_question": "multiple",
    "short_answer_question": "text",
    "numerical_question": "number",
    "matching_question": "matching",
    "cc.multiple_choice.v0p1": "choice",
    "cc.true_false.v0p1": "true_false",
    "cc.multiple_response.v0p1": "multiple",
    "cc.fib.v0p1": "text",
    "multiplechoice": "choice",
    "eitheror": "choice",
    "truefalse": "true_false",
    "multipleanswer": "multiple",
    "fillintheblank": "text",
    "numeric": "number",
    "matching": "matching",
    "ordering": "ordering",
}


def type_name(meta: dict[str, str]) -> tuple[str, str]:
    """(flavour, the exporter's type name, normalised): flavour is canvas, blackboard or '' (unknown)."""
    if meta.get("question_type"):
        return "canvas", meta["question_type"].strip()
    if meta.get("cc_profile"):
        return "canvas", meta["cc_profile"].strip()
    if meta.get("bbmd_questiontype"):
        return "blackboard", re.sub(r"[^a-z]", "", meta["bbmd_questiontype"].casefold())
    return "", ""


READERS: dict[str, Callable[[Parts], dict[str, Any]]] = {
    "choice": read_choice,
    "true_false": read_choice,
    "multiple": read_multiple,
    "text": read_text,
    "number": read_number,
    "matching": read_matching,
    "ordering": read_ordering,
}


def infer_kind(parts: Parts) -> str:
    """The kind of an item without known metadata, from its shape."""
    lids = parts.lids()
    if len(lids) > 1:
        return "matching"
    if lids:
        cardinality = lids[0].get("rcardinality", "Single").strip().casefold()
        return {"multiple": "multiple", "ordered": "ordering"}.get(cardinality, "choice")
    presentation = parts.presentation()
    if list(presentation.iter("response_num")):
        return "number"
    fibs = list(presentation.iter("render_fib"))
    if not fibs:
        raise Skip("it has no response a candidate could give")
    return "number" if fibs[0].get("fibtype", "String").strip() in ("Decimal", "Integer") else "text"


def read_fields(parts: Parts) -> dict[str, Any]:
    """The type-specific fields of the item, or Skip."""
    _flavour, name = type_name(parts.meta)
    if name in SKIPPED_TYPES or name.casefold() in SKIPPED_TYPES:
        raise Skip(SKIPPED_TYPES.get(name, SKIPPED_TYPES.get(name.casefold(), "")))
    if name and name not in KINDS:
        raise Skip(f"question type {name!r} is not supported")
    kind = KINDS.get(name) or infer_kind(parts)
    return READERS[kind](parts)
