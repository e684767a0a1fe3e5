"""The rules every bank reader follows, whatever the format (GIFT, Aiken, Moodle XML, QTI, YAML).

An import takes what it can and says what it left: one unusable item is a "skip" Problem naming the item and
the reason, never the end of the file (only a file that cannot be read at all is an error). Metadata other
platforms do not keep is asked for, not fatal:

- **competency**: an item's category (GIFT `$CATEGORY`, Moodle's category path, a QTI package's folder or
  metadata) picks it when the admin mapped that category, else when the category's last segment or whole
  name is a competency's code or title, else the import's default competency. An item left without one is
  a skip whose `category` the preview offers for mapping.
- **rationale**: an item imported without one keeps the `NEEDS_RATIONALE` marker as its rationale and the
  review workflow's first status (draft); it cannot move on from draft, nor go live, until one is written.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from certify.core.source import Problem

NEEDS_RATIONALE = (
    "Needs rationale: this item was imported without one. Say why the key is right and why each other "
    "option is not before the item moves on from draft."
)
# Placeholders written by earlier versions of the Aiken and QTI readers; stored items may still carry them.
_OLDER_MARKERS = frozenset(
    {
        "Imported from Aiken without a rationale; add one before making this item live.",
        "Imported from QTI without a rationale; add one before making this item live.",
    }
)
IMPORTED_STATUS = "draft"  # where an item from another platform enters the review workflow


def needs_rationale(rationale: str) -> bool:
    """Whether an item's rationale is still the import's marker (or empty)."""
    text = rationale.strip()
    return not text or text == NEEDS_RATIONALE or text in _OLDER_MARKERS


def rationale_or_marker(text: str) -> str:
    """The rationale a reader found, or the marker when it found none."""
    return text.strip() or NEEDS_RATIONALE


def competency_for(
    category: str,
    competencies: Collection[str],
    mapping: Mapping[str, str],
    default: str = "",
) -> str | None:
    """The competency an item of `category` gets (see the module's rule), or None when none applies.

    `competencies` are codes, or a mapping of code to title (then titles match too); `mapping` is the
    admin's choice per category name.
    """
    chosen = mapping.get(category.strip())
    if chosen and chosen in competencies:
        return chosen
    titles = competencies if isinstance(competencies, Mapping) else {}
    names = [category.rstrip("/").rsplit("/", 1)[-1].strip(), category.strip()]
    for name in filter(None, names):
        folded = name.casefold()
        for code in competencies:
            if folded in (str(code).casefold(), str(titles.get(code, "")).casefold()):
                return str(code)
    if default and default in competencies:
        return default
    return None


def skip(file: str, line: int, item: str, reason: str) -> Problem:
    """One item left out of an import, and why (the rest of the file goes on)."""
    return Problem(file, line, f"{item}: {reason}", "skip", item=item)


_UNMAPPED_TAIL = "; choose one for the category, or set a default competency"


def unmapped(file: str, line: int, item: str, category: str) -> Problem:
    """An item left out because its category maps to no competency yet (the preview asks which)."""
    where = f"category {category!r}" if category else "no category"
    return Problem(
        file,
        line,
        f"{item}: no competency for {where}{_UNMAPPED_TAIL}",
        "skip",
        item=item,
        category=category,
    )


def asks_competency(problem: Problem) -> bool:
    """Whether a skip waits for the admin's choice of competency (`unmapped`), not an unusable item."""
    return problem.severity == "skip" and problem.message.endswith(_UNMAPPED_TAIL)


def rationale_warning(file: str, count: int, fmt: str) -> Problem:
    """The file-level note that some items arrived without a rationale."""
    return Problem(
        file,
        0,
        f"{count} item(s) came from {fmt} without a rationale: they are drafts marked 'needs rationale' and "
        "cannot move on from draft until one is written",
        "warning",
    )
