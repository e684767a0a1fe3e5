"""The pieces of Moodle XML reading: image types by their bytes, links to files, Moodle's wrapping paragraph,
category paths and Certify's metadata comment."""

from __future__ import annotations

import base64

import pytest

from certify.core.media import image_mime, media_ref
from certify.interop.moodle_text import category_name, read_metadata, unwrap_paragraph, write_metadata
from certify.interop.moodle_xml import read_moodle_xml
from tests.support.moodle_samples import MID_COMPETENCIES, tiny_png

SVG = b'<?xml version="1.0"?>\n<!-- chart -->\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (tiny_png(5), "chart.jpg", "image/png"),  # the bytes decide, not the name
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo.jpg", "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "dot.gif", "image/gif"),
        (b"RIFF\x1a\x00\x00\x00WEBPVP8 ", "pic.webp", "image/webp"),
        (SVG, "chart.svg", "image/svg+xml"),
        (SVG, "chart.png", None),  # SVG only when the file says it is one
        (b"%PDF-1.7", "aid.png", None),
        (b"<html><script>", "page.svg", None),
    ],
)
def test_an_image_is_known_by_its_bytes(data, name, mime):
    assert image_mime(data, name) == mime


def one_question(stem_html: str, files: str, *, general: str = "Because.", **options) -> tuple:
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/MID/RA</text></category></question>
  <question type="truefalse">
    <name><text>Baseline</text></name>
    <questiontext format="html"><text><![CDATA[{stem_html}]]></text>{files}</questiontext>
    <generalfeedback format="html"><text><![CDATA[{general}]]></text></generalfeedback>
    <idnumber>RA-T-1</idnumber>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
</quiz>
""".encode()
    settings = {"bank_id": "t", "title": "T", "default_competency": "", **options}
    bank, problems = read_moodle_xml(data, "t.xml", competencies=MID_COMPETENCIES, **settings)
    assert bank is not None, problems
    return bank, problems


def _file(name: str, data: bytes, path: str = "/") -> str:
    return f'<file name="{name}" path="{path}" encoding="base64">{base64.b64encode(data).decode()}</file>'


def test_an_svg_in_a_subfolder_with_a_cache_buster_is_taken_and_linked_by_digest():
    bank, problems = one_question(
        '<p>Trend: <img src="@@PLUGINFILE@@/charts/trend%20line.svg?time=1699999999" alt="trend"></p>',
        _file("trend line.svg", SVG, path="/charts/"),
    )
    (media,) = bank.media.values()
    assert (media.mime, media.name, problems) == ("image/svg+xml", "trend line.svg", [])
    assert bank.items[0].stem == f'<p>Trend: <img src="{media_ref(media.digest)}" alt="trend"></p>'


def test_the_same_image_twice_is_stored_once():
    png = tiny_png(9)
    bank, _ = one_question(
        '<p><img src="@@PLUGINFILE@@/a.png"> <img src="@@PLUGINFILE@@/b.png"></p>',
        _file("a.png", png) + _file("b.png", png),
    )
    assert len(bank.media) == 1 and bank.items[0].stem.count(media_ref(next(iter(bank.media)))) == 2


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>The baseline comes first</p>", "The baseline comes first"),
        ('<p dir="ltr" style="text-align: left;">Q&amp;A&nbsp;session</p>', "Q&A session"),
        ("<p>Use *all* of them</p>", "<p>Use *all* of them</p>"),  # Markdown would read the stars
        ("<p>1. first</p>", "<p>1. first</p>"),  # ... or a list
        ("<p>a &amp;lt; b</p>", "<p>a &amp;lt; b</p>"),  # ... or an entity
        ("<p>Two</p><p>paragraphs</p>", "<p>Two</p><p>paragraphs</p>"),
        ("<p>With <b>bold</b></p>", "<p>With <b>bold</b></p>"),
        ("Bare text", "Bare text"),
    ],
)
def test_moodles_wrapping_paragraph_goes_only_when_plain_text_is_inside(html, text):
    assert unwrap_paragraph(html) == text


def test_html_that_shows_nothing_is_no_rationale():
    bank, problems = one_question("<p>Baseline first?</p>", "", general="<p><br></p>")
    assert bank.items[0].status == "draft"
    assert any("without a rationale" in p.message for p in problems)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("$course$/top/MID certification/RA", "MID certification/RA"),
        ("$system$/top", ""),
        ("$module$/top/Week 3", "Week 3"),
        ("$course$/Default for MID", "Default for MID"),  # Moodle 2.x, before 'top'
        ("Plain/path", "Plain/path"),
    ],
)
def test_category_paths_lose_moodles_context_and_top(path, name):
    assert category_name(path) == name


def test_the_metadata_comment_survives_any_text_and_is_read_back():
    meta = {"bloom": "analyze", "references": ["Mager --> Pipe <2nd ed.>", "é"], "status": "pilot"}
    comment = write_metadata(meta)
    assert comment.count("-->") == 1 and "<2nd" not in comment
    assert read_metadata(f"Why it is right.\n\n{comment}") == ("Why it is right.", meta, [])


def test_a_broken_or_unknown_metadata_comment_is_ignored_with_a_warning():
    assert read_metadata("Because. <!-- certify {not json} -->") == (
        "Because.",
        {},
        ["ignored a certify metadata comment that is not a JSON object"],
    )
    text, meta, warnings = read_metadata('Because.<!-- certify {"bloom":"create","colour":"red"} -->')
    assert (text, meta, warnings) == (
        "Because.",
        {"bloom": "create"},
        ["ignored unknown certify metadata field 'colour'"],
    )


def test_metadata_gives_bloom_and_status_and_the_default_bloom_applies_without_it():
    comment = write_metadata({"bloom": "evaluate", "status": "live"})
    bank, problems = one_question("<p>Baseline first?</p>", "", general=f"<p>Because.</p>{comment}")
    assert (bank.items[0].bloom, bank.items[0].status, bank.items[0].rationale) == ("evaluate", "live", "Because.")
    bank, _ = one_question("<p>Baseline first?</p>", "", default_bloom="understand")
    assert (bank.items[0].bloom, bank.items[0].status) == ("understand", "draft")
    bad = write_metadata({"bloom": "memorise", "status": "gone"})
    bank, problems = one_question("<p>Baseline first?</p>", "", general=f"Because.{bad}")
    assert (bank.items[0].bloom, bank.items[0].status) == ("apply", "draft")
    assert [p.message for p in problems] == [
        "RA-T-1: ignored the metadata bloom 'memorise'",
        "RA-T-1: ignored the metadata status 'gone'",
    ]
