"""The answers of one parsed GIFT question as the type fields of a Certify item, and what did not fit.

Each converter returns the item's type fields (as YAML would give them to `parse_item`) and notes on
what was lost or changed, which the reader reports as warnings naming the item; a question that
cannot become an item raises `Unusable` with the reason. Moodle's rules, as its GIFT importer and
question types apply them, decide:

- multiple choice with exactly one answer at 100 % (`=` or `~%100%`) is single-answer: the others'
  positive weights become single_choice `credit`; several positive weights and none at 100 % make a
  multi-answer question (multiple_response, partial scoring). Answers with no text are left out.
- short answer: 100 % answers are accepted, answers using Moodle's `*` wildcard become patterns,
  0 % and partial ones wrong answers (partial credit is not kept).
- numerical: the first 100 % answer is the key, 0 % answers wrong answers; "any other answer" (`~#...`)
  only carries feedback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from certify.interop.gift_meta import option_ids
from certify.interop.gift_parser import ParsedQuestion, short_answers

Fields = dict[str, Any]
_WILDCARD = re.compile(r"\\\*|\*")


class Unusable(ValueError):
    """The question cannot become a Certify item; the message says why."""


def text_of(value: Any) -> str:
    return str(value["text"]) if isinstance(value, Mapping) else ""


def quoted(text: str, limit: int = 60) -> str:
    """Text for a message: one line, shortened."""
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def credit_of(choice: Mapping[str, Any]) -> float:
    """An answer's credit in percent: its weight, else 100 for `=` and 0 for `~`."""
    weight = choice.get("weight")
    return float(weight) if weight is not None else (100.0 if choice["isCorrect"] else 0.0)


def answer_fields(question: ParsedQuestion, meta: Mapping[str, Any], wanted: str | None) -> tuple[Fields, list[str]]:
    """The type fields for `question` (as the item type `wanted`, or the one its answers make) and notes."""
    data, kind = question.data, question.data["type"]
    notes: list[str] = []
    if kind == "TF":
        fields = _true_false(data, notes)
    elif kind == "MC":
        fields = _choice(data["choices"], meta, wanted, notes)
    elif wanted == "short_answer" or kind == "Short":
        answers = short_answers(question) if kind == "Matching" else data.get("choices", [])
        fields = _short(answers, meta, notes)
    elif kind == "Numerical":
        fields = _numeric(data["choices"], meta, notes)
    else:
        fields = _matching(data["matchPairs"], meta, wanted, notes)
    return fields, notes


def _true_false(data: Mapping[str, Any], notes: list[str]) -> Fields:
    # GIFT: {TRUE#feedback when answered wrongly#feedback when answered rightly}.
    wrong, right = text_of(data["trueFeedback"]), text_of(data["falseFeedback"])
    if right and right != text_of(data.get("globalFeedback")):
        notes.append(f"the feedback for the right answer ({quoted(right)}) has no place in Certify and was dropped")
    return {"type": "true_false", "key": data["isTrue"], "wrong_rationale": wrong}


def _ids(meta: Mapping[str, Any], count: int, notes: list[str]) -> list[str]:
    ids = meta.get("ids")
    if isinstance(ids, list) and len(ids) == count and all(isinstance(i, str) for i in ids):
        return list(ids)
    if ids is not None:
        notes.append(f"ignored metadata `ids`: it must list {count} option ids")
    return option_ids(count)


def _choice(choices: list[dict[str, Any]], meta: Mapping[str, Any], wanted: str | None, notes: list[str]) -> Fields:
    kept = []
    for number, choice in enumerate(choices, start=1):
        if text_of(choice["text"]):
            kept.append(choice)
            continue
        feedback = text_of(choice["feedback"])
        lost = f" and its feedback {quoted(feedback)} was dropped" if feedback else " and was left out"
        notes.append(f"answer {number} has no text (Moodle leaves such answers out too){lost}")
    ids = _ids(meta, len(kept), notes)
    options = [
        {"id": i, "text": text_of(c["text"]), "rationale": text_of(c["feedback"])}
        for i, c in zip(ids, kept, strict=True)
    ]
    credits = dict(zip(ids, (credit_of(c) for c in kept), strict=True))
    full = [i for i, credit in credits.items() if credit >= 100]
    keyed = [i for i, credit in credits.items() if credit > 0]
    if not keyed:
        raise Unusable("no answer is marked correct ('=' or a positive %weight%)")
    if wanted == "single_choice" or (wanted is None and len(full) == 1):
        if len(full) != 1:
            raise Unusable(f"a single choice needs exactly one fully correct answer, not {len(full)}")
        partial = {i: round(credit / 100, 7) for i, credit in credits.items() if 0 < credit < 100}
        penalties = [f"{credits[i]:g}%" for i in ids if credits[i] < 0]
        if penalties:
            notes.append(f"negative weights ({', '.join(penalties)}) are not kept: a wrong option scores 0")
        return {"type": "single_choice", "options": options, "key": full[0], **({"credit": partial} if partial else {})}
    if wanted is None:
        _weights_note(credits, keyed, full, notes)
    return {"type": "multiple_response", "options": options, "key": keyed, "scoring": meta.get("scoring", "partial")}


def _weights_note(credits: dict[str, float], keyed: list[str], full: list[str], notes: list[str]) -> None:
    """Say how Moodle's weights of a multi-answer question differ from Certify's partial scoring."""
    if len(full) > 1:
        notes.append(
            f"{len(full)} answers are fully correct: Moodle accepts any one of them, Certify asks for all of "
            "them (multiple response)"
        )
        return
    share = 100 / len(keyed)
    expected = {i: share if i in keyed else -share for i in credits}
    if any(abs(credits[i] - expected[i]) > 0.1 for i in credits):  # 33.3 % is a third
        weights = ", ".join(f"{credit:g}%" for credit in credits.values())
        notes.append(
            f"Moodle's answer weights ({weights}) are not kept: Certify's partial scoring gives each right "
            f"option 1/{len(keyed)} and takes 1/{len(keyed)} away for each wrong one chosen"
        )


def wildcard_pattern(answer: str) -> str | None:
    """The regular expression for a Moodle short answer using the `*` wildcard (`\\*` is a star), else None."""
    parts = _WILDCARD.split(answer)
    stars = _WILDCARD.findall(answer)
    if "*" not in stars:
        return None
    pieces = [re.escape(parts[0])]
    for star, part in zip(stars, parts[1:], strict=True):
        pieces += [".*" if star == "*" else re.escape("*"), re.escape(part)]
    return "".join(pieces)


def _short(choices: list[dict[str, Any]], meta: Mapping[str, Any], notes: list[str]) -> Fields:
    accepted: list[str] = []
    patterns: list[Any] = list(meta["patterns"]) if isinstance(meta.get("patterns"), list) else []
    wrong: list[dict[str, str]] = []
    for choice in choices:
        credit, text, feedback = credit_of(choice), text_of(choice["text"]), text_of(choice["feedback"])
        pattern = wildcard_pattern(text)
        if not text or text == "*":
            what = "an empty answer" if not text else "the answer for anything else ('*')"
            lost = f"its feedback {quoted(feedback)} was dropped" if feedback else "it was left out"
            notes.append(f"{what} has no place in Certify: {lost}")
        elif credit >= 100:
            if pattern is None:
                accepted.append(text.replace("\\*", "*"))
            elif pattern not in patterns:
                patterns.append(pattern)
            if feedback:
                notes.append(f"the feedback on accepted answer {quoted(text)} has no place in Certify and was dropped")
        else:
            if credit > 0:
                notes.append(f"partial-credit answer {quoted(text)} ({credit:g}%) scores 0 in Certify")
            if pattern is None:
                wrong.append({"answer": text.replace("\\*", "*"), "rationale": feedback})
            else:
                notes.append(f"wrong answer {quoted(text)} uses a '*' wildcard, which Certify's wrong answers cannot")
    fields: Fields = {"type": "short_answer", "accepted": accepted, "wrong_answers": wrong}
    if patterns or "patterns" in meta:
        fields["patterns"] = patterns or meta["patterns"]  # parse_item says what is wrong with bad metadata
    fields.update({k: meta[k] for k in ("case_sensitive", "collapse_whitespace") if k in meta})
    return fields


def _numeric(choices: Any, meta: Mapping[str, Any], notes: list[str]) -> Fields:
    if isinstance(choices, dict):
        choices = [{"isCorrect": True, "weight": None, "text": choices, "feedback": None}]
    key: dict[str, Any] | None = None
    wrong = []
    for choice in choices:
        spec, credit, feedback = choice["text"], credit_of(choice), text_of(choice["feedback"])
        if "type" not in spec:
            lost = f": its feedback {quoted(feedback)} was dropped" if feedback else ""
            notes.append(f"the entry for any other answer has no place in Certify{lost}")
        elif credit >= 100 and key is None:
            key = spec
            if feedback:
                notes.append(f"the feedback on the right answer ({quoted(feedback)}) has no place in Certify")
        elif credit > 0:
            notes.append(f"only the first fully correct answer is kept; {_describe(spec)} ({credit:g}%) was dropped")
        elif spec["type"] == "high-low" or spec.get("range"):
            notes.append(f"wrong answer {_describe(spec)} was kept as its middle value only")
            middle = (spec["numberLow"] + spec["numberHigh"]) / 2 if spec["type"] == "high-low" else spec["number"]
            wrong.append({"answer": middle, "rationale": feedback})
        else:
            wrong.append({"answer": spec["number"], "rationale": feedback})
    if key is None:
        raise Unusable("no numeric answer is fully correct")
    fields: Fields = {"type": "numeric", "wrong_answers": wrong}
    if key["type"] == "high-low":
        fields["range"] = [key["numberLow"], key["numberHigh"]]
    else:
        fields.update(value=key["number"], tolerance=key.get("range", 0))
    if "unit" in meta:
        fields["unit"] = meta["unit"]
    return fields


def _describe(spec: Mapping[str, Any]) -> str:
    if spec["type"] == "high-low":
        return f"{spec['numberLow']}..{spec['numberHigh']}"
    return f"{spec['number']}:{spec['range']}" if spec["type"] == "range" else str(spec["number"])


def _matching(pairs: list[dict[str, Any]], meta: Mapping[str, Any], wanted: str | None, notes: list[str]) -> Fields:
    ids = _ids(meta, len(pairs), notes)
    rationales = meta.get("rationales")
    if not isinstance(rationales, list) or len(rationales) != len(pairs):
        rationales = [""] * len(pairs)
    prompts = meta.get("prompts")
    if not isinstance(prompts, list) or len(prompts) != len(pairs):
        prompts = [""] * len(pairs)
    rows = []
    for i, pair, rationale, prompt in zip(ids, pairs, rationales, prompts, strict=True):
        left = text_of(pair["subquestion"])
        # GIFT cannot hold '->' in a prompt: the export writes '- >' and keeps the prompt in `prompts`.
        left = prompt if isinstance(prompt, str) and prompt and prompt.replace("->", "- >") == left else left
        rows.append({"id": i, "left": left, "right": pair["subanswer"], "rationale": rationale})
    scoring = {"scoring": meta["scoring"]} if "scoring" in meta else {}
    if wanted == "ordering":
        rows.sort(key=lambda row: _position(row["right"]))
        options = [{"id": r["id"], "text": r["left"], "rationale": r["rationale"]} for r in rows]
        return {"type": "ordering", "options": options, **scoring}
    distractors = [{"id": r["id"], "text": r["right"], "rationale": r["rationale"]} for r in rows if not r["left"]]
    return {"type": "matching", "pairs": [r for r in rows if r["left"]], "distractors": distractors, **scoring}


def _position(text: str) -> float:
    """An ordering step's place, written as the matching answer; unnumbered steps go last."""
    try:
        return float(text)
    except ValueError:
        return float("inf")
