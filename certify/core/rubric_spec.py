"""The portfolio rubric: criteria mapped to competencies, four described levels each."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from certify.core.banks import ID_PATTERN
from certify.core.source import Located, Problem, line_of

LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    competency: str
    title: str
    guidance: str
    descriptors: dict[int, str]


@dataclass(frozen=True)
class RubricSpec:
    slug: str
    title: str
    pass_min_level: int
    level_names: dict[int, str]
    criteria: tuple[CriterionSpec, ...]
    file: str = ""


def _levels(raw: Any, where: int, filename: str, label: str, problems: list[Problem]) -> dict[int, str]:
    keys = sorted(str(k) for k in raw) if isinstance(raw, dict) else []
    if keys != [str(level) for level in LEVELS]:
        problems.append(Problem(filename, where, f"{label}: give text for levels 1, 2, 3 and 4"))
        return {}
    result = {int(k): str(v).strip() for k, v in raw.items()}
    if not all(result.values()):
        problems.append(Problem(filename, where, f"{label}: a level has no text"))
    return result


def parse_rubric(data: Any, filename: str, competencies: Collection[str]) -> tuple[RubricSpec | None, list[Problem]]:
    if not isinstance(data, Located) or not isinstance(data.get("rubric"), Located):
        return None, [Problem(filename, line_of(data, 1), "a rubric file needs a `rubric:` mapping")]
    raw: Located = data["rubric"]
    problems: list[Problem] = []
    slug, title = str(raw.get("slug", "")), str(raw.get("title", "")).strip()
    if not ID_PATTERN.match(slug):
        problems.append(Problem(filename, raw.line_of("slug"), "rubric `slug` is missing or not a simple identifier"))
    if not title:
        problems.append(Problem(filename, raw.line_of("title"), "rubric has no `title`"))
    pass_level = raw.get("pass_min_level", 3)
    if pass_level not in LEVELS:
        problems.append(Problem(filename, raw.line_of("pass_min_level"), "`pass_min_level` must be 1, 2, 3 or 4"))
    names = _levels(raw.get("levels"), raw.line_of("levels"), filename, "`levels`", problems)
    criteria: list[CriterionSpec] = []
    raw_criteria = raw.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        problems.append(Problem(filename, raw.line_of("criteria"), "rubric needs a `criteria` list"))
        raw_criteria = []
    seen: set[str] = set()
    for entry in raw_criteria:
        where = line_of(entry, raw.line_of("criteria"))
        if not isinstance(entry, Located):
            problems.append(Problem(filename, where, "each criterion must be a mapping"))
            continue
        code, competency = str(entry.get("code", "")), str(entry.get("competency", ""))
        if not ID_PATTERN.match(code) or code in seen:
            problems.append(Problem(filename, where, f"criterion code {code!r} is missing or repeated"))
        seen.add(code)
        if competency not in competencies:
            problems.append(Problem(filename, entry.line_of("competency"), f"criterion {code}: unknown competency"))
        criterion_title = str(entry.get("title", "")).strip()
        if not criterion_title:
            problems.append(Problem(filename, where, f"criterion {code} has no title"))
        descriptors = _levels(
            entry.get("descriptors"), entry.line_of("descriptors"), filename, f"criterion {code} descriptors", problems
        )
        criteria.append(
            CriterionSpec(code, competency, criterion_title, str(entry.get("guidance", "")).strip(), descriptors)
        )
    if problems:
        return None, problems
    return RubricSpec(slug, title, int(pass_level), names, tuple(criteria), filename), []


@dataclass(frozen=True)
class AnchorSpec:
    """A calibration portfolio: what a candidate wrote per criterion, and the committee's reference levels."""

    slug: str
    title: str
    summary: str
    rubric: str
    sections: dict[str, str]
    reference_levels: dict[str, int]
    justification: dict[str, str]
    file: str = ""


def parse_anchor(data: Any, filename: str) -> tuple[AnchorSpec | None, list[Problem]]:
    if not isinstance(data, Located) or not isinstance(data.get("anchor"), Located):
        return None, [Problem(filename, line_of(data, 1), "an anchor file needs an `anchor:` mapping")]
    raw: Located = data["anchor"]
    problems: list[Problem] = []
    slug, title = str(raw.get("slug", "")), str(raw.get("title", "")).strip()
    if not ID_PATTERN.match(slug):
        problems.append(Problem(filename, raw.line_of("slug"), "anchor `slug` is missing or not a simple identifier"))
    if not title:
        problems.append(Problem(filename, raw.line_of("title"), "anchor has no `title`"))
    mappings: dict[str, dict[str, Any]] = {}
    for key in ("sections", "reference_levels", "justification"):
        value = raw.get(key)
        if not isinstance(value, dict) or not value:
            problems.append(Problem(filename, raw.line_of(key), f"anchor needs a `{key}` mapping of criterion codes"))
            value = {}
        mappings[key] = value
    levels = {}
    for code, level in mappings["reference_levels"].items():
        if level not in LEVELS:
            problems.append(
                Problem(filename, raw.line_of("reference_levels"), f"reference level for {code} must be 1-4")
            )
        else:
            levels[code] = int(level)
    if set(mappings["sections"]) != set(levels) or set(mappings["justification"]) != set(levels):
        problems.append(
            Problem(filename, raw.line, "sections, reference_levels and justification must name the same criteria")
        )
    if problems:
        return None, problems
    return AnchorSpec(
        slug,
        title,
        str(raw.get("summary", "")).strip(),
        str(raw.get("rubric", "mid-portfolio")),
        {k: str(v).strip() for k, v in mappings["sections"].items()},
        levels,
        {k: str(v).strip() for k, v in mappings["justification"].items()},
        filename,
    ), []
