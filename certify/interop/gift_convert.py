"""GIFT text to a Certify Bank: question types mapped to item types, with every loss reported.

See `certify.interop.gift` for the mapping and the `// certify: {json}` metadata comment.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from certify.core.banks import ID_PATTERN, Bank, Item, parse_item
from certify.core.source import Located, Problem
from certify.interop.gift_meta import option_ids, read_metadata
from certify.interop.gift_parser import GiftError, ParsedQuestion, parse_gift_questions, short_answers

# The Certify item types each GIFT question type can become.
FITS = {
    "MC": ("single_choice", "multiple_response"),
    "TF": ("true_false",),
    "Short": ("short_answer",),
    "Numerical": ("numeric",),
    "Matching": ("matching", "ordering", "short_answer"),  # short answers whose every answer has '->'
    "Essay": ("short_answer",),  # a short answer with patterns only has no GIFT answers
}
UNSUPPORTED = {"Essay": "essay", "Description": "description"}
# An item's YAML type fields, a fallback rationale (the right answer's feedback) and feedback with no home.
_Body = tuple[dict[str, Any] | None, str, list[str]]


def _text(value: Any) -> str:
    return str(value["text"]) if isinstance(value, Mapping) else ""


def _credit(choice: Mapping[str, Any]) -> float:
    """An answer's credit in percent: its weight, else 100 for `=` and 0 for `~`."""
    weight = choice.get("weight")
    return float(weight) if weight is not None else (100.0 if choice["isCorrect"] else 0.0)


class _Converter:
    def __init__(self, filename: str, competencies: Collection[str], default_bloom: str) -> None:
        self.filename = filename
        self.competencies = competencies
        self.default_bloom = default_bloom
        self.problems: list[Problem] = []

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.filename, line, message, "warning"))

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.filename, line, message))

    def competency(self, category: str) -> str | None:
        """The competency code a category path names (its last segment or whole name), if any."""
        titles = self.competencies if isinstance(self.competencies, Mapping) else {}
        for name in (category.rstrip("/").rsplit("/", 1)[-1].strip(), category.strip()):
            for code in self.competencies:
                if name.casefold() in (str(code).casefold(), str(titles.get(code, "")).casefold()):
                    return str(code)
        return None

    def metadata(self, question: ParsedQuestion) -> dict[str, Any]:
        meta, warnings = read_metadata(question.comments)
        for warning in warnings:
            self.warn(question.line, warning)
        return meta

    def convert(self, question: ParsedQuestion, ref: str, competency: str) -> Item | None:
        data, line = question.data, question.line
        label = f"question {data['title']!r}" if data["title"] else "question"
        meta = self.metadata(question)
        kind = data["type"]
        wanted = meta.get("type")
        if wanted is not None and wanted not in FITS.get(kind, ()):
            self.warn(line, f"{label}: metadata type {wanted!r} does not fit a GIFT {kind} question; ignored")
            wanted = None
        if data["hasEmbeddedAnswers"] or (kind in UNSUPPORTED and wanted is None):
            what = "embedded-answer (cloze)" if data["hasEmbeddedAnswers"] else UNSUPPORTED[kind]
            self.warn(line, f"{label}: {what} questions are not supported; skipped")
            return None
        competency = meta.get("competency", competency)
        if not competency:
            self.error(line, f"{label}: no competency: put a `$CATEGORY:` naming one before it, or choose a default")
            return None
        fields, fallback, dropped = self.body(question, meta, wanted, label)
        if fields is None:
            return None
        rationale = _text(data.get("globalFeedback"))
        if not rationale and fallback:
            rationale = fallback
            self.warn(line, f"{label}: no general feedback (####); the correct answer's feedback is the rationale")
        lost = [text for text in dropped if text and text != rationale]
        if lost:
            self.warn(line, f"{label}: {len(lost)} answer feedback text(s) have no place in Certify; not imported")
        title = meta.get("title", "" if ref == data["title"] else data["title"] or "")
        raw = Located(
            {
                "id": ref,
                "competency": competency,
                "bloom": meta.get("bloom", self.default_bloom),
                "status": meta.get("status", "draft"),
                **({"title": title} if title else {}),
                "stem": data["stem"]["text"],
                "rationale": rationale or "-",
                **{k: meta[k] for k in ("references", "shuffle", "allow_all_none", "enemies", "stimulus") if k in meta},
                **fields,
            }
        )
        raw.line, raw.key_lines = line, {}
        item, problems = parse_item(
            raw, self.filename, default_competency="", competencies=self.competencies, fallback_line=line
        )
        self.problems.extend(problems)
        if not rationale:
            self.error(line, f"{label}: no rationale: add general feedback (####...) saying why the key is right")
            return None
        return item

    def body(self, question: ParsedQuestion, meta: dict[str, Any], wanted: str | None, label: str) -> _Body:
        data, line, kind = question.data, question.line, question.data["type"]
        if kind == "TF":
            wrong, right = _text(data["trueFeedback"]), _text(data["falseFeedback"])
            return {"type": "true_false", "key": data["isTrue"], "wrong_rationale": wrong}, right, [right]
        if kind == "MC":
            return self.choice(data["choices"], meta, wanted, label, line)
        if wanted == "short_answer" or kind == "Short":
            answers = short_answers(question) if kind == "Matching" else data.get("choices", [])
            return self.short(answers, meta, label, line)
        if kind == "Numerical":
            return self.numeric(data["choices"], meta, label, line)
        return self.matching(data["matchPairs"], meta, wanted, line), "", []

    def choice(
        self, choices: list[dict[str, Any]], meta: dict[str, Any], wanted: str | None, label: str, line: int
    ) -> _Body:
        ids = self.ids(meta, len(choices), line)
        options = [
            {"id": i, "text": _text(c["text"]), "rationale": _text(c["feedback"])}
            for i, c in zip(ids, choices, strict=True)
        ]
        credits = [_credit(c) for c in choices]
        keyed = [i for i, credit in zip(ids, credits, strict=True) if credit > 0]
        if not keyed:
            self.error(line, f"{label}: no answer is marked correct ('=' or a positive %weight%)")
            return None, "", []
        fallback = next((o["rationale"] for o in options if o["id"] in keyed and o["rationale"]), "")
        single = len(keyed) == 1 and max(credits) >= 100
        if wanted == "single_choice" or (wanted is None and single):
            return {"type": "single_choice", "options": options, "key": keyed[0] if single else keyed}, fallback, []
        scoring = meta.get("scoring", "partial")
        return {"type": "multiple_response", "options": options, "key": keyed, "scoring": scoring}, fallback, []

    def short(self, choices: list[dict[str, Any]], meta: dict[str, Any], label: str, line: int) -> _Body:
        accepted, wrong, dropped = [], [], []
        for choice in choices:
            credit, text, feedback = _credit(choice), _text(choice["text"]), _text(choice["feedback"])
            if credit >= 100:
                accepted.append(text)
                dropped.append(feedback)
                continue
            if credit > 0:
                self.warn(line, f"{label}: partial-credit answer {text!r} ({credit:g}%) scores 0 in Certify")
            wrong.append({"answer": text, "rationale": feedback})
        fields = {"type": "short_answer", "accepted": accepted, "wrong_answers": wrong}
        fields.update({k: meta[k] for k in ("patterns", "case_sensitive", "collapse_whitespace") if k in meta})
        return fields, next((f for f in dropped if f), ""), dropped

    def numeric(self, choices: Any, meta: dict[str, Any], label: str, line: int) -> _Body:
        if isinstance(choices, dict):
            choices = [{"isCorrect": True, "weight": None, "text": choices, "feedback": None}]
        key: dict[str, Any] | None = None
        wrong, dropped = [], []
        for choice in choices:
            spec, credit, feedback = choice["text"], _credit(choice), _text(choice["feedback"])
            if "type" not in spec:
                self.warn(line, f"{label}: an 'any other answer' entry has no place in Certify; not imported")
            elif credit >= 100 and key is None:
                key = spec
                dropped.append(feedback)
            elif credit > 0:
                self.warn(line, f"{label}: only the first fully correct answer is kept; {_describe(spec)} dropped")
                dropped.append(feedback)
            elif spec["type"] == "high-low" or spec.get("range"):
                self.warn(line, f"{label}: wrong answer {_describe(spec)} kept as its middle value only")
                middle = (spec["numberLow"] + spec["numberHigh"]) / 2 if spec["type"] == "high-low" else spec["number"]
                wrong.append({"answer": middle, "rationale": feedback})
            else:
                wrong.append({"answer": spec["number"], "rationale": feedback})
        if key is None:
            self.error(line, f"{label}: no numeric answer is fully correct")
            return None, "", []
        fields: dict[str, Any] = {"type": "numeric", "wrong_answers": wrong}
        if key["type"] == "high-low":
            fields["range"] = [key["numberLow"], key["numberHigh"]]
        else:
            fields.update(value=key["number"], tolerance=key.get("range", 0))
        if "unit" in meta:
            fields["unit"] = meta["unit"]
        return fields, next((f for f in dropped if f), ""), dropped

    def matching(
        self, pairs: list[dict[str, Any]], meta: dict[str, Any], wanted: str | None, line: int
    ) -> dict[str, Any]:
        ids = self.ids(meta, len(pairs), line)
        rationales = meta.get("rationales")
        if not isinstance(rationales, list) or len(rationales) != len(pairs):
            rationales = [""] * len(pairs)
        prompts = meta.get("prompts")
        if not isinstance(prompts, list) or len(prompts) != len(pairs):
            prompts = [""] * len(pairs)
        rows = []
        for i, pair, rationale, prompt in zip(ids, pairs, rationales, prompts, strict=True):
            left = _text(pair["subquestion"])
            # GIFT cannot hold '->' in a prompt: the export writes '- >' and keeps the prompt in `prompts`.
            left = prompt if isinstance(prompt, str) and prompt and prompt.replace("->", "- >") == left else left
            rows.append({"id": i, "left": left, "right": pair["subanswer"], "rationale": rationale})
        if wanted == "ordering":
            rows.sort(key=lambda row: _position(row["right"]))
            options = [{"id": r["id"], "text": r["left"], "rationale": r["rationale"]} for r in rows]
            return {
                "type": "ordering",
                "options": options,
                **({"scoring": meta["scoring"]} if "scoring" in meta else {}),
            }
        fields: dict[str, Any] = {"type": "matching", "pairs": [r for r in rows if r["left"]]}
        fields["distractors"] = [
            {"id": r["id"], "text": r["right"], "rationale": r["rationale"]} for r in rows if not r["left"]
        ]
        if "scoring" in meta:
            fields["scoring"] = meta["scoring"]
        return fields

    def ids(self, meta: dict[str, Any], count: int, line: int) -> list[str]:
        ids = meta.get("ids")
        if isinstance(ids, list) and len(ids) == count and all(isinstance(i, str) for i in ids):
            return list(ids)
        if ids is not None:
            self.warn(line, f"ignored metadata `ids`: it must list {count} option ids")
        return option_ids(count)


def _position(text: str) -> float:
    """An ordering step's place, written as the matching answer; unnumbered steps go last."""
    try:
        return float(text)
    except ValueError:
        return float("inf")


def _describe(spec: Mapping[str, Any]) -> str:
    if spec["type"] == "high-low":
        return f"{spec['numberLow']}..{spec['numberHigh']}"
    return f"{spec['number']}:{spec['range']}" if spec["type"] == "range" else str(spec["number"])


def gift_to_bank(
    text: str,
    filename: str,
    *,
    competencies: Collection[str],
    bank_id: str,
    title: str,
    default_competency: str = "",
    default_bloom: str = "understand",
) -> tuple[Bank | None, list[Problem]]:
    """A Bank from GIFT text, with every problem; None when any problem is an error (warnings are fine)."""
    try:
        questions = parse_gift_questions(text)
    except GiftError as exc:
        return None, [Problem(filename, exc.line, f"GIFT syntax: {exc.message}")]
    if not any(q.data["type"] != "Category" for q in questions):
        return None, [Problem(filename, 1, "no questions found in the GIFT text")]
    converter = _Converter(filename, competencies, default_bloom)
    titles = {q.data.get("title") for q in questions}
    items: list[Item] = []
    seen: dict[str, int] = {}
    competency, number = default_competency, 0
    for question in questions:
        data = question.data
        if data["type"] == "Category":
            found = converter.competency(data["title"])
            if found is None:
                fallback = (
                    f"using the default {default_competency!r}" if default_competency else "no default competency"
                )
                converter.warn(question.line, f"category {data['title']!r} matches no competency; {fallback}")
            competency = found or default_competency
            continue
        number += 1
        ref = data["title"] if data["title"] and ID_PATTERN.match(data["title"]) else ""
        serial = number
        while not ref:
            ref = f"{bank_id}-{serial:03d}"
            if ref in titles or ref in seen:
                ref, serial = "", serial + 1
        if ref in seen:
            converter.error(question.line, f"duplicate item id {ref!r} (first at line {seen[ref]})")
            continue
        item = converter.convert(question, ref, competency)
        if item is not None:
            seen[ref] = question.line
            items.append(item)
    problems = converter.problems
    if any(p.severity == "error" for p in problems):
        return None, problems
    return Bank(bank_id, title, "certification", tuple(items), filename), problems
