"""Rich text is inert: every hostile vector renders to allow-listed markup only (no browser needed).

The rendered HTML is parsed (not pattern-matched) and every tag, attribute and URL is
checked against the sanitiser's allow-list; a second, independent scan of the raw string
makes sure every `<` opens an allowed tag. `tests/e2e/test_hostile_html_e2e.py` renders
the same corpus in Chromium.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown as markdown_lib
import pytest
from flask import Flask
from markupsafe import Markup

from certify.security.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    EXTENSIONS,
    MATHML_ATTRIBUTES,
    MATHML_TAGS,
    RENDERED_ATTRIBUTES,
    RENDERED_TAGS,
    markdown_filter,
    render_inline,
    render_markdown,
)
from tests.support.hostile_html import CORPUS, corpus_document

# Tags and attributes that run script, load something or restyle the page: none may ever be allowed.
SCRIPTABLE_TAGS = frozenset(
    [
        "script",
        "style",
        "link",
        "meta",
        "base",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "img",
        "image",
        "picture",
        "source",
        "video",
        "audio",
        "track",
        "svg",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "isindex",
        "keygen",
        "template",
        "noscript",
        "xmp",
        "plaintext",
        "marquee",
        "details",
        "body",
        "html",
        "head",
        "title",
        "portal",
    ]
)
SCRIPTABLE_ATTRIBUTES = frozenset(
    [
        "style",
        "src",
        "srcset",
        "srcdoc",
        "action",
        "formaction",
        "background",
        "poster",
        "data",
        "dynsrc",
        "lowsrc",
        "ping",
        "xlink:href",
        "autofocus",
        "http-equiv",
        "content",
        "codebase",
        "classid",
    ]
)
SAFE_PROTOCOLS = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"})
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
RAW_TAG = re.compile(r"<(/?)([^\s/>]*)")
IDS = [vector_id for vector_id, _ in CORPUS]


class _Collector(HTMLParser):
    """Every start tag with its (decoded) attributes, plus anything that is not a plain tag or text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment <!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"declaration <!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"processing instruction <?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"declaration <![{data}]>")


def _url_scheme(value: str) -> str | None:
    """The scheme a browser would see: tabs and newlines removed, C0 controls and spaces trimmed."""
    cleaned = re.sub(r"[\t\n\r]", "", value).strip("".join(chr(c) for c in range(0x21))).lower()
    match = SCHEME.match(cleaned)
    return match.group(1) if match else None


def problems_in(html: str) -> list[str]:
    """Everything in `html` outside the allow-list; empty when the markup is inert."""
    problems: list[str] = []
    collector = _Collector()
    collector.feed(html)
    collector.close()
    problems += collector.other
    for tag, attrs in collector.tags:
        if tag not in RENDERED_TAGS:
            problems.append(f"tag <{tag}>")
            continue
        allowed = RENDERED_ATTRIBUTES.get(tag, [])
        for name, value in attrs:
            if name not in allowed or name.startswith("on"):
                problems.append(f"attribute {name}={value!r} on <{tag}>")
            elif tag == "img" and name == "src" and not re.fullmatch(r"/media/[0-9a-f]{64}", value or ""):
                problems.append(f"image from outside item media: src={value!r}")
            elif name in URL_ATTRIBUTES and value is not None:
                scheme = _url_scheme(value)
                if scheme is not None and scheme not in SAFE_PROTOCOLS:
                    problems.append(f"{scheme}: URL in {name}={value!r} on <{tag}>")
    # Independent of the parser: every "<" in the output opens or closes an allowed tag.
    for closing, name in RAW_TAG.findall(html):
        if name.lower() not in RENDERED_TAGS:
            problems.append(f"raw markup <{closing}{name}")
    return problems


@pytest.mark.parametrize(("vector_id", "payload"), CORPUS, ids=IDS)
def test_vector_renders_to_allowed_markup_only(vector_id: str, payload: str) -> None:
    for renderer in (render_markdown, markdown_filter, render_inline):
        html = str(renderer(payload))
        assert problems_in(html) == [], f"{vector_id} through {renderer.__name__}: {html!r}"


@pytest.mark.parametrize(("vector_id", "payload"), CORPUS, ids=IDS)
def test_vector_inside_markdown_containers_renders_to_allowed_markup_only(vector_id: str, payload: str) -> None:
    one_line = payload.replace("\n", " ")
    for wrapped in (
        f"> {payload}",
        f"* {one_line}\n* after",
        f"1. before\n2. {one_line}",
        f"| head |\n|------|\n| {one_line} |",
        f"**{one_line}**",
        f"[{one_line}](https://example.org/)",
        f"Text before {one_line} and after.",
    ):
        html = render_markdown(wrapped)
        assert problems_in(html) == [], f"{vector_id} wrapped as {wrapped!r}: {html!r}"


def test_the_whole_corpus_as_one_document_renders_to_allowed_markup_only() -> None:
    document = corpus_document()
    for renderer in (render_markdown, render_inline):
        html = str(renderer(document))
        assert problems_in(html) == [], f"through {renderer.__name__}"
        assert "Vector <strong>script-plain</strong>" in html  # the document was rendered, not dropped


# Vectors that Markdown alone already turns into text (or that are text to begin with): the
# unsanitised rendering of every other vector must be caught by `problems_in`.
NEUTRAL_WITHOUT_SANITISER = {
    "script-as-entities",
    "script-as-numeric-entities",
    "script-utf7",
    "img-slashes-no-spaces",
    "svg-onload-unclosed",
    "md-link-title-breakout",
    "md-autolink-javascript",
    "a-literal-tab",
    "unclosed-attribute",
    "unclosed-tag",
    "backtick-attribute",
    "md-html-in-code-span",
    "md-fence-breakout",
    "md-emphasis-in-attribute",
    "md-percent-encoded-scheme",
}


def test_the_checker_catches_the_corpus_when_nothing_sanitises_it() -> None:
    """Without bleach, the check must fail: otherwise the tests above prove nothing."""
    missed = {
        vector_id
        for vector_id, payload in CORPUS
        if not problems_in(markdown_lib.markdown(payload, extensions=EXTENSIONS, output_format="html"))
    }
    assert missed <= NEUTRAL_WITHOUT_SANITISER, sorted(missed - NEUTRAL_WITHOUT_SANITISER)
    assert len(CORPUS) - len(missed) >= 100
    assert problems_in('<a href="jav&#x09;ascript:alert(1)">x</a>')
    assert problems_in('<a href=" &#14; javascript:alert(1)">x</a>')
    assert problems_in('<a href="https://example.org/" onclick="alert(1)">x</a>')
    assert problems_in("<p><!-- x --></p>")


def test_the_allow_list_holds_nothing_scriptable() -> None:
    # <img> is allowed only with its src held to item media (test_images_come_only_from_item_media)
    assert (RENDERED_TAGS - {"img"}).isdisjoint(SCRIPTABLE_TAGS), RENDERED_TAGS & SCRIPTABLE_TAGS
    assert RENDERED_TAGS == ALLOWED_TAGS | MATHML_TAGS
    # MathML that acts, draws images or embeds other markup stays out; so does every link, style and handler.
    assert MATHML_TAGS.isdisjoint({"maction", "mglyph", "annotation-xml", "malignmark", "maligngroup"})
    for tag, attributes in MATHML_ATTRIBUTES.items():
        risky = {a for a in attributes if a.startswith(("on", "xlink")) or a in SCRIPTABLE_ATTRIBUTES}
        assert not risky and not set(attributes) & (URL_ATTRIBUTES | {"altimg", "definitionURL", "mathcolor"}), tag
    for tag, attributes in ALLOWED_ATTRIBUTES.items():
        held = {"src"} if tag == "img" else set()
        risky = {a for a in attributes if a.startswith("on") or a in SCRIPTABLE_ATTRIBUTES} - held
        assert not risky, f"<{tag}> allows {sorted(risky)}"
        urls = {"href", "src"} if tag == "img" else {"href"}  # img src: item media only (tested below)
        assert set(attributes) & URL_ATTRIBUTES <= urls, f"<{tag}> allows a URL attribute other than href"
    assert set(ALLOWED_PROTOCOLS) <= SAFE_PROTOCOLS


def test_the_jinja_filters_are_the_sanitising_ones(app: Flask) -> None:
    """Templates use `markdown` and `inline_markdown`: both must go through the sanitiser."""
    template = app.jinja_env.from_string(
        "{% for v in vectors %}<div class=stem>{{ v | markdown }}</div>"
        "<label>{{ v | inline_markdown }}</label>{% endfor %}"
    )
    payloads = [payload for _, payload in CORPUS]
    with app.app_context():
        html = template.render(vectors=payloads)
    body = re.sub(r"</?(div|label)( class=stem)?>", "", html)
    assert problems_in(body) == []
    assert isinstance(app.jinja_env.filters["markdown"]("x"), Markup)
    assert isinstance(app.jinja_env.filters["inline_markdown"]("x"), Markup)


@pytest.mark.parametrize(
    "source",
    [
        '<img src="https://tracker.example/pixel.gif" alt="x">',
        '<img src="//tracker.example/p.gif">',
        '<img src="javascript:alert(1)">',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
        '<img src="/media/../admin">',
        '<img src="/media/' + "A" * 64 + '">',
        '<img src="/static/x.png">',
        '<img src="media:abc">',
    ],
)
def test_images_come_only_from_item_media(source: str) -> None:
    rendered = render_markdown(source)
    assert "src=" not in rendered and not problems_in(rendered)


def test_a_media_reference_renders_as_an_item_media_image() -> None:
    digest = "0123456789abcdef" * 4
    rendered = render_markdown(f"![A queue of tickets](media:{digest})")
    assert f'src="/media/{digest}"' in rendered and 'alt="A queue of tickets"' in rendered
    raw = render_markdown(f"<p>Chart: <img src='media:{digest}' alt='chart' onerror='alert(1)'></p>")
    assert f'src="/media/{digest}"' in raw and "onerror" not in raw and not problems_in(raw)
