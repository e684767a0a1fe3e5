"""Moodle's typed-answer questions (short answer, numerical) to Certify item fields, every loss reported."""

from __future__ import annotations

import re
from typing import Any

from certify.interop.moodle_text import child_text, yes
from certify.interop.moodle_types import EPSILON, FULL, Body, QuestionView, Unusable, answers, number, percent

_WILDCARD = re.compile(r"(?<!\\)\*")


def wildcard_pattern(text: str) -> str:
    """A Moodle short answer with `*` wildcards (`\\*` is a literal star) as a regular expression."""
    parts = re.split(r"(\\\*|\*)", text)
    return "".join(".*" if part == "*" else re.escape("*" if part == "\\*" else part) for part in parts)


def shortanswer(q: QuestionView) -> Body:
    accepted: list[str] = []
    patterns: list[str] = []
    wrong: list[dict[str, str]] = []
    loose: list[tuple[str, str]] = []
    for a in answers(q, rich=False):
        if not a.text:
            continue  # Moodle ignores a blank answer too
        if a.fraction >= FULL - EPSILON:
            if _WILDCARD.search(a.text):
                patterns.append(wildcard_pattern(a.text))
            else:
                accepted.append(a.text.replace("\\*", "*"))
            loose.append((f"the feedback on the accepted answer {a.text!r}", a.feedback))
        elif a.text == "*":
            loose.append(("the feedback for any other answer", a.feedback))
        elif _WILDCARD.search(a.text):
            q.warn(f"the wrong-answer pattern {a.text!r} and its feedback were dropped: Certify matches them exactly")
        else:
            if a.fraction > 0:
                q.warn(f"partial-credit answer {a.text!r} ({percent(a.fraction)}) scores 0 in Certify")
            wrong.append({"answer": a.text.replace("\\*", "*"), "rationale": a.feedback})
    patterns += [p for p in q.meta.get("patterns", []) if isinstance(p, str) and p not in patterns]
    if not accepted and not patterns:
        raise Unusable("no answer earns full credit (100%)")
    fields: dict[str, Any] = {
        "type": "short_answer",
        "accepted": accepted,
        "patterns": patterns,
        "wrong_answers": wrong,
    }
    fields["case_sensitive"] = yes(child_text(q.element, "usecase", "0"))
    if "collapse_whitespace" in q.meta:
        fields["collapse_whitespace"] = q.meta["collapse_whitespace"]
    return Body(fields, fallback=_first_feedback(loose, "the feedback on the accepted answer"), loose=loose)


def _first_feedback(loose: list[tuple[str, str]], which: str) -> str:
    """The first non-empty feedback of a correct answer: the rationale when the question has none."""
    return next((text for what, text in loose if what.startswith(which) and text), "")


def numerical(q: QuestionView) -> Body:
    key: tuple[float, float] | None = None
    wrong: list[dict[str, Any]] = []
    loose: list[tuple[str, str]] = []
    for a in answers(q, rich=False):
        if a.text in ("*", ""):
            loose.append(("the feedback for any other answer", a.feedback))
            continue
        value = number(a.text)
        tolerance = abs(number(child_text(a.element, "tolerance", "0")) or 0.0)
        if value is None:
            if a.fraction >= FULL - EPSILON and key is None:
                raise Unusable(f"the correct answer {a.text!r} is not a number")
            q.warn(f"answer {a.text!r} is not a number; it was dropped")
        elif a.fraction >= FULL - EPSILON and key is None:
            key = (value, tolerance)
            loose.append((f"the feedback on the correct answer {a.text}", a.feedback))
        elif a.fraction >= FULL - EPSILON:
            q.warn(f"only the first fully correct answer is kept; {a.text} was dropped")
            loose.append((f"the feedback on {a.text}", a.feedback))
        else:
            if a.fraction > 0:
                q.warn(f"partial-credit answer {a.text} ({percent(a.fraction)}) scores 0 in Certify")
            if tolerance:
                q.warn(f"wrong answer {a.text} ± {tolerance:g} is kept as {a.text} exactly, for its feedback")
            wrong.append({"answer": value, "rationale": a.feedback})
    if key is None:
        raise Unusable("no answer earns full credit (100%)")
    fields: dict[str, Any] = {"type": "numeric", "wrong_answers": wrong, "unit": _unit(q)}
    value, tolerance = key
    low, high = _range(q.meta.get("range"))
    if low is not None and high is not None and _same_interval(low, high, value, tolerance):
        fields["range"] = [low, high]
    else:
        fields.update(value=value, tolerance=tolerance)
    return Body(fields, fallback=_first_feedback(loose, "the feedback on the correct answer"), loose=loose)


def _range(raw: Any) -> tuple[float | None, float | None]:
    if isinstance(raw, list) and len(raw) == 2 and all(isinstance(v, (int, float)) for v in raw):
        return float(raw[0]), float(raw[1])
    return None, None


def _same_interval(low: float, high: float, value: float, tolerance: float) -> bool:
    """Whether value ± tolerance (as Moodle holds it) is the range the metadata names."""
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    return abs((low + high) / 2 - value) <= slack and abs((high - low) / 2 - tolerance) <= slack


def _unit(q: QuestionView) -> str:
    units = []
    for unit in q.element.findall("units/unit"):
        multiplier = number(child_text(unit, "multiplier", "1"))
        units.append((child_text(unit, "unit_name"), multiplier))
    base = next((name for name, multiplier in units if multiplier == 1 and name), "")
    others = [name for name, _ in units if name and name != base]
    if others:
        q.warn(f"units {', '.join(map(repr, others))} are not kept: Certify asks for the number in {base or 'no unit'}")
    if units and child_text(q.element, "unitgradingtype", "0") not in ("0", ""):
        q.warn("Moodle marked the unit; Certify shows it and scores the number only")
    return base
