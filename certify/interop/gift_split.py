"""GIFT text cut into question blocks, categories and comments, recovering from a broken block; escapes.

Questions are separated by blank lines (a blank line inside an answer block `{...}` does not end the
question, as in gift-pegjs). Lines starting with `//` are comments; the comments just before a
question belong to it. `$CATEGORY: path` lines are categories.

A block whose braces do not pair up (`{` never closed, a second `{` before `}`, a `}` without `{`)
is reported as a `Broken` block and reading starts again at the first blank line after the block's
first line: Moodle itself ends every question at a blank line, so the questions after it survive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

Line = tuple[int, str]  # 1-based line number and its text
_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}


class GiftError(ValueError):
    """Malformed GIFT; `.line` is the 1-based line of the problem."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Block:
    """The lines of one question and the comments just before it."""

    lines: tuple[Line, ...]
    comments: tuple[str, ...]


@dataclass(frozen=True)
class Category:
    path: str
    line: int


@dataclass(frozen=True)
class Broken:
    """A block that could not be cut out cleanly: its lines (up to where reading resumed) and why."""

    lines: tuple[Line, ...]
    error: GiftError


def text_lines(text: str) -> list[str]:
    """The lines of a GIFT text, whatever its line endings, without a byte-order mark."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def split_blocks(text: str) -> Iterator[Block | Category | Broken]:
    """Every question block and category of `text` in order, broken blocks included."""
    lines = text_lines(text)
    block: list[Line] = []
    comments: list[str] = []
    open_line, index = 0, 0
    while index < len(lines):
        number, line = index + 1, lines[index]
        stripped = line.strip()
        index += 1
        if not stripped and not open_line:
            # Comments before a blank line belong to no question (Moodle writes `// question: N  name: X` and
            # `// [id:...]` even for a question type GIFT cannot hold, then nothing but a blank line).
            if block:
                yield Block(tuple(block), tuple(comments))
            block, comments = [], []
        elif stripped.startswith("//"):
            if not block:
                comments.append(stripped)
        elif not block and stripped.startswith("$CATEGORY:"):
            yield Category(stripped[10:].strip(), number)
            comments = []
        else:
            try:
                open_line = _track_braces(line, number, open_line)
            except GiftError as exc:
                index = _resume(lines, block[0][0] if block else number)
                yield Broken(_upto(lines, block[0][0] if block else number, index), exc)
                block, comments, open_line = [], [], 0
                continue
            block.append((number, line))
        if index == len(lines) and open_line:
            error = GiftError("'{' is never closed by '}' (write a literal brace as \\{)", open_line)
            index = _resume(lines, block[0][0])
            yield Broken(_upto(lines, block[0][0], index), error)
            block, comments, open_line = [], [], 0
    if block:
        yield Block(tuple(block), tuple(comments))


def _resume(lines: list[str], first: int) -> int:
    """The index of the first blank line after line `first` (1-based), where reading starts again."""
    index = first  # the index of the line after `first`
    while index < len(lines) and lines[index].strip():
        index += 1
    return index


def _upto(lines: list[str], first: int, end: int) -> tuple[Line, ...]:
    return tuple((number, lines[number - 1]) for number in range(first, end + 1) if number <= len(lines))


def _track_braces(line: str, line_number: int, open_line: int) -> int:
    """The line of the answer block still open after `line` (0 when none); GiftError if braces do not pair."""
    i = 0
    while i < len(line):
        char = line[i]
        if char == "\\":
            i += 1
        elif char == "{":
            if open_line:
                raise GiftError(
                    "'{' is not closed by '}' before the next '{' (write a literal brace as \\{)", open_line
                )
            open_line = line_number
        elif char == "}":
            if not open_line:
                raise GiftError("'}' without an opening '{' (write a literal brace as \\})", line_number)
            open_line = 0
        i += 1
    return open_line


def unescape(text: str) -> str:
    """GIFT text with its escapes (`\\~ \\= \\# \\{ \\} \\: \\\\ \\n`) replaced by what they stand for."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPES:
            out.append(_ESCAPES[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def find(text: str, target: str, start: int = 0) -> int:
    """The offset of the first unescaped `target` at or after `start`, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(target, i):
            return i
        else:
            i += 1
    return -1


def cut(text: str, separator: str) -> tuple[str, str | None]:
    """`text` before and after its first unescaped `separator` (None after when there is none)."""
    at = find(text, separator)
    return (text, None) if at < 0 else (text[:at], text[at + len(separator) :])


def unescaped(text: str, chars: str) -> list[int]:
    """Offsets of the unescaped occurrences of any of `chars`."""
    offsets, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 1
        elif text[i] in chars:
            offsets.append(i)
        i += 1
    return offsets
