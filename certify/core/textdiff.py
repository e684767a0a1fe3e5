"""Line-by-line comparison of two texts, for showing what changed between portfolio versions."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

Op = Literal["same", "added", "removed"]


@dataclass(frozen=True)
class DiffLine:
    op: Op
    text: str


@dataclass(frozen=True)
class SectionDiff:
    lines: tuple[DiffLine, ...]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def diff_text(old: str, new: str) -> SectionDiff:
    """Lines kept, removed and added, in reading order (removed lines before their replacements)."""
    before, after = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("same", line) for line in before[i1:i2])
            continue
        lines.extend(DiffLine("removed", line) for line in before[i1:i2])
        lines.extend(DiffLine("added", line) for line in after[j1:j2])
        removed += i2 - i1
        added += j2 - j1
    return SectionDiff(tuple(lines), added, removed)
