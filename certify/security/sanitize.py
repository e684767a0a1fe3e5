"""Markdown to safe HTML. The only module that imports bleach.

Lessons, item stems and portfolio text are authored as Markdown; whatever HTML
ends up in them is cleaned against a short allow-list, so nothing scriptable
or styled reaches a page. Formulas imported from other platforms stay MathML;
a separate allow-list (`MATHML_TAGS`, `MATHML_ATTRIBUTES`, from
`certify.core.mathml`) lets its presentation elements through and nothing that
links, loads, styles or embeds other markup.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import bleach
import markdown as markdown_lib
from bleach.html5lib_shim import Filter
from markupsafe import Markup

from certify.core import mathml

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "b",
        "i",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "sup",
        "sub",
        "dl",
        "dt",
        "dd",
        "img",
    }
)
MEDIA_PATH = "/media/"  # where item images are served (certify.assessments.media_views)
_MEDIA_SRC = re.compile(r"/media/[0-9a-f]{64}")
_MEDIA_LINK = re.compile(r"""(\bsrc\s*=\s*["']?)media:(?=[0-9a-f]{64})""")


ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "th": ["scope"],
    "td": [],
    "ol": ["start"],
    "img": ["src", "alt", "title", "width", "height"],  # src: item media only (see _allowed_attribute)
}


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """The allow-list, with images only from item media (never another site: nothing is fetched, nothing
    tracks a reader)."""
    if tag == "img" and name == "src":
        return bool(_MEDIA_SRC.fullmatch(value))
    return name in RENDERED_ATTRIBUTES.get(tag, ())


ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# MathML presentation markup (see certify.core.mathml): no href, no xlink:*, no style, no event handlers.
MATHML_TAGS = mathml.ELEMENTS
MATHML_ATTRIBUTES = {tag: list(names) for tag, names in mathml.ATTRIBUTES.items()}
# Everything a rendered page may contain, and the attributes each element may carry.
RENDERED_TAGS = ALLOWED_TAGS | MATHML_TAGS
RENDERED_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, **MATHML_ATTRIBUTES}
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
_DROPPED = frozenset({"annotation-xml"})  # removed with its content (it may embed HTML or SVG)
_local = threading.local()


class _DropSubtrees(Filter):  # type: ignore[misc]
    """Removes the elements in _DROPPED together with everything inside them (bleach alone keeps the text)."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        depth = 0
        for token in super().__iter__():
            name = token.get("name")
            if token["type"] == "StartTag" and (depth or name in _DROPPED):
                depth += 1
            elif token["type"] == "EndTag" and depth:
                depth -= 1
            elif not depth and not (token["type"] == "EmptyTag" and name in _DROPPED):
                yield token


class _ImagesFromMedia(Filter):  # type: ignore[misc]
    """Drops an <img> whose source the allow-list removed (it would show nothing, or a broken image)."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            if token.get("name") == "img" and (None, "src") not in (token.get("data") or {}):
                continue
            yield token


def clean_html(html: str) -> str:
    """Strip every tag, attribute and URL scheme not on the allow-lists (HTML and MathML); `media:<sha256>`
    images become links to the item media they name (certify.core.media.media_ref)."""
    cleaner = bleach.Cleaner(
        tags=RENDERED_TAGS | _DROPPED,  # let through only for _DropSubtrees to remove whole
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_DropSubtrees, _ImagesFromMedia],
    )
    return str(cleaner.clean(_MEDIA_LINK.sub(rf"\1{MEDIA_PATH}", html)))


@lru_cache(maxsize=16384)
def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML (a plain string, for storing).

    Cached: item stems and options are rendered for every exam page and every
    attempt, and the output depends only on the text.
    """
    converter = _converter()
    try:
        html = converter.convert(text or "")
    finally:
        converter.reset()
    return clean_html(html)


def _converter() -> markdown_lib.Markdown:
    """This thread's Markdown converter: building one (its parser and extensions) cost as much as converting."""
    converter: markdown_lib.Markdown | None = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(extensions=EXTENSIONS, output_format="html")
        # A formula opening a paragraph stays inline in it, not a raw HTML block of its own.
        converter.block_level_elements.remove("math")
    return converter


def markdown_filter(text: str) -> Markup:
    """Jinja filter: `{{ item.stem | markdown }}`."""
    return Markup(render_markdown(text))  # noqa: S704 - sanitised by clean_html above


def render_inline(text: str) -> Markup:
    """Markdown for short texts (options): no surrounding paragraph."""
    return Markup(_inline_cached(text))  # noqa: S704 - sanitised by clean_html


@lru_cache(maxsize=16384)
def _inline_cached(text: str) -> str:
    html = render_markdown(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def clean_filter(html: str) -> Markup:
    """Jinja filter for HTML stored already sanitised: cleaned again on the way out, in case the allow-list changed."""
    return Markup(_clean_cached(html or ""))  # noqa: S704 - sanitised by clean_html


@lru_cache(maxsize=4096)
def _clean_cached(html: str) -> str:
    return clean_html(html)
