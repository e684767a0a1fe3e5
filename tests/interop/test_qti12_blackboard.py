"""Blackboard pools (QTI 1.2 `.dat`) come in with their keys, scoring and feedback."""

from __future__ import annotations

from functools import cache

import pytest

from certify.interop.qti12 import read_qti12, read_qti12_package
from tests.support.qti12_canvas import zipped
from tests.support.qti12_pool import (
    ESSAY,
    MULTIPLE_ANSWER,
    POOL_TITLE,
    bb_item,
)
from tests.support.qti12_samples import BLACKBOARD_POOL, COMPETENCIES


def read(data: bytes = BLACKBOARD_POOL, **options):
    settings = {
        "competencies": COMPETENCIES,
        "bank_id": "sales",
        "title": "Sales coaching",
        "default_competency": "",
        "category_map": {POOL_TITLE: "PA"},
    }
    return read_qti12(data, "res00001.dat", **{**settings, **options})


@cache
def pool():
    bank, problems = read()
    assert bank is not None, problems
    return {item.ref: item for item in bank.items}, problems


def test_the_pool_brings_every_scorable_question_with_its_own_ids():
    items, problems = pool()
    assert list(items) == [
        "E03EE0034702442C9306629CBF618049",
        "C74698725FFD4F85A692662108608D53",
        "C18C56154AA04D56A4AE2FE430F4F49D",
        "DD76E663D4244C598FC91CFC433F6D5B",
        "9C5DBA6A142A4B5887C61D333CFFEDA9",
        "3A4B5C6D7E8F40312233445566778899",
        "sales-007",  # Blackboard's "_4312_1" is not a valid id: the position stands in
    ]
    assert {item.competency for item in items.values()} == {"PA"}  # the pool's title, mapped by the admin
    (essay,) = [p for p in problems if p.severity == "skip"]
    assert essay.item == "39970AD8D5AE425A82338E17D42B7845" and "essay" in essay.message


def test_the_pool_title_is_the_category_asked_about_when_unmapped():
    bank, problems = read(category_map={})
    assert bank is not None and bank.items == ()
    assert {p.category for p in problems if p.severity == "skip" and "essay" not in p.message} == {POOL_TITLE}


def test_multiple_choice_keeps_key_order_and_per_answer_solutions():
    item = pool()[0]["E03EE0034702442C9306629CBF618049"]
    assert item.type == "single_choice" and item.body["key"] == "A1F0C3D2E5B4A7968778695A4B3C2D1E"
    assert item.shuffle is False  # render_choice shuffle="No"
    assert [o["rationale"] for o in item.body["options"]][1:] == [
        "A list of mistakes does not say what the rep was aiming for.",
        "A course assumes a knowledge gap nobody has shown.",
    ]
    assert item.rationale == "Coaching starts from the result the rep wanted."
    assert "do <b>first</b>?" in item.stem
    warnings = [p.message for p in pool()[1] if p.item == item.ref]
    assert any("feedback for a wrong answer" in m for m in warnings)


def test_true_false_and_fill_in_the_blank():
    items = pool()[0]
    true_false = items["C74698725FFD4F85A692662108608D53"]
    assert true_false.type == "true_false" and true_false.body["key"] is True
    blank = items["DD76E663D4244C598FC91CFC433F6D5B"]
    assert blank.type == "short_answer" and blank.body["accepted"] == ["baseline", "base line"]
    assert blank.body["case_sensitive"] is False and blank.kind.score(blank.body, "Baseline") == 1.0


def test_multiple_answer_is_all_or_nothing_unless_blackboard_allows_partial_credit():
    item = pool()[0]["C18C56154AA04D56A4AE2FE430F4F49D"]
    assert item.body["key"] == ["D1", "D2"] and item.body["scoring"] == "all_or_nothing"
    assert item.kind.score(item.body, ["D1"]) == 0.0
    partial = MULTIPLE_ANSWER.replace("<bbmd_partialcredit>false", "<bbmd_partialcredit>true")
    bank, _problems = read(BLACKBOARD_POOL.replace(MULTIPLE_ANSWER.encode(), partial.encode()))
    assert bank is not None
    item = next(i for i in bank.items if i.ref == "C18C56154AA04D56A4AE2FE430F4F49D")
    assert item.body["scoring"] == "partial" and item.kind.score(item.body, ["D1"]) == 0.5


def test_matching_reads_the_right_hand_texts_by_position():
    item = pool()[0]["9C5DBA6A142A4B5887C61D333CFFEDA9"]
    assert [(p["left"], p["right"]) for p in item.body["pairs"]] == [
        ("Win rate", "Result"),
        ("Calls per day", "Activity"),
        ("Coaching hours", "Input"),
    ]
    assert [d["text"] for d in item.body["distractors"]] == ["Opinion"]


def test_numeric_with_tolerance_and_ordering_in_the_keyed_order():
    items = pool()[0]
    numeric = items["3A4B5C6D7E8F40312233445566778899"]
    assert (numeric.body["value"], numeric.body["tolerance"]) == (25.0, 0.5)
    ordering = items["sales-007"]
    assert [o["text"] for o in ordering.body["options"]] == [
        "Agree the result",
        "Observe a call",
        "Name one change",
        "Check next week",
    ]
    assert ordering.body["scoring"] == "all_or_nothing"


def test_a_blackboard_export_zip_is_read_through_its_dat_files():
    package = zipped(
        {
            "imsmanifest.xml": b'<?xml version="1.0"?><manifest identifier="m"><resources>'
            b'<resource identifier="res00001" type="assessment/x-bb-qti-pool" file="res00001.dat"/>'
            b"</resources></manifest>",
            "res00001.dat": BLACKBOARD_POOL,
            "res00002.dat": b'<?xml version="1.0"?><announcements/>',
        }
    )
    bank, problems = read_qti12_package(
        package,
        "ExportFile_SALES101.zip",
        competencies=COMPETENCIES,
        bank_id="sales",
        title="Sales",
        default_competency="PA",
    )
    assert bank is not None and len(bank.items) == 7
    assert all(p.file.startswith("ExportFile_SALES101.zip/res00001.dat") for p in problems if p.line)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("Fill in the Blank Plus", "several blanks"),
        ("Jumbled Sentence", "several blanks"),
        ("Hot Spot", "point on an image"),
        ("Opinion Scale", "no right answer"),
        ("File Upload", "file upload"),
        ("Short Answer", "person to score"),
        ("Quiz Bowl", "quiz bowl"),
        ("Calculated", "formula"),
    ],
)
def test_blackboard_types_certify_cannot_score_are_skipped(kind, reason):
    document = BLACKBOARD_POOL.replace(ESSAY.encode(), ESSAY.replace(">Essay<", f">{kind}<").encode())
    _bank, problems = read(document)
    (skipped,) = [p for p in problems if p.item == "39970AD8D5AE425A82338E17D42B7845"]
    assert skipped.severity == "skip" and reason in skipped.message


def test_an_item_whose_key_names_a_missing_answer_is_skipped_not_fatal():
    broken = bb_item(
        "0FEDCBA98765432100FEDCBA98765432",
        "Multiple Choice",
        "<p>Which?</p>",
        '<response_lid ident="response"><render_choice><response_label ident="a"><material>'
        '<mattext>One</mattext></material></response_label><response_label ident="b"><material>'
        "<mattext>Two</mattext></material></response_label></render_choice></response_lid>",
        '<respcondition title="correct"><conditionvar><varequal respident="response">zz</varequal>'
        '</conditionvar><setvar action="Set" variablename="SCORE">SCORE.max</setvar></respcondition>',
    )
    bank, problems = read(BLACKBOARD_POOL.replace(ESSAY.encode(), broken.encode()))
    assert bank is not None and len(bank.items) == 7
    (skipped,) = [p for p in problems if p.item == "0FEDCBA98765432100FEDCBA98765432"]
    assert skipped.severity == "skip" and "'zz'" in skipped.message
