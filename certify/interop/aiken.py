"""Aiken: the plain-text single-choice format of Moodle and many other tools.

    What does ROI compare?
    A. Net benefits with costs
    B) Benefits with the number of learners
    ANSWER: A

A question is its text (one or more lines), two or more options `A.` or `A)`,
then `ANSWER: X`; a blank line separates questions. Aiken has no rationales, so
every item is imported as a `draft` with a placeholder rationale (it goes through review before
any candidate sees it) and the file gets a warning saying that rationales must be written.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from certify.core.banks import ID_PATTERN, Bank, Item, parse_item
from certify.core.imports import NEEDS_RATIONALE, competency_for, rationale_warning, skip, unmapped
from certify.core.source import Located, Problem

PLACEHOLDER_RATIONALE = NEEDS_RATIONALE  # the same marker for every format (certify.core.imports)
_OPTION = re.compile(r"^([A-Z])\s*[.)]\s+(\S.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


@dataclass
class _Question:
    line: int
    stem: list[str] = field(default_factory=list)
    options: list[tuple[str, str, int]] = field(default_factory=list)
    answer: str = ""
    answer_line: int = 0
    faults: list[str] = field(default_factory=list)  # what makes it unusable: it is skipped, the rest goes on


class _Reader:
    """A line-by-line state machine; it records errors and keeps going to report them all."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.questions: list[_Question] = []
        self.problems: list[Problem] = []
        self.current: _Question | None = None

    def error(self, line: int, message: str, question: _Question | None = None) -> None:
        """A fault of one question (it is skipped), or of stray lines outside any question."""
        if question is not None:
            question.faults.append(f"{message} (line {line})" if line != question.line else message)
        else:
            self.problems.append(skip(self.filename, line, f"line {line}", message))

    def finish(self) -> None:
        """Close the current question when no ANSWER line came."""
        if self.current is not None:
            self.error(self.current.line, "question has no `ANSWER:` line", self.current)
            self.current = None

    def read(self, text: str) -> None:
        for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
            line = raw.strip()
            if not line:
                if self.current is not None and self.current.stem and not self.current.options:
                    self.current.stem.append("")
                continue
            self.read_line(number, line)
        self.finish()

    def read_line(self, number: int, line: str) -> None:
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        question = self.current
        if answer:
            if question is None:
                self.error(number, "`ANSWER:` line without a question before it")
                return
            self.answer(question, number, answer.group(1).strip())
            self.current = None
        elif question is not None and question.options:
            if not option:
                # The previous question never got its ANSWER line: report it and start again here.
                self.finish()
                self.start(number, line)
                return
            self.option(question, number, option.group(1), option.group(2).strip())
        elif question is None:
            if option:
                self.error(number, f"option {option.group(1)} comes before any question text")
            self.start(number, line)
        elif option:
            self.option(question, number, option.group(1), option.group(2).strip())
        else:
            question.stem.append(line)

    def start(self, number: int, line: str) -> None:
        self.current = _Question(number, [line])
        self.questions.append(self.current)

    def option(self, question: _Question, number: int, letter: str, text: str) -> None:
        if any(existing == letter for existing, _, _ in question.options):
            self.error(number, f"option letter {letter} is used twice in this question", question)
        question.options.append((letter, text, number))

    def answer(self, question: _Question, number: int, letter: str) -> None:
        question.answer, question.answer_line = letter.upper(), number
        if len(question.options) < 2:
            message = f"question has {len(question.options)} option(s); Aiken needs at least 2"
            self.error(question.line, message, question)
        elif not re.fullmatch(r"[A-Za-z]", letter):
            self.error(number, f"`ANSWER:` must give one option letter, not {letter!r}", question)
        elif question.answer not in {existing for existing, _, _ in question.options}:
            letters = ", ".join(existing for existing, _, _ in question.options)
            self.error(number, f"answer {question.answer} is not one of the options ({letters})", question)


def _stem(lines: list[str]) -> str:
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def _raw_item(question: _Question, ref: str, competency: str, bloom: str) -> Located:
    raw = Located(
        {
            "id": ref,
            "type": "single_choice",
            "competency": competency,
            "bloom": bloom,
            "status": "draft",
            "stem": _stem(question.stem),
            "options": [{"id": letter.lower(), "text": text, "rationale": ""} for letter, text, _ in question.options],
            "key": question.answer.lower(),
            "rationale": PLACEHOLDER_RATIONALE,
        }
    )
    raw.line = question.line
    raw.key_lines = {"options": question.options[0][2], "key": question.answer_line}
    return raw


def aiken_to_bank(
    text: str,
    filename: str,
    *,
    competencies: Collection[str],
    bank_id: str,
    title: str,
    default_competency: str,
    default_bloom: str = "understand",
    category_map: Mapping[str, str] | None = None,
) -> tuple[Bank | None, list[Problem]]:
    """Parse an Aiken file into a bank of draft single-choice items, skipping (and naming) unusable questions.

    Aiken has no categories: every question takes the competency chosen for "no category" in the preview
    (`category_map[""]`), else the default competency; without either, each is left for mapping.
    """
    if not ID_PATTERN.match(bank_id):
        return None, [Problem(filename, 0, f"bank id {bank_id!r} is not a simple identifier")]
    if not text.strip():
        return None, [Problem(filename, 1, "the file is empty: no Aiken questions found")]
    reader = _Reader(filename)
    reader.read(text)
    problems = list(reader.problems)
    competency = competency_for("", competencies, category_map or {}, default_competency)
    items: list[Item] = []
    for number, question in enumerate(reader.questions, start=1):
        ref = f"{bank_id}-{number:03d}"  # the id it has when read: a stored item by it is kept, not retired
        if question.faults:
            problems.append(skip(filename, question.line, ref, f"question {number}: {'; '.join(question.faults)}"))
            continue
        if competency is None:
            problems.append(unmapped(filename, question.line, ref, ""))
            continue
        raw: Any = _raw_item(question, ref, competency, default_bloom)
        item, item_problems = parse_item(
            raw, filename, default_competency=competency, competencies=competencies, fallback_line=question.line
        )
        if item is None:
            reason = "; ".join(p.message for p in item_problems)
            problems.append(skip(filename, question.line, ref, f"question {number}: {reason}"))
        else:
            items.append(item)
    if not reader.questions:
        why = "; ".join(p.message for p in problems)
        return None, [Problem(filename, 1, "no Aiken questions found" + (f" ({why})" if why else ""))]
    if items:
        problems.append(rationale_warning(filename, len(items), "Aiken"))
    return Bank(bank_id, title, "certification", tuple(items), filename), sorted(problems)
