"""GIFT, Moodle's text format for questions, parsed into the JSON structure of gift-pegjs.

The text is cut into question blocks by `certify.interop.gift_split` (blank lines, comments,
categories). `// [id:...]` and `// [tag:...]` comments give the next question its `id` and `tags`.
A question is `::title::` (optional), an optional format marker (`[html]`, `[moodle]`, `[plain]`,
`[markdown]`; default `moodle`), the stem and at most one answer block; text after the block makes
it a missing-word question whose stem shows the blank as `_____` (`hasEmbeddedAnswers`). Answers,
feedback and general feedback may carry their own format marker; without one they take the stem's.

Text in the `moodle` and `plain` formats has its runs of white space collapsed to one space;
`html` and `markdown` text keeps its line breaks. `\\~ \\= \\# \\{ \\} \\: \\\\` stand for the
character itself and `\\n` for a line break; a backslash before anything else is kept.

`parse_gift` is strict (the first malformed question raises GiftError); `read_gift` gives a
BadQuestion for each malformed one and goes on, as Moodle's importer does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from certify.interop.gift_meta import META_PREFIX
from certify.interop.gift_split import Broken, Category, GiftError, Line, cut, find, split_blocks, unescape, unescaped

FORMATS = ("html", "moodle", "plain", "markdown")
MARKER = re.compile(r"\[(html|moodle|plain|markdown)\]")
WEIGHT = re.compile(r"%\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+))\s*%")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUMERIC = re.compile(rf"({_NUMBER})(?:\s*(:|\.\.)\s*({_NUMBER}))?")
_TRUE_FALSE = re.compile(r"\s*(TRUE|FALSE|T|F)\s*(#.*)?", re.DOTALL)
_ID = re.compile(r"\[id:([^\]]*)\]")
_TAG = re.compile(r"\[tag:([^\]]*)\]")
# Moodle's embedded-answers (Cloze) syntax, {1:SHORTANSWER:=...}: a different question type, not GIFT.
_CLOZE = re.compile(
    r"(?<!\\)\{\s*\d*\s*:\s*(?:SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|NUMERICAL|NM|"
    r"MULTI(?:CHOICE|RESPONSE)(?:_[HVS]+)?|M[CR][HVS]*)\s*:",
    re.IGNORECASE,
)
BLANK = "_____"


@dataclass(frozen=True)
class ParsedQuestion:
    """One parsed question (or category) with its first line and the comments just before it."""

    data: dict[str, Any]
    line: int
    comments: tuple[str, ...] = ()
    block: tuple[str, str, int] = ("", "moodle", 0)  # the raw answer block, its default format and line


@dataclass(frozen=True)
class BadQuestion:
    """A question block that could not be parsed: where it starts, why, and its title if it has one."""

    line: int
    error: GiftError
    title: str | None = None


def parse_gift(text: str) -> list[dict[str, Any]]:
    """Every question and category of a GIFT text, as gift-pegjs would give them; GiftError if malformed."""
    return [question.data for question in parse_gift_questions(text)]


def number(token: str) -> int | float:
    return int(token) if re.fullmatch(r"[-+]?\d+", token) else float(token)


def read_gift(text: str) -> list[ParsedQuestion | BadQuestion]:
    """Every question and category of a GIFT text; a question that cannot be parsed is a BadQuestion."""
    result: list[ParsedQuestion | BadQuestion] = []
    for part in split_blocks(text):
        if isinstance(part, Category):
            result.append(ParsedQuestion({"type": "Category", "title": part.path}, part.line))
        elif isinstance(part, Broken):
            result.append(BadQuestion(part.lines[0][0], part.error, block_title(part.lines)))
        else:
            try:
                result.append(_question(list(part.lines), part.comments))
            except GiftError as error:
                result.append(BadQuestion(part.lines[0][0], error, block_title(part.lines)))
    return result


def parse_gift_questions(text: str) -> list[ParsedQuestion]:
    """Like parse_gift, keeping each question's line and preceding comments (for converters)."""
    result = []
    for question in read_gift(text):
        if isinstance(question, BadQuestion):
            raise question.error
        result.append(question)
    return result


def block_title(lines: tuple[Line, ...]) -> str | None:
    """The `::title::` a block starts with, when it has a closed one."""
    text = "\n".join(line for _, line in lines).lstrip()
    end = find(text, "::", 2) if text.startswith("::") else -1
    return (unescape(text[2:end]).strip() or None) if end > 0 else None


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


def _question(block: list[Line], comments: tuple[str, ...]) -> ParsedQuestion:
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
    cloze = _CLOZE.search(text, pos)
    if cloze:
        raise GiftError(
            "embedded answers (Cloze, such as {1:SHORTANSWER:=...}) are a different question type, not GIFT",
            line_at(cloze.start()),
        )
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
    body, general = cut(body, "####")
    fields: dict[str, Any] = {"globalFeedback": _feedback(general, fmt)}
    if numeric:
        fields.update(type="Numerical", choices=_numerical(body, fmt, line))
        return fields
    if not body.strip():
        fields["type"] = "Essay"
        return fields
    true_false = _TRUE_FALSE.fullmatch(body)
    if true_false:
        first, other = cut(true_false.group(2)[1:], "#") if true_false.group(2) else (None, None)
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
    return _choices(_split_answers(cut(body, "####")[0], line), fmt)


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


def _split_answers(
    body: str, line: int, *, lead_is_right: bool = False
) -> list[tuple[str, int | float | None, str, str | None]]:
    """(sign, weight, answer, feedback) for each `=`/`~` answer.

    A lone unmarked answer counts as `=`; so does an unmarked first answer with `lead_is_right` (Moodle
    reads `{#3:2 ~#Wrong}` as a right answer 3:2 and feedback for any other).
    """
    starts = unescaped(body, "=~")
    if body[: starts[0] if starts else len(body)].strip():
        if starts and not lead_is_right:
            raise GiftError("each answer must start with '=' (right) or '~' (wrong)", line)
        body, starts = "=" + body, [0] + [start + 1 for start in starts]
    result = []
    for index, start in enumerate(starts):
        chunk = body[start + 1 : starts[index + 1] if index + 1 < len(starts) else len(body)].lstrip()
        weight = WEIGHT.match(chunk)
        if weight:
            chunk = chunk[weight.end() :]
        answer, feedback = cut(chunk, "#")
        result.append((body[start], number(weight.group(1)) if weight else None, answer, feedback))
    return result


def _numerical(body: str, fmt: str, line: int) -> Any:
    if find(body, "=") < 0 and find(body, "~") < 0 and find(body, "#") < 0:
        return _number_spec(body, line)
    choices = []
    for sign, weight, answer, feedback in _split_answers(body, line, lead_is_right=True):
        # An empty answer or '*' is Moodle's "any other answer", there only to carry its feedback.
        value = _number_spec(answer, line) if answer.strip() not in ("", "*") else {"format": fmt, "text": "*"}
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
