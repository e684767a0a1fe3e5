"""What every item type provides; the registry in `certify.core.items` maps names to types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

BLOOM_LEVELS = ("remember", "understand", "apply", "analyze", "evaluate", "create")
HIGHER_ORDER = frozenset(BLOOM_LEVELS[2:])
# An item's lifecycle, in order: written (draft), checked by a second person (reviewed), signed off by an admin
# who neither wrote nor reviewed it (approved), delivered unscored to gather statistics (pilot), scored (live),
# and finally withdrawn (retired). Only pilot and live items are ever drawn on a form.
STATUSES = ("draft", "reviewed", "approved", "pilot", "live", "retired")
IN_REVIEW = ("draft", "reviewed", "approved")
DRAWN = ("pilot", "live")


class ItemError(ValueError):
    """A problem in one field of an item, reported with that field's line."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Choice:
    """An option shown to the candidate, with the reason it is right or wrong."""

    id: str
    text: str
    rationale: str = ""


class ItemType(Protocol):
    """One question type: how its body is read, checked, answered and scored."""

    name: str
    label: str

    def parse_body(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Normalise the type-specific fields of a source item; raise ItemError."""
        ...

    def choices(self, body: Mapping[str, Any]) -> Sequence[Choice]:
        """The options a candidate chooses among (for lint and display); may be empty."""
        ...

    def key_ids(self, body: Mapping[str, Any]) -> Sequence[str]:
        """Ids of the keyed options, for lint statistics; empty for open answers."""
        ...

    def normalise_response(self, body: Mapping[str, Any], answer: Any) -> Any:
        """Check a candidate's answer has the right shape; raise ItemError if not."""
        ...

    def score(self, body: Mapping[str, Any], answer: Any) -> float:
        """Credit between 0 and 1 for a (normalised) answer; None/missing scores 0."""
        ...

    def describe_key(self, body: Mapping[str, Any]) -> str:
        """The correct answer in words, for feedback and admin pages."""
        ...


def text_field(raw: Mapping[str, Any], name: str, *, required: bool = True, default: str = "") -> str:
    value = raw.get(name, None)
    if value is None:
        if required:
            raise ItemError(f"missing `{name}`", name)
        return default
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ItemError(f"`{name}` must be text", name)
    text = str(value).strip()
    if required and not text:
        raise ItemError(f"`{name}` is empty", name)
    return text


def parse_choices(raw: Mapping[str, Any], field: str = "options", *, minimum: int = 2) -> list[Choice]:
    """A list of {id, text, rationale} mappings with unique ids."""
    options = raw.get(field)
    if not isinstance(options, list) or not options:
        raise ItemError(f"`{field}` must be a list of options", field)
    if len(options) < minimum:
        raise ItemError(f"`{field}` needs at least {minimum} entries", field)
    seen: set[str] = set()
    result = []
    for index, option in enumerate(options, start=1):
        if not isinstance(option, Mapping):
            raise ItemError(f"{field} #{index} must be a mapping with id, text and rationale", field)
        option_id = text_field(option, "id")
        if option_id in seen:
            raise ItemError(f"{field} #{index}: duplicate option id {option_id!r}", field)
        seen.add(option_id)
        result.append(Choice(option_id, text_field(option, "text"), text_field(option, "rationale", required=False)))
    return result


def choices_to_data(choices: Sequence[Choice]) -> list[dict[str, str]]:
    return [{"id": c.id, "text": c.text, "rationale": c.rationale} for c in choices]


def choices_from_data(data: Any) -> list[Choice]:
    return [Choice(str(c["id"]), str(c["text"]), str(c.get("rationale", ""))) for c in data or []]


def scoring_rule(raw: Mapping[str, Any], allowed: tuple[str, ...], default: str) -> str:
    rule = raw.get("scoring", default)
    if rule not in allowed:
        raise ItemError(f"`scoring` must be one of {', '.join(allowed)}, not {rule!r}", "scoring")
    return str(rule)
