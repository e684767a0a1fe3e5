"""Competencies and course modules (lessons plus a knowledge-check bank) from YAML."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from certify.core.banks import Bank, Item, parse_item
from certify.core.source import Located, Problem, line_of

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE = re.compile(r"^[A-Z]{2,4}$")


@dataclass(frozen=True)
class Competency:
    code: str
    title: str
    description: str
    position: int


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    minutes: int
    body: str  # Markdown; rendered and sanitised when stored


@dataclass(frozen=True)
class Module:
    number: int
    slug: str
    title: str
    summary: str
    competencies: tuple[str, ...]
    lessons: tuple[Lesson, ...]
    pass_mark: float
    knowledge_check: Bank
    file: str = ""


def _text(raw: Any, name: str) -> str:
    value = raw.get(name) if isinstance(raw, dict) else None
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def parse_competencies(data: Any, filename: str) -> tuple[list[Competency], list[Problem]]:
    """The competency framework: `competencies: [{code, title, description}]`."""
    raw = data.get("competencies") if isinstance(data, Located) else None
    if not isinstance(raw, list) or not raw:
        return [], [Problem(filename, line_of(data, 1), "`competencies` must be a non-empty list")]
    problems, result, seen = [], [], set()
    for position, entry in enumerate(raw, start=1):
        line = line_of(entry, line_of(raw, 1))
        code, title = _text(entry, "code"), _text(entry, "title")
        if not CODE.match(code):
            problems.append(Problem(filename, line, f"competency code {code!r} must be 2-4 capital letters"))
        elif code in seen:
            problems.append(Problem(filename, line, f"duplicate competency code {code!r}"))
        if not title:
            problems.append(Problem(filename, line, f"competency {code or position} has no title"))
        seen.add(code)
        result.append(Competency(code, title, _text(entry, "description"), position))
    return ([], problems) if problems else (result, [])


def parse_module(data: Any, filename: str, competencies: Collection[str]) -> tuple[Module | None, list[Problem]]:
    """A course module: `module:` (with lessons) and `knowledge_check:` (items)."""
    if not isinstance(data, Located) or not isinstance(data.get("module"), Located):
        return None, [Problem(filename, line_of(data, 1), "a module file needs a `module:` mapping")]
    header: Located = data["module"]
    problems: list[Problem] = []

    def problem(where: Located, key: str, message: str) -> None:
        problems.append(Problem(filename, where.line_of(key), message))

    number = header.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        problem(header, "number", "module `number` must be a positive whole number")
        number = 0
    slug, title = _text(header, "slug"), _text(header, "title")
    if not SLUG.match(slug):
        problem(header, "slug", "module `slug` must be lower-case words joined by hyphens")
    if not title:
        problem(header, "title", "module has no `title`")
    codes = header.get("competencies", [])
    if not isinstance(codes, list) or any(c not in competencies for c in codes):
        problem(header, "competencies", f"module `competencies` must list known codes ({', '.join(competencies)})")
        codes = []
    lessons: list[Lesson] = []
    raw_lessons = header.get("lessons")
    if not isinstance(raw_lessons, list) or not raw_lessons:
        problem(header, "lessons", "module needs a `lessons` list")
        raw_lessons = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_lessons, start=1):
        if not isinstance(raw, Located):
            problems.append(Problem(filename, header.line_of("lessons"), f"lesson #{index} must be a mapping"))
            continue
        lesson_slug, lesson_title, body = _text(raw, "slug"), _text(raw, "title"), _text(raw, "body")
        minutes = raw.get("minutes", 10)
        if not SLUG.match(lesson_slug) or lesson_slug in seen:
            problem(raw, "slug", f"lesson #{index}: `slug` missing, malformed or repeated")
        seen.add(lesson_slug)
        if not lesson_title:
            problem(raw, "title", f"lesson #{index} has no `title`")
        if not body:
            problem(raw, "body", f"lesson #{index} has no `body`")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 240:
            problem(raw, "minutes", f"lesson #{index}: `minutes` must be a whole number from 1 to 240")
            minutes = 10
        lessons.append(Lesson(lesson_slug, lesson_title, minutes, body))

    check = data.get("knowledge_check")
    items: list[Item] = []
    pass_mark = 0.8
    if not isinstance(check, Located) or not isinstance(check.get("items"), list) or not check["items"]:
        problems.append(Problem(filename, line_of(check, header.line), "module needs a `knowledge_check` with `items`"))
    else:
        pass_mark = check.get("pass_mark", 0.8)
        if not isinstance(pass_mark, (int, float)) or isinstance(pass_mark, bool) or not 0 < pass_mark <= 1:
            problem(check, "pass_mark", "`pass_mark` must be a fraction between 0 and 1")
            pass_mark = 0.8
        item_lines = getattr(check["items"], "item_lines", [])
        refs: set[str] = set()
        for index, raw in enumerate(check["items"]):
            item, item_problems = parse_item(
                raw,
                filename,
                default_competency=codes[0] if codes else "",
                competencies=competencies,
                fallback_line=item_lines[index] if index < len(item_lines) else check.line,
            )
            problems.extend(item_problems)
            if item is not None:
                if item.ref in refs:
                    problems.append(Problem(filename, item.line, f"duplicate item id {item.ref!r}"))
                refs.add(item.ref)
                items.append(item)
    if problems:
        return None, problems
    bank = Bank(f"kc-{number:02d}", f"Knowledge check: {title}", "knowledge_check", tuple(items), filename)
    return Module(
        number, slug, title, _text(header, "summary"), tuple(codes), tuple(lessons), float(pass_mark), bank, filename
    ), []
