"""Question banks: the Item and Bank dataclasses, parsed and validated from YAML.

`parse_bank` turns one bank document into a Bank plus every problem found, so
`banks validate` can report them all at once. An Item's `content()` is what a
stored ItemVersion keeps; its hash decides whether a re-import is a change.
`enemies` (items that must never share a form with this one) are checked for shape
here; whether they exist is checked across banks in `bank_refs`. A `stimulus` (a passage
several items share) is checked by `certify.core.stimulus`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from certify.core.enemy_groups import expand, parse_groups
from certify.core.items import BLOOM_LEVELS, REGISTRY, STATUSES, ItemError
from certify.core.media import Media
from certify.core.source import Located, Problem, line_of
from certify.core.stimulus import parse_stimulus

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
PURPOSES = ("certification", "practice", "diagnostic", "knowledge_check")
COMMON_FIELDS = frozenset(
    {
        "id",
        "type",
        "competency",
        "bloom",
        "status",
        "title",
        "stem",
        "rationale",
        "references",
        "shuffle",
        "allow_all_none",
        "enemies",
        "stimulus",
    }
)
TYPE_FIELDS: dict[str, frozenset[str]] = {
    "single_choice": frozenset({"options", "key", "credit"}),
    "multiple_response": frozenset({"options", "key", "scoring"}),
    "true_false": frozenset({"key", "wrong_rationale"}),
    "matching": frozenset({"pairs", "distractors", "scoring"}),
    "ordering": frozenset({"options", "scoring"}),
    "short_answer": frozenset({"accepted", "patterns", "case_sensitive", "collapse_whitespace", "wrong_answers"}),
    "numeric": frozenset({"value", "tolerance", "range", "unit", "wrong_answers"}),
}


@dataclass(frozen=True)
class Item:
    """One question as authored: common metadata plus a type-specific body."""

    ref: str
    type: str
    competency: str
    bloom: str
    status: str
    stem: str
    rationale: str
    body: Mapping[str, Any]
    title: str = ""
    references: tuple[str, ...] = ()
    shuffle: bool = True
    allow_all_none: bool = False
    enemies: tuple[str, ...] = ()
    stimulus: Mapping[str, str] | None = None  # {"id", "title", "text"}: a passage shared with other items
    line: int = field(default=0, compare=False)

    def content(self) -> dict[str, Any]:
        """Everything that defines this version of the item (no source position).

        `enemies` and `stimulus` appear only when declared, so the content (and hash) of an item without
        them is what it was before they existed: adding a field did not turn every item into a change.
        """
        content = {
            "ref": self.ref,
            "type": self.type,
            "competency": self.competency,
            "bloom": self.bloom,
            "status": self.status,
            "title": self.title,
            "stem": self.stem,
            "rationale": self.rationale,
            "references": list(self.references),
            "shuffle": self.shuffle,
            "allow_all_none": self.allow_all_none,
            "body": json.loads(json.dumps(self.body)),
        }
        if self.enemies:
            content["enemies"] = list(self.enemies)
        if self.stimulus:
            content["stimulus"] = dict(self.stimulus)
        return content

    def content_hash(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @classmethod
    def from_content(cls, data: Mapping[str, Any]) -> Item:
        return cls(
            ref=data["ref"],
            type=data["type"],
            competency=data["competency"],
            bloom=data["bloom"],
            status=data["status"],
            stem=data["stem"],
            rationale=data["rationale"],
            body=data["body"],
            title=data.get("title", ""),
            references=tuple(data.get("references", ())),
            shuffle=bool(data.get("shuffle", True)),
            allow_all_none=bool(data.get("allow_all_none", False)),
            enemies=tuple(data.get("enemies", ())),
            stimulus=dict(data["stimulus"]) if data.get("stimulus") else None,
        )

    @property
    def kind(self) -> Any:
        """The item type's module (its hooks: score, choices, describe_key...)."""
        return REGISTRY[self.type]


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    purpose: str
    items: tuple[Item, ...]
    file: str = ""
    description: str = ""
    line: int = 1
    media: Mapping[str, Media] = field(default_factory=dict, compare=False)  # by sha256: files the items show


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    return str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""


def parse_item(
    raw: Any, filename: str, *, default_competency: str, competencies: Collection[str], fallback_line: int
) -> tuple[Item | None, list[Problem]]:
    """Validate one item mapping; returns the Item (if usable) and its problems."""
    line = line_of(raw, fallback_line)
    if not isinstance(raw, Located):
        return None, [Problem(filename, line, "each item must be a mapping of fields")]
    problems: list[Problem] = []

    def problem(message: str, key: str | None = None) -> None:
        problems.append(Problem(filename, raw.line_of(key) if key else raw.line, message))

    ref = _text(raw, "id")
    label = f"item {ref}" if ref else "item"
    if not ref:
        problem("item has no `id`", "id")
    elif not ID_PATTERN.match(ref):
        problem(f"{label}: `id` may use letters, digits, '.', '_' and '-' (at most 64 characters)", "id")
    item_type = raw.get("type")
    if not isinstance(item_type, str) or item_type not in REGISTRY:
        problem(f"{label}: unknown type {item_type!r}; use one of {', '.join(REGISTRY)}", "type")
        return None, problems
    unknown = sorted(set(raw) - COMMON_FIELDS - TYPE_FIELDS[item_type])
    for name in unknown:
        problem(f"{label}: unknown field `{name}` for a {item_type} item", name)
    competency = _text(raw, "competency") or default_competency
    if not competency:
        problem(f"{label}: no `competency` (set it on the item or the bank)", "competency")
    elif competency not in competencies:
        problem(f"{label}: unknown competency {competency!r}", "competency")
    bloom = raw.get("bloom")
    if bloom not in BLOOM_LEVELS:
        problem(f"{label}: `bloom` must be one of {', '.join(BLOOM_LEVELS)}, not {bloom!r}", "bloom")
    status = raw.get("status", "live")
    if status not in STATUSES:
        problem(f"{label}: `status` must be one of {', '.join(STATUSES)}, not {status!r}", "status")
    stem, rationale = _text(raw, "stem"), _text(raw, "rationale")
    if not stem:
        problem(f"{label}: missing `stem`", "stem")
    if not rationale:
        problem(f"{label}: missing `rationale` (why the key is right)", "rationale")
    references = raw.get("references", [])
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        problem(f"{label}: `references` must be a list of text", "references")
        references = []
    for flag in ("shuffle", "allow_all_none"):
        if flag in raw and not isinstance(raw[flag], bool):
            problem(f"{label}: `{flag}` must be true or false", flag)
    enemies = _enemies(raw.get("enemies", []), ref)
    if isinstance(enemies, str):
        problem(f"{label}: {enemies}", "enemies")
        enemies = ()
    stimulus = parse_stimulus(raw["stimulus"]) if "stimulus" in raw else None
    if isinstance(stimulus, str):
        problem(f"{label}: {stimulus}", "stimulus")
    try:
        body = REGISTRY[item_type].parse_body(raw)
    except ItemError as exc:
        problem(f"{label}: {exc}", exc.field)
        body = None
    if problems or body is None:
        return None, problems
    return Item(
        ref=ref,
        type=item_type,
        competency=competency,
        bloom=str(bloom),
        status=str(status),
        stem=stem,
        rationale=rationale,
        body=body,
        title=_text(raw, "title"),
        references=tuple(references),
        shuffle=raw.get("shuffle", True) is not False,
        allow_all_none=raw.get("allow_all_none") is True,
        enemies=enemies,
        stimulus=stimulus if isinstance(stimulus, dict) else None,
        line=line,
    ), []


def _enemies(raw: Any, ref: str) -> tuple[str, ...] | str:
    """The declared enemies in order without repeats, or what is wrong with the declaration."""
    if not isinstance(raw, list) or not all(isinstance(e, str) and ID_PATTERN.match(e) for e in raw):
        return "`enemies` must be a list of item ids, such as [RA-012, PA-003]"
    if ref in raw:
        return "`enemies` names the item itself; an item cannot be its own enemy"
    return tuple(dict.fromkeys(raw))


def parse_bank(data: Any, filename: str, competencies: Collection[str]) -> tuple[Bank | None, list[Problem]]:
    """Validate a bank document ({bank: {...}, items: [...]}); every problem, not just the first."""
    if not isinstance(data, Located) or not isinstance(data.get("bank"), Located):
        return None, [Problem(filename, line_of(data, 1), "a bank file needs a `bank:` mapping and an `items:` list")]
    header: Located = data["bank"]
    problems: list[Problem] = []
    bank_id = _text(header, "id")
    if not ID_PATTERN.match(bank_id):
        problems.append(Problem(filename, header.line_of("id"), "bank `id` is missing or not a simple identifier"))
    title = _text(header, "title")
    if not title:
        problems.append(Problem(filename, header.line_of("title"), "bank has no `title`"))
    purpose = header.get("purpose", "certification")
    if purpose not in PURPOSES:
        problems.append(Problem(filename, header.line_of("purpose"), f"bank `purpose` must be one of {PURPOSES}"))
    default_competency = _text(header, "competency")
    if default_competency and default_competency not in competencies:
        problems.append(Problem(filename, header.line_of("competency"), f"unknown competency {default_competency!r}"))
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        problems.append(Problem(filename, data.line_of("items"), "`items` must be a list"))
        raw_items = []
    items: list[Item] = []
    seen: dict[str, int] = {}
    item_lines = getattr(raw_items, "item_lines", [])
    for index, raw in enumerate(raw_items):
        fallback = item_lines[index] if index < len(item_lines) else data.line_of("items")
        item, item_problems = parse_item(
            raw, filename, default_competency=default_competency, competencies=competencies, fallback_line=fallback
        )
        problems.extend(item_problems)
        ref = _text(raw, "id") if isinstance(raw, Located) else ""
        if ref and ref in seen:
            problems.append(
                Problem(filename, line_of(raw, fallback), f"duplicate item id {ref!r} (first at line {seen[ref]})")
            )
            continue
        if ref:
            seen[ref] = line_of(raw, fallback)
        if item is not None:
            items.append(item)
    groups, group_problems = parse_groups(data.get("enemy_groups"), {item.ref for item in items})
    problems += [Problem(filename, data.line_of("enemy_groups"), message) for message in group_problems]
    if problems:
        return None, problems
    from_groups = expand(groups)
    items = [
        replace(item, enemies=tuple(dict.fromkeys((*item.enemies, *from_groups[item.ref]))))
        if item.ref in from_groups
        else item
        for item in items
    ]
    return Bank(bank_id, title, str(purpose), tuple(items), filename, _text(header, "description"), header.line), []
