"""Text in Moodle XML: formats, Moodle's wrapping paragraph, category paths and Certify's metadata comment.

Certify's metadata travels inside the general feedback, after the rationale, as an HTML comment:

    <!-- certify {"bloom":"apply","status":"live","references":["Mager (1997)"]} -->

Moodle stores and exports the general feedback as written, so the comment survives an import and an export
there, and it never shows: Moodle's HTML cleaning drops comments before display. The JSON has no '<' or '>'
(they are written as \\u003c and \\u003e), so nothing in it can close the comment.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET  # reading parsed trees only
from typing import Any

META_COMMENT = re.compile(r"\s*<!--\s*certify\s*(\{.*?\})\s*-->\s*", re.S)
META_KEYS = frozenset(
    {
        *("bloom", "status", "references", "enemies", "allow_all_none", "shuffle"),
        *("ids", "rationales", "scoring", "patterns", "collapse_whitespace", "range"),
    }
)
# Moodle's own texts for the combined feedback: dropping them loses nothing an author wrote.
DEFAULT_FEEDBACK = frozenset(
    {"your answer is correct.", "your answer is partially correct.", "your answer is incorrect."}
)
_PARAGRAPH = re.compile(r"\A<p(?:\s[^<>]*)?>(.*?)</p>\Z", re.S | re.I)
_MARKDOWN_SIGNS = re.compile(r"[\\`*_\[\]#|~<>!]|^\s*(?:[-+]\s|\d+[.)]\s)|&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);", re.I)
_TAG = re.compile(r"<[^<>]*>")
_VISIBLE = re.compile(r"<(?:img|svg|video|audio|iframe|object|embed|hr|table|math)\b", re.I)  # content without words


def child_text(parent: ET.Element | None, tag: str, default: str = "") -> str:
    """The stripped text of `parent`'s first `<tag>` child (Moodle's plain values: <single>, <usecase>...)."""
    element = parent.find(tag) if parent is not None else None
    if element is None:
        return default
    return (element.text or "").strip()


def inner_text(holder: ET.Element | None) -> str:
    """The stripped content of a holder's `<text>` child ('' when it has none)."""
    return child_text(holder, "text")


def text_format(holder: ET.Element | None, default: str = "html") -> str:
    return (holder.get("format") or default).strip() if holder is not None else default


def yes(value: str) -> bool:
    """Moodle's reading of a flag: 'false', '0' and empty are false; anything else is true."""
    return value.strip().lower() not in ("", "0", "false")


def unwrap_paragraph(text: str) -> str:
    """HTML that is one plain paragraph, as plain text; anything else unchanged.

    Moodle's editors wrap every answer in `<p>...</p>`. The wrapper goes only when what is inside is text with
    no tags, entities that Markdown would read differently, or Markdown signs: then the text means the same
    as Markdown as it did as HTML.
    """
    match = _PARAGRAPH.match(text.strip())
    if not match:
        return text
    inner = match.group(1)
    if "<" in inner or "\n" in inner.strip():
        return text
    plain = html.unescape(inner).replace("\xa0", " ").strip()
    if not plain or _MARKDOWN_SIGNS.search(plain):
        return text
    return plain


def as_markdown(text: str, fmt: str) -> str:
    """A Moodle text in Certify's Markdown: HTML stays HTML (sanitised on display), other formats as written.

    HTML that shows nothing (an editor's empty `<p><br></p>`) is no text at all.
    """
    text = text.strip()
    if fmt != "html":
        return text
    if not plain_words(text) and not _VISIBLE.search(text):
        return ""
    return unwrap_paragraph(text)


def plain_words(text: str) -> str:
    """Text without tags, entities or extra spaces: to compare feedback with Moodle's defaults."""
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def is_default_feedback(text: str) -> bool:
    return plain_words(text).casefold() in DEFAULT_FEEDBACK


def category_name(path: str) -> str:
    """A category path without Moodle's context prefix and 'top': '$course$/top/MID/RA' -> 'MID/RA'."""
    path = re.sub(r"^\$[a-z0-9]+\$/?", "", path.strip())
    if path == "top":
        return ""
    return path.removeprefix("top/").strip()


def category_segment(name: str) -> str:
    """A name as one segment of a Moodle category path ('/' inside a name is written '//')."""
    return " ".join(name.split()).replace("/", "//") or "-"


def read_metadata(text: str) -> tuple[str, dict[str, Any], list[str]]:
    """The general feedback without Certify's comment, the metadata in it, and warnings about what was ignored."""
    matches = list(META_COMMENT.finditer(text))
    if not matches:
        return text, {}, []
    last = matches[-1]
    rest = (text[: last.start()] + "\n\n" + text[last.end() :]).strip()
    try:
        meta = json.loads(last.group(1))
    except json.JSONDecodeError:
        meta = None
    if not isinstance(meta, dict):
        return rest, {}, ["ignored a certify metadata comment that is not a JSON object"]
    warnings = [f"ignored unknown certify metadata field {key!r}" for key in sorted(set(meta) - META_KEYS)]
    return rest, {k: v for k, v in meta.items() if k in META_KEYS}, warnings


def write_metadata(meta: dict[str, Any]) -> str:
    encoded = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    return "<!-- certify " + encoded.replace("<", "\\u003c").replace(">", "\\u003e") + " -->"
