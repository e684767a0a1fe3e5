"""Feedback on an answer: the credit, whether it is right, and the rationales that explain it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from certify.core.items import item_type


@dataclass(frozen=True)
class OptionFeedback:
    text: str
    rationale: str
    keyed: bool
    chosen: bool


@dataclass(frozen=True)
class Feedback:
    score: float
    correct: bool
    key: str
    rationale: str
    options: tuple[OptionFeedback, ...]
    note: str = ""  # e.g. the rationale written for a known wrong answer


def feedback(content: Mapping[str, Any], answer: Any) -> Feedback:
    """Score an (internal) answer and gather the rationales a learner should read."""
    kind, body = content["type"], content["body"]
    module = item_type(kind)
    score = module.score(body, answer)
    options: list[OptionFeedback] = []
    if kind in ("single_choice", "multiple_response"):
        keyed = set(module.key_ids(body))
        chosen = {answer} if isinstance(answer, str) else set(answer or [])
        options = [
            OptionFeedback(o["text"], o["rationale"], o["id"] in keyed, o["id"] in chosen) for o in body["options"]
        ]
    elif kind == "true_false":
        for value, label in ((True, "True"), (False, "False")):
            keyed = value == body["key"]
            options.append(
                OptionFeedback(
                    label, content["rationale"] if keyed else body.get("wrong_rationale", ""), keyed, answer is value
                )
            )
    elif kind == "matching":
        given = answer or {}
        options = [
            OptionFeedback(f"{p['left']} → {p['right']}", p["rationale"], True, given.get(p["id"]) == p["id"])
            for p in body["pairs"]
        ]
    elif kind == "ordering":
        options = [
            OptionFeedback(f"{n}. {o['text']}", o["rationale"], True, False)
            for n, o in enumerate(body["options"], start=1)
        ]
    note = module.feedback_for(body, answer) if hasattr(module, "feedback_for") else ""
    return Feedback(score, score >= 0.999, module.describe_key(body), content["rationale"], tuple(options), note)
