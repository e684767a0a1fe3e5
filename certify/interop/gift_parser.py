"""GIFT, Moodle's text format for questions, parsed into the JSON structure of gift-pegjs.

Questions are separated by blank lines (a blank line inside an answer block `{...}` does not
end the question). Lines starting with `//` are comments; `// [id:...]` and `// [tag:...]`
comments give the next question its `id` and `tags`. `$CATEGORY: path` lines are categories.
A question is `::title::`, an optional format marker (`[html]`, `[moodle]`, `[plain]`,
`[markdown]`; default `moodle`), the stem and at most one answer block; text after the block
makes it an embedded (cloze-like) question whose stem shows the blank as `_____`.

Text in the `moodle` and `plain` formats has its runs of white space collapsed to one space;
`html` and `markdown` text keeps its line breaks. `\\~ \\= \\# \\{ \\} \\: \\\\` stand for the
character itself and `\\n` for a line break; a backslash before anything else is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from certify.interop.gift_meta import META_PREFIX

FORMATS = ("html", "moodle", "plain", "markdown")
MARKER = re.compile(r"\[(html|moodle|plain|markdown)\]")
WEIGHT = re.compile(r"%\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*%")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUMERIC = re.compile(rf"({_NUMBER})(?:\s*(:|\.\.)\s*({_NUMBER}))?")
_TRUE_FALSE = re.compile(r"\s*(TRUE|FALSE|T|F)\s*(#.*)?", re.DOTALL)
_ID = re.compile(r"\[id:([^\]]*)\]")
_TAG = re.compile(r"\[tag:([^\]]*)\]")
_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
BLANK = "_____"


class GiftError(ValueError):
    """Malformed GIFT; `.line` is the 1-based line of the problem."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


@dataclass(frozen=True)
class ParsedQuestion:
    """One parsed question (or category) with its first line and the comments just before it."""

    data: dict[str, Any]
    line: int
    comments: tuple[str, ...] = ()
    block: tuple[str, str, int] = ("", "moodle", 0)  # the raw answer block, its default format and line


def parse_gift(text: str) -> list[dict[str, Any]]:
    """Every question and category of a GIFT text, as gift-pegjs would give them; GiftError if malformed."""
    return [question.data for question in parse_gift_questions(text)]


def unescape(text: str) -> str:
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


def _cut(text: str, separator: str) -> tuple[str, str | None]:
    """`text` before and after its first unescaped `separator` (None after when there is none)."""
    at = find(text, separator)
    return (text, None) if at < 0 else (text[:at], text[at + len(separator) :])


def _unescaped(text: str, chars: str) -> list[int]:
    """Offsets of the unescaped occurrences of any of `chars`."""
    offsets, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 1
        elif text[i] in chars:
            offsets.append(i)
        i += 1
    return offsets


def number(token: str) -> int | float:
    return int(token) if re.fullmatch(r"[-+]?\d+", token) else float(token)


def parse_gift_questions(text: str) -> list[ParsedQuestion]:
    """Like parse_gift, keeping each question's line and preceding comments (for converters)."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    result: list[ParsedQuestion] = []
    block: list[tuple[int, str]] = []
    comments: list[str] = []
    open_line = 0
    for line_number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped and not open_line:
            if block:
                result.append(_question(block, tuple(comments)))
                block, comments = [], []
            continue
        if stripped.startswith("//"):
            if not block:
                comments.append(stripped)
            continue
        if not block and stripped.startswith("$CATEGORY:"):
            result.append(ParsedQuestion({"type": "Category", "title": stripped[10:].strip()}, line_number))
            continue
        block.append((line_number, line))
        open_line = _track_braces(line, line_number, open_line)
    if open_line:
        raise GiftError("'{' is never closed by '}' (write a literal brace as \\{)", open_line)
    if block:
        result.append(_question(block, tuple(comments)))
    return result


def _track_braces(line: str, line_number: int, open_line: int) -> int:
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


def _clean(raw: str, fmt: str) -> str:
    if fmt in ("moodle", "plain"):
        raw = re.sub(r"\s{2,}", " ", raw.replace("\n", " "))
    return unescape(raw.strip())


def _formatted(raw: str, fmt: str) -> dict[str, str]:
    """Text with an optional leading format marker; `fmt` when it has none."""
    raw = raw.lstrip()
    marker = MARKER.match(raw)
    if marker:
        fmt, raw = marker.group(1), raw[marker.end() :]
    return {"format": fmt, "text": _clean(raw, fmt)}


def _feedback(raw: str | None, fmt: str) -> dict[str, str] | None:
    if raw is None:
        return None
    text = _formatted(raw, fmt)
    return text if text["text"] else None


def _question(block: list[tuple[int, str]], comments: tuple[str, ...]) -> ParsedQuestion:
    text = "\n".join(line for _, line in block)

    def line_at(offset: int) -> int:
        return block[text.count("\n", 0, offset)][0]

    plain = [c for c in comments if not c.startswith(META_PREFIX)]
    ids = [m for c in plain for m in _ID.findall(c)]
    tags = [m for c in plain for m in _TAG.findall(c)]
    data: dict[str, Any] = {"id": ids[-1] if ids else None, "tags": tags or None, "type": None, "title": None}
    pos = len(text) - len(text.lstrip())
    if text.startswith("::", pos):
        end = find(text, "::", pos + 2)
        if end < 0:
            raise GiftError("the title '::' is not closed by '::'", line_at(pos))
        data["title"] = unescape(text[pos + 2 : end]).strip() or None
        pos = end + 2
    pos += len(text[pos:]) - len(text[pos:].lstrip())
    fmt = "moodle"
    marker = MARKER.match(text, pos)
    if marker:
        fmt, pos = marker.group(1), marker.end()
    start = find(text, "{", pos)
    if start < 0:
        data.update(type="Description", stem={"format": fmt, "text": _clean(text[pos:], fmt)}, hasEmbeddedAnswers=False)
        return ParsedQuestion(data, block[0][0], comments)
    end = find(text, "}", start + 1)
    before, body, after = text[pos:start], text[start + 1 : end], text[end + 1 :]
    again = find(after, "{")
    if again >= 0:
        raise GiftError("a question can have only one answer block {...}", line_at(end + 1 + again))
    embedded = bool(after.strip())
    stem = f"{before.rstrip()} {BLANK} {after.lstrip()}" if embedded else before
    data.update(stem={"format": fmt, "text": _clean(stem, fmt)}, hasEmbeddedAnswers=embedded)
    data.update(_answers(body, fmt, line_at(start)))
    return ParsedQuestion(data, block[0][0], comments, (body, fmt, line_at(start)))


def _answers(body: str, fmt: str, line: int) -> dict[str, Any]:
    """The type and type-specific fields of an answer block's content."""
    numeric = body.lstrip().startswith("#") and not body.lstrip().startswith("####")
    if numeric:
        body = body.lstrip()[1:]
    body, general = _cut(body, "####")
    fields: dict[str, Any] = {"globalFeedback": _feedback(general, fmt)}
    if numeric:
        fields.update(type="Numerical", choices=_numerical(body, fmt, line))
        return fields
    if not body.strip():
        fields["type"] = "Essay"
        return fields
    true_false = _TRUE_FALSE.fullmatch(body)
    if true_false:
        first, other = _cut(true_false.group(2)[1:], "#") if true_false.group(2) else (None, None)
        fields.update(
            type="TF",
            isTrue=true_false.group(1).startswith("T"),
            trueFeedback=_feedback(first, fmt),
            falseFeedback=_feedback(other, fmt),
        )
        return fields
    answers = _split_answers(body, line)
    if all(sign == "=" and find(text, "->") >= 0 for sign, _, text, _ in answers):
        pairs = []
        for _, _, text, _ in answers:
            arrow = find(text, "->")
            pairs.append({"subquestion": _formatted(text[:arrow], fmt), "subanswer": _clean(text[arrow + 2 :], fmt)})
        fields.update(type="Matching", matchPairs=pairs)
        return fields
    kind = "MC" if any(sign == "~" for sign, _, _, _ in answers) else "Short"
    fields.update(type=kind, choices=_choices(answers, fmt))
    return fields


def short_answers(question: ParsedQuestion) -> list[dict[str, Any]]:
    """A question's answers read as short-answer choices, whatever type the block looks like."""
    body, fmt, line = question.block
    return _choices(_split_answers(_cut(body, "####")[0], line), fmt)


def _choices(answers: list[tuple[str, int | float | None, str, str | None]], fmt: str) -> list[dict[str, Any]]:
    return [
        {
            "isCorrect": sign == "=",
            "weight": weight,
            "text": _formatted(text, fmt),
            "feedback": _feedback(feedback, fmt),
        }
        for sign, weight, text, feedback in answers
    ]


def _split_answers(body: str, line: int) -> list[tuple[str, int | float | None, str, str | None]]:
    """(sign, weight, answer, feedback) for each `=`/`~` answer; a lone unmarked answer counts as `=`."""
    starts = _unescaped(body, "=~")
    if body[: starts[0] if starts else len(body)].strip():
        if starts:
            raise GiftError("each answer must start with '=' (right) or '~' (wrong)", line)
        body, starts = "=" + body, [0]
    result = []
    for index, start in enumerate(starts):
        chunk = body[start + 1 : starts[index + 1] if index + 1 < len(starts) else len(body)].lstrip()
        weight = WEIGHT.match(chunk)
        if weight:
            chunk = chunk[weight.end() :]
        answer, feedback = _cut(chunk, "#")
        result.append((body[start], number(weight.group(1)) if weight else None, answer, feedback))
    return result


def _numerical(body: str, fmt: str, line: int) -> Any:
    if find(body, "=") < 0 and find(body, "~") < 0 and find(body, "#") < 0:
        return _number_spec(body, line)
    choices = []
    for sign, weight, answer, feedback in _split_answers(body, line):
        value = _number_spec(answer, line) if answer.strip() else {"format": fmt, "text": "*"}
        choices.append(
            {"isCorrect": sign == "=", "weight": weight, "text": value, "feedback": _feedback(feedback, fmt)}
        )
    return choices


def _number_spec(raw: str, line: int) -> dict[str, Any]:
    match = _NUMERIC.fullmatch(raw.strip())
    if not match:
        raise GiftError(f"{raw.strip()!r} is not a number, 'number:tolerance' or 'minimum..maximum'", line)
    first, separator, second = match.groups()
    if separator is None:
        return {"type": "simple", "number": number(first)}
    if separator == ":":
        return {"type": "range", "number": number(first), "range": number(second)}
    return {"type": "high-low", "numberLow": number(first), "numberHigh": number(second)}
