"""Markdown to safe HTML. The only module that imports bleach.

Lessons, item stems and portfolio text are authored as Markdown; whatever HTML
ends up in them is cleaned against a short allow-list, so nothing scriptable
or styled reaches a page.
"""

from __future__ import annotations

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
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["scope"], "td": [], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
EXTENSIONS = ["tables", "sane_lists", "fenced_code"]
_local = threading.local()


def clean_html(html: str) -> str:
    """Strip every tag, attribute and URL scheme not on the allow-list."""
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
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
