"""Short answer: free text compared with accepted answers and patterns.

By default case is ignored and runs of whitespace count as one space; patterns
are regular expressions that must match the whole (normalised) answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from certify.core.items.base import Choice, ItemError, text_field

name = "short_answer"
label = "Short answer"
MAX_ANSWER_LENGTH = 500


def _normalise(text: str, body: Mapping[str, Any]) -> str:
    if body.get("collapse_whitespace", True):
        text = " ".join(text.split())
    return text if body.get("case_sensitive", False) else text.casefold()


def parse_body(raw: Mapping[str, Any]) -> dict[str, Any]:
    accepted = raw.get("accepted", [])
    patterns = raw.get("patterns", [])
    if not isinstance(accepted, list) or not all(isinstance(a, (str, int, float)) for a in accepted):
        raise ItemError("`accepted` must be a list of answers", "accepted")
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ItemError("`patterns` must be a list of regular expressions", "patterns")
    if not accepted and not patterns:
        raise ItemError("give at least one `accepted` answer or `patterns` entry", "accepted")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ItemError(f"pattern {pattern!r} is not a valid regular expression: {exc}", "patterns") from None
    for flag in ("case_sensitive", "collapse_whitespace"):
        if flag in raw and not isinstance(raw[flag], bool):
            raise ItemError(f"`{flag}` must be true or false", flag)
    wrong = raw.get("wrong_answers", [])
    if not isinstance(wrong, list) or not all(isinstance(w, Mapping) and "answer" in w for w in wrong):
        raise ItemError("`wrong_answers` must be a list of {answer, rationale}", "wrong_answers")
    return {
        "accepted": [str(a).strip() for a in accepted],
        "patterns": list(patterns),
        "case_sensitive": bool(raw.get("case_sensitive", False)),
        "collapse_whitespace": bool(raw.get("collapse_whitespace", True)),
        "wrong_answers": [
            {"answer": str(w["answer"]), "rationale": text_field(w, "rationale", required=False)} for w in wrong
        ],
    }


def choices(body: Mapping[str, Any]) -> Sequence[Choice]:
    return []


def key_ids(body: Mapping[str, Any]) -> Sequence[str]:
    return []


def normalise_response(body: Mapping[str, Any], answer: Any) -> Any:
    if answer is None:
        return None
    if not isinstance(answer, str):
        raise ItemError("type your answer as text")
    if len(answer) > MAX_ANSWER_LENGTH:
        raise ItemError(f"answers are at most {MAX_ANSWER_LENGTH} characters")
    return answer.strip() or None


def score(body: Mapping[str, Any], answer: Any) -> float:
    if not answer:
        return 0.0
    given = _normalise(str(answer), body)
    if any(given == _normalise(a, body) for a in body["accepted"]):
        return 1.0
    flags = 0 if body.get("case_sensitive", False) else re.IGNORECASE
    return 1.0 if any(re.fullmatch(p, given, flags) for p in body["patterns"]) else 0.0


def feedback_for(body: Mapping[str, Any], answer: Any) -> str:
    """The rationale written for a known wrong answer, if this is one."""
    if not answer:
        return ""
    given = _normalise(str(answer), body)
    return next((w["rationale"] for w in body["wrong_answers"] if _normalise(w["answer"], body) == given), "")


def describe_key(body: Mapping[str, Any]) -> str:
    return " or ".join(body["accepted"]) if body["accepted"] else "an answer matching the accepted pattern"
