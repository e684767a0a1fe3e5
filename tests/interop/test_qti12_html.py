"""Canvas and Blackboard HTML become Certify Markdown that renders as it looked, images included."""

from __future__ import annotations

import markdown
import pytest

from certify.interop.qti12_html import html_to_markdown, plain_to_markdown

DIGEST = "ab" * 32


def image(src: str, alt: str) -> str:
    return f"![{alt}](media:{DIGEST})" if src.endswith(".png") else f"\\[image: {alt}\\]"


def rendered(fragment: str) -> str:
    text, _dropped = html_to_markdown(fragment, image)
    return markdown.markdown(text, extensions=["tables", "sane_lists", "fenced_code"])


def test_paragraphs_and_inline_markup_survive_and_images_render():
    html = rendered('<div><p>Close rate <strong>fell</strong> to 12%.</p><p><img src="a.png" alt="trend"></p></div>')
    assert html == f'<p>Close rate <strong>fell</strong> to 12%.</p>\n<p><img alt="trend" src="media:{DIGEST}" /></p>'


@pytest.mark.parametrize(
    ("fragment", "shown"),
    [
        ("<p>2*3 = 6 and first_contact_rate</p>", "<p>2*3 = 6 and first_contact_rate</p>"),
        ("<p># not a heading</p>", "<p># not a heading</p>"),
        ("<p>- not a list</p>", "<p>- not a list</p>"),
        ("<p>1. not a list</p>", "<p>1. not a list</p>"),
        ("<p>[not](a link)</p>", "<p>[not](a link)</p>"),
        ("<p>&lt;b&gt; is text &amp; stays text</p>", "<p>&lt;b&gt; is text &amp; stays text</p>"),
    ],
)
def test_text_that_looks_like_markdown_or_html_shows_as_written(fragment, shown):
    assert rendered(fragment) == shown


def test_lists_become_markdown_lists():
    assert rendered("<ul><li>Baseline</li><li>Target</li></ul>") == "<ul>\n<li>Baseline</li>\n<li>Target</li>\n</ul>"
    assert rendered("<ol><li>Observe</li><li>Coach</li></ol>") == "<ol>\n<li>Observe</li>\n<li>Coach</li>\n</ol>"


def test_tables_stay_html_with_their_images():
    html = rendered('<table><tr><td>Q1</td><td><img src="q1.png" alt="chart"></td></tr></table>')
    assert html == f'<table><tr><td>Q1</td><td><img src="media:{DIGEST}" alt="chart"></td></tr></table>'


def test_scripts_styles_and_players_are_dropped_and_players_reported():
    text, dropped = html_to_markdown(
        "<style>p{}</style><p>Watch<script>x()</script></p><video src='v.mp4'></video><iframe src='y'></iframe>",
        image,
    )
    assert text == "Watch" and dropped == ["iframe", "video"]


def test_plain_text_keeps_its_lines_and_escapes_the_rest():
    assert plain_to_markdown("Line one\nline *two*\n\n- dash") == "Line one<br>line \\*two\\*\n\n\\- dash"
