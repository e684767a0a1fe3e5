"""HTML from Canvas and Blackboard as Certify Markdown: paragraphs and lists in Markdown, inline HTML kept.

Their question texts are HTML fragments (`<div><p>...</p></div>`). Kept as they are, a Markdown renderer treats a
fragment that opens with a block tag as raw HTML and would not see the `![alt](media:<sha256>)` images Certify
puts in item text, so the block structure becomes Markdown (paragraphs, `- ` lists) while inline markup (bold,
links, sub/superscript) stays HTML inside the Markdown, which is sanitised at display like any other item text.
Tables stay HTML as a whole. Text is escaped so that nothing in it reads as Markdown or HTML by accident.
Scripts, styles and embedded players are dropped and reported; the caller decides what an image becomes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from html.parser import HTMLParser

# (src, alt) -> the Markdown that shows the image, or a placeholder when the caller could not bring it in
ImageHook = Callable[[str, str], str]

PARA, LINE, BULLET, NUMBER = "\x02", "\x01", "\x05", "\x06"
BLOCK = frozenset(
    {
        *("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "address", "center", "hr"),
        *("section", "article", "header", "footer", "aside", "nav", "figure", "figcaption", "main", "dl", "dt"),
        *("dd", "form", "fieldset", "details", "summary", "body", "html"),
    }
)
LISTS = frozenset({"ul", "ol"})
INLINE_KEPT = frozenset({"strong", "b", "em", "i", "u", "sup", "sub", "code", "s", "del", "ins", "small", "a"})
TABLE = frozenset({"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col"})
DROPPED = frozenset({"script", "style", "head", "title", "template", "noscript"})
EMBEDDED = frozenset({"iframe", "object", "embed", "video", "audio", "applet", "canvas", "svg"})
VOID = frozenset({"br", "img", "hr", "col", "input", "meta", "link", "wbr", "source", "param", "embed", "area"})
KEPT_ATTRIBUTES = {"a": ("href", "title"), "th": ("scope", "colspan", "rowspan"), "td": ("colspan", "rowspan")}
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(\s*)([#+-])", re.MULTILINE)
_NUMBERED_START = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)
_SAFE_LINK = re.compile(r"^(https?:|mailto:|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)  # no javascript: and the like
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def escape_text(text: str) -> str:
    """Plain text as Markdown that shows exactly that text."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(text, quote=False))


def plain_to_markdown(text: str) -> str:
    """A `text/plain` material: paragraphs and lines kept, everything else literal."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    out = []
    for paragraph in paragraphs:
        lines = [escape_text(" ".join(line.split())) for line in paragraph.split("\n")]
        out.append("<br>".join(line for line in lines if line))
    return _protect_line_starts("\n\n".join(p for p in out if p))


class _Converter(HTMLParser):
    def __init__(self, image: ImageHook) -> None:
        super().__init__(convert_charrefs=True)
        self.image = image
        self.out: list[str] = []
        self.lists: list[list[int] | None] = []  # per open list: [counter] for <ol>, None for <ul>
        self.hidden = 0  # inside a dropped element
        self.table = 0  # inside a table (copied as HTML)
        self.pre = 0
        self.dropped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED or tag in EMBEDDED:
            if tag in EMBEDDED:
                self.dropped.append(tag)
            if tag not in VOID:
                self.hidden += 1
            return
        if self.hidden:
            return
        values = {name: value or "" for name, value in attrs}
        if tag == "img":
            self.out.append(self._image(values))
        elif tag == "table" or self.table:
            self.table += tag == "table"
            if tag == "table":
                self.out.append(PARA)
            if tag in TABLE or tag in INLINE_KEPT or tag == "br":
                self.out.append(_open_tag(tag, values))
        elif tag == "br":
            self.out.append("<br>")
        elif tag in LISTS:
            self.lists.append([0] if tag == "ol" else None)
            self.out.append(PARA)
        elif tag == "li":
            counter = self.lists[-1] if self.lists else None
            if counter is not None:
                counter[0] += 1
            self.out.append(LINE + ("  " * max(0, len(self.lists) - 1)))
            self.out.append(f"{NUMBER}{counter[0]}. " if counter is not None else f"{BULLET}- ")
        elif tag in BLOCK:
            self.pre += tag == "pre"
            self.out.append(PARA)
        elif tag in INLINE_KEPT:
            self.out.append(_open_tag(tag, values))

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED or tag in EMBEDDED:
            self.hidden = max(0, self.hidden - (tag not in VOID))
            return
        if self.hidden or tag in VOID:
            return
        if self.table:
            if tag in TABLE or tag in INLINE_KEPT:
                self.out.append(f"</{tag}>")
            if tag == "table":
                self.table -= 1
                self.out.append(PARA)
        elif tag in LISTS:
            if self.lists:
                self.lists.pop()
            self.out.append(PARA)
        elif tag in BLOCK:
            self.pre = max(0, self.pre - (tag == "pre"))
            self.out.append(PARA)
        elif tag in INLINE_KEPT:
            self.out.append(f"</{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        data = _CONTROL.sub("", data)
        if self.pre and not self.table:
            lines = [escape_text(line) for line in data.split("\n")]
            self.out.append("<br>".join(lines).replace("  ", " &nbsp;"))
            return
        self.out.append(html.escape(data, quote=False) if self.table else escape_text(data))

    def _image(self, values: dict[str, str]) -> str:
        alt = " ".join(values.get("alt", "").split())
        shown = self.image(values.get("src", "").strip(), alt)
        if self.table and shown.startswith("!["):  # inside raw HTML a Markdown image would stay literal text
            target = shown[shown.rindex("](") + 2 : -1]
            return f'<img src="{html.escape(target)}" alt="{html.escape(alt)}">'
        return shown


def _open_tag(tag: str, values: dict[str, str]) -> str:
    kept = [(name, values[name]) for name in KEPT_ATTRIBUTES.get(tag, ()) if values.get(name)]
    kept = [(name, value) for name, value in kept if name != "href" or _SAFE_LINK.match(value.strip())]
    attributes = "".join(f' {name}="{html.escape(value)}"' for name, value in kept)
    return f"<{tag}{attributes}>"


def html_to_markdown(fragment: str, image: ImageHook) -> tuple[str, list[str]]:
    """The fragment as Certify Markdown, and the embedded elements (iframe, video...) it had to drop."""
    converter = _Converter(image)
    converter.feed(fragment)
    converter.close()
    paragraphs = []
    for paragraph in "".join(converter.out).split(PARA):
        lines = [_SPACES.sub(" ", line).strip() for line in paragraph.split(LINE)]
        text = "\n".join(line for line in lines if line)
        text = re.sub(r"\s*<br>\s*", "<br>", text).strip()
        while text.startswith("<br>") or text.endswith("<br>"):
            text = text.removeprefix("<br>").removesuffix("<br>").strip()
        if text:
            paragraphs.append(text)
    markdown = "\n\n".join(paragraphs)
    return _protect_line_starts(markdown), sorted(set(converter.dropped))


def _protect_line_starts(markdown: str) -> str:
    """Escape what would start a heading or a list at the start of a line; the lists we wrote are marked."""
    escaped = _NUMBERED_START.sub(r"\1\\\2", _LINE_START.sub(r"\1\\\2", markdown))
    return escaped.replace(BULLET, "").replace(NUMBER, "")
