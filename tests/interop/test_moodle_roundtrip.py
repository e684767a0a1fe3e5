"""Moodle XML export (bank_to_moodle_xml) and the round trip Certify -> Moodle XML -> Certify."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest

from certify.assessments.sources import QUESTION_BANKS, load_catalog
from certify.core.banks import Bank, Item, parse_item
from certify.core.media import Media, media_ref
from certify.core.source import Located
from certify.interop.moodle_text import read_metadata
from certify.interop.moodle_xml import bank_to_moodle_xml, looks_like_moodle_xml, read_moodle_xml
from certify.interop.qti_xml import parse_xml
from tests.interop.test_gift_roundtrip import ROUND_TRIP_ITEMS
from tests.support.moodle_samples import MID_COMPETENCIES, tiny_png

CHART = Media(tiny_png(40, 8), "image/png", "handle time.png")
LOGO = Media(tiny_png(41), "image/png", '"><script>.png')  # a name that is not a plain file name

EXTRA_ITEMS: list[dict[str, Any]] = [
    {
        "id": "EV-010",
        "competency": "EV",
        "type": "single_choice",
        "bloom": "evaluate",
        "status": "reviewed",
        "stem": f"Which chart shows a result?\n\n![Handle time by week]({media_ref(CHART.digest)})",
        "options": [
            {"id": "a", "text": "Handle time by week", "rationale": f"A result. ![logo]({media_ref(LOGO.digest)})"},
            {"id": "b", "text": "Seats filled", "rationale": "An output."},
            {"id": "c", "text": "Ticket backlog", "rationale": "Close, but it depends on staffing."},
            {"id": "d", "text": "Smile sheets", "rationale": "Reaction only."},
        ],
        "key": "a",
        "credit": {"c": 1 / 3, "b": 0.5},
        "rationale": "Results are business numbers <b>the desk</b> already tracks.",
        "enemies": ["EV-001"],
    },
]


def _item(raw: dict[str, Any], line: int) -> Item:
    located = Located(raw)
    located.line, located.key_lines = line, {}
    item, problems = parse_item(
        located, "bank.yaml", default_competency="RA", competencies=MID_COMPETENCIES, fallback_line=1
    )
    assert item is not None, problems
    return item


@pytest.fixture
def bank() -> Bank:
    raws = [*ROUND_TRIP_ITEMS, *EXTRA_ITEMS]
    items = tuple(_item(dict(raw), line) for line, raw in enumerate(raws, start=10))
    media = {m.digest: m for m in (CHART, LOGO)}
    return Bank("mid-rt", "Round trip / Moodle", "certification", items, "banks/rt.yaml", media=media)


def reread(data: bytes, bank: Bank) -> Bank:
    imported, problems = read_moodle_xml(
        data, "rt.xml", competencies=MID_COMPETENCIES, bank_id=bank.id, title=bank.title, default_competency=""
    )
    assert imported is not None and problems == [], problems
    return imported


def test_every_item_type_survives_the_round_trip_with_its_media(bank: Bank):
    data, _ = bank_to_moodle_xml(bank)
    imported = reread(data, bank)
    assert [i.content() for i in imported.items] == [i.content() for i in bank.items]
    assert {d: (m.data, m.mime) for d, m in imported.media.items()} == {
        d: (m.data, m.mime) for d, m in bank.media.items()
    }


def test_the_round_trip_gives_the_same_file_twice(bank: Bank):
    first, _ = bank_to_moodle_xml(bank)
    second, _ = bank_to_moodle_xml(reread(first, bank))
    assert second == first


def test_every_shipped_bank_comes_back_unchanged():
    catalog = load_catalog([QUESTION_BANKS])
    competencies = {c.code: c.title for c in catalog.competencies}
    banks = catalog.all_banks()
    assert sum(len(b.items) for b in banks) > 400
    for bank in banks:
        data, _ = bank_to_moodle_xml(bank)
        imported, problems = read_moodle_xml(
            data, "rt.xml", competencies=competencies, bank_id=bank.id, title=bank.title, default_competency=""
        )
        assert imported is not None and problems == [], (bank.id, problems[:3])
        assert [i.content() for i in imported.items] == [i.content() for i in bank.items], bank.id


def _questions(data: bytes) -> dict[str, ET.Element]:
    doc, problems = parse_xml(data, "out.xml")
    assert doc is not None, problems
    return {q.findtext("idnumber", ""): q for q in doc.root.iter("question") if q.get("type") != "category"}


def test_the_export_is_moodle_xml_in_moodles_own_shapes(bank: Bank):
    data, _ = bank_to_moodle_xml(bank)
    assert looks_like_moodle_xml(data[:200]) and data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    doc, _ = parse_xml(data, "out.xml")
    assert doc is not None
    categories = [q.findtext("category/text") for q in doc.root if q.get("type") == "category"]
    assert categories[:2] == ["$course$/top/Round trip // Moodle/RA", "$course$/top/Round trip // Moodle/EV"]
    questions = _questions(data)
    single = questions["RA-001"]
    assert (single.get("type"), single.findtext("single"), single.findtext("name/text")) == (
        "multichoice",
        "true",
        "Where design starts: {braces} & #hash",
    )
    assert single.findtext("shuffleanswers") == "false"
    assert [a.get("fraction") for a in questions["RA-002"].iter("answer")] == ["50", "-50", "50", "-50"]
    assert [a.get("fraction") for a in questions["EV-010"].iter("answer")] == ["100", "50", "33.33333", "0"]
    ordering = questions["EV-003"]
    assert ordering.findtext("gradingtype") == "ABSOLUTE_POSITION"
    assert [a.get("fraction") for a in ordering.iter("answer")] == ["1", "2", "3", "4"]
    numeric = questions["AD-003"]
    assert (numeric.findtext("answer/text"), numeric.findtext("answer/tolerance")) == ("150", "0.5")
    assert numeric.findtext("units/unit/unit_name") == "%"
    assert questions["AD-001"].findtext("usecase") == "1"
    matching = questions["EV-002"]
    assert [s.findtext("text") for s in matching.iter("subquestion")][-1] == ""  # the distractor
    assert questions["EV-001"].find("answer").get("fraction") == "0"  # TRUE is wrong: the key is false


def test_certify_metadata_travels_in_a_comment_at_the_end_of_the_general_feedback(bank: Bank):
    data, _ = bank_to_moodle_xml(bank)
    general = _questions(data)["RA-001"].findtext("generalfeedback/text", "")
    rationale, meta, warnings = read_metadata(general)
    assert rationale == "Design starts from the business metric.\n\n- baseline\n- target"
    assert general.endswith(" -->") and warnings == []
    assert meta == {
        "bloom": "apply",
        "status": "pilot",
        "references": ["Paramoure, ROI by Design (2014)", 'Quote "x" \\ y'],
        "allow_all_none": True,
        "ids": ["x", "y", "z"],
    }


def test_media_are_written_as_files_beside_the_text_that_shows_them(bank: Bank):
    data, _ = bank_to_moodle_xml(bank)
    question = _questions(data)["EV-010"]
    stem = question.find("questiontext")
    assert stem is not None
    assert stem.findtext("text", "").endswith("![Handle time by week](@@PLUGINFILE@@/handle%20time.png)")
    assert [(f.get("name"), f.get("encoding")) for f in stem.iter("file")] == [("handle time.png", "base64")]
    feedback = next(a.find("feedback") for a in question.iter("answer") if a.get("fraction") == "100")
    assert feedback is not None
    (logo,) = feedback.iter("file")  # an unsafe name is replaced by one made from the digest
    assert logo.get("name") == f"{LOGO.digest[:16]}.png"


def test_an_image_missing_from_the_bank_is_reported_and_its_link_kept(bank: Bank):
    data, warnings = bank_to_moodle_xml(replace(bank, media={}))
    assert any(
        p.item == "EV-010" and "names the image media:" in p.message and "not in the bank" in p.message
        for p in warnings
    )
    assert media_ref(CHART.digest).encode() in data


def test_the_export_says_what_moodle_cannot_hold(bank: Bank):
    _, warnings = bank_to_moodle_xml(bank)
    said = {(p.item, p.message.split(": ", 1)[1]) for p in warnings}
    assert ("RA-002", "scoring 'per_option' has no Moodle equivalent; Moodle will score it by fractions") in said
    assert ("EV-002", "Moodle has no feedback per pair; its students will not see these rationales") in said
    assert ("AD-001", "Moodle has no regular-expression patterns; it will accept only the listed answers") in said
    assert any(i == "AD-002" and "Moodle needs an answer worth 100%" in m for i, m in said)
    assert all(p.severity == "warning" and p.file == "banks/rt.yaml" for p in warnings)


def test_a_grade_moodle_refuses_is_reported(bank: Bank):
    item = bank.items[-1]
    body = {**item.body, "credit": {"b": 0.35}}
    _, warnings = bank_to_moodle_xml(replace(bank, items=(replace(item, body=body),)))
    assert [p.message for p in warnings] == [
        "item EV-010: Moodle does not accept the grade 35% for an answer; it will refuse it"
    ]


def test_text_xml_cannot_hold_is_left_out_with_a_warning(bank: Bank):
    item = replace(bank.items[0], stem="Bell\x07 and form feed\x0c")
    data, warnings = bank_to_moodle_xml(replace(bank, items=(item,)))
    assert _questions(data)["RA-001"].findtext("questiontext/text") == "Bell and form feed"
    assert any("control characters" in p.message for p in warnings)
