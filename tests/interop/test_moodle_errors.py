"""Hostile and damaged Moodle XML: one clear `file:line: message` error or a bank, never a crash; and speed."""

from __future__ import annotations

import copy
import time
import xml.etree.ElementTree as ET

import pytest
from defusedxml import ElementTree as DefusedET
from hypothesis import given
from hypothesis import strategies as st

from certify.core.source import Problem
from certify.interop import moodle_media
from certify.interop.moodle_xml import read_moodle_xml
from tests.support.import_fuzz import FUZZ, MEANINGFUL, damaged
from tests.support.moodle_samples import (
    MID_COMPETENCIES,
    MOODLE_FRAGMENTS,
    hostile,
    moodle4_export,
    moodle_xml_bank,
    tiny_png,
)


def read(data: bytes, name: str = "quiz.xml", **options):
    return read_moodle_xml(
        data, name, competencies=MID_COMPETENCIES, bank_id="mid-x", title="X", default_competency="", **options
    )


@pytest.mark.parametrize("name", sorted(hostile()))
def test_a_hostile_or_broken_file_is_one_clear_error(name):
    data, expected = hostile()[name]
    started = time.perf_counter()
    bank, problems = read(data, name)
    assert time.perf_counter() - started < 5
    assert bank is None
    (problem,) = problems
    assert (problem.file, problem.severity) == (name, "error") and problem.line >= 1
    assert expected in problem.message, problem


def test_images_beyond_the_total_limit_are_refused(monkeypatch):
    monkeypatch.setattr(moodle_media, "MAX_MEDIA_BYTES", 250)
    bank, problems = read(moodle_xml_bank(8, with_images=True))
    assert bank is None
    assert "images of this file add up to more than" in problems[0].message and problems[0].line > 1


def test_an_undecodable_image_is_a_warning_and_the_question_stays():
    data = moodle_xml_bank(1, with_images=True).replace(b'encoding="base64">', b'encoding="base64">@@@')
    bank, problems = read(data)
    assert bank is not None and len(bank.items) == 1 and bank.media == {}
    assert any("'chart-1.png' is not valid base64" in p.message and p.item == "GEN-00001" for p in problems)


def test_a_bank_id_that_is_not_an_id_is_refused():
    bank, problems = read_moodle_xml(
        moodle4_export(), "q.xml", competencies=MID_COMPETENCIES, bank_id="my bank", title="X", default_competency=""
    )
    assert bank is None and "bank id 'my bank'" in problems[0].message


def test_a_quiz_without_questions_is_an_empty_bank_with_a_warning():
    bank, problems = read(b"<?xml version='1.0'?>\n<quiz>\n</quiz>\n")
    assert bank is not None and bank.items == ()
    assert [str(p) for p in problems] == ["quiz.xml:2: warning: the file has no questions"]


def assert_clear_answer(name: str, data: bytes) -> None:
    bank, problems = read(data, name)
    assert all(isinstance(p, Problem) and p.file == name and p.line >= 0 and p.message.strip() for p in problems)
    if bank is None:
        assert [p.severity for p in problems] == ["error"], problems
    else:
        assert all(p.severity in ("skip", "warning") for p in problems), problems
        assert set(bank.media) <= {d for item in bank.items for d in _digests(item)}


def _digests(item) -> set[str]:  # type: ignore[no-untyped-def]
    from certify.core.media import MEDIA_REF

    return set(MEDIA_REF.findall(str(item.content())))


@st.composite
def damaged_export(draw: st.DrawFn) -> bytes:
    fragment = draw(st.sampled_from(MOODLE_FRAGMENTS + MEANINGFUL))
    data = moodle4_export()
    at = draw(st.integers(0, len(data)))
    return draw(damaged(data[:at] + fragment + data[at:]))


ODD_TEXTS = [
    "",
    "NaN",
    "-1e999",
    "1e308",
    "*",
    "\\*",
    "0",
    "100",
    "-100",
    "abc",
    "true",
    "none",
    "ALL",
    "RANDOM",
    "@@PLUGINFILE@@/x.png",
    "<p></p>",
    "<p>*</p>",
    "$course$/top/RA",
    "$system$/top",
    "RA-FCR-01",
    "a b",
    '<!-- certify {"ids":["a","a"],"range":[3,1],"scoring":"x","bloom":"create"} -->',
    "media:" + "0" * 64,
]
ODD_ATTRIBUTES = {
    "fraction": ["100", "50", "-50", "0", "abc", "inf", "1e999", "33.33333", ""],
    "format": ["html", "markdown", "plain_text", "moodle_auto_format", "wiki_like", "odd"],
    "type": ["multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering", "category", "essay", ""],
    "encoding": ["base64", "hex", ""],
    "name": ["x.png", "", "../a.png", "a b.svg"],
    "path": ["/", "/sub/", ""],
}


@st.composite
def reshaped_export(draw: st.DrawFn) -> bytes:
    """The export, still well-formed XML, with elements removed, repeated, moved or given odd values."""
    root = DefusedET.fromstring(moodle4_export())
    for _ in range(draw(st.integers(1, 6))):
        elements = list(root.iter())
        parents = {child: parent for parent in elements for child in parent}
        target = draw(st.sampled_from(elements))
        op = draw(st.sampled_from(["remove", "repeat", "text", "attribute", "move"]))
        parent = parents.get(target)
        if op == "remove" and parent is not None:
            parent.remove(target)
        elif op == "repeat" and parent is not None:
            parent.insert(list(parent).index(target), copy.deepcopy(target))
        elif op == "text":
            target.text = draw(st.sampled_from(ODD_TEXTS) | st.text(max_size=20))
        elif op == "attribute":
            key = draw(st.sampled_from(sorted(ODD_ATTRIBUTES)))
            target.set(key, draw(st.sampled_from(ODD_ATTRIBUTES[key])))
        elif op == "move" and parent is not None:
            parent.remove(target)
            draw(st.sampled_from([e for e in elements if e is not target and target not in e.iter()])).append(target)
    return ET.tostring(root, encoding="utf-8")


@FUZZ
@given(data=reshaped_export())
def test_a_reshaped_export_gets_a_bank_or_one_clear_error(data):
    assert_clear_answer("reshaped.xml", data)


@FUZZ
@given(data=damaged_export())
def test_a_damaged_export_gets_a_bank_or_one_clear_error(data):
    assert_clear_answer("damaged.xml", data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: f"<quiz>{t}</quiz>".encode())))
def test_arbitrary_content_gets_a_bank_or_one_clear_error(data):
    assert_clear_answer("any.xml", data)


def test_the_hostile_corpus_images_differ():
    assert tiny_png(1) != tiny_png(257)  # the generator's images are distinct, so the bench stores each


@pytest.mark.slow
def test_ten_thousand_questions_with_images_are_read_well_under_ten_seconds():
    data = moodle_xml_bank(10_000, with_images=True)
    started = time.process_time()  # CPU time: the machine is shared, wall time measures the neighbours too
    bank, problems = read(data, "large.xml")
    elapsed = time.process_time() - started
    assert bank is not None and problems == []
    assert len(bank.items) == 10_000 and len(bank.media) == 10_000
    assert len({i.type for i in bank.items}) == 7
    assert elapsed < 6, f"{elapsed:.1f} s"
