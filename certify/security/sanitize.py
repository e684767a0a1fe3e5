"""Markdown to safe HTML. The only module that imports bleach.

Lessons, item stems and portfolio text are authored as Markdown; whatever HTML
ends up in them is cleaned against a short allow-list, so nothing scriptable
or styled reaches a page.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import bleach
import markdown as markdown_lib
from markupsafe import Markup

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
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
_local = threading.local()


def clean_html(html: str) -> str:
    """Strip every tag, attribute and URL scheme not on the allow-list; `media:<sha256>` images become links to
    the item media they name (certify.core.banks.media_ref)."""
    return bleach.clean(
        _MEDIA_LINK.sub(rf"\1{MEDIA_PATH}", html),
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


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
