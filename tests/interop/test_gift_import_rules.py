"""GIFT as Moodle users bring it: competencies from categories (matched, mapped or waiting for the admin),
one bad question skipped and named while the rest is read, missing rationales marked, ids and duplicates."""

from __future__ import annotations

import pytest

from certify.core.imports import NEEDS_RATIONALE
from certify.interop.gift import GiftError, parse_gift
from tests.support.gift_reading import import_gift as _import
from tests.support.gift_reading import one_item as _one
from tests.support.gift_reading import skips_of as _skips

# --- categories and competencies ---------------------------------------------------------------


def test_category_selects_competency_by_code_or_title():
    text = (
        "$CATEGORY: $course$/top/ev\n\nROI?{=Yes ####Why.}\n\n"
        "$CATEGORY: $course$/top/Assessment Design\n\nCut score?{=Yes ####Why.}\n\n"
        "$CATEGORY: Results alignment\n\nMetric?{=Yes ####Why.}"
    )
    bank, problems = _import(text, default_competency="")
    assert bank is not None, problems
    assert [i.competency for i in bank.items] == ["EV", "AD", "RA"]


def test_category_with_codes_only():
    bank, problems = _import("$CATEGORY: top/EV\n\nROI?{=Yes ####Why.}", competencies=["RA", "EV"])
    assert bank is not None, problems
    assert bank.items[0].competency == "EV"


def test_unknown_category_falls_back_to_the_default_with_a_warning():
    bank, problems = _import("$CATEGORY: top/Nowhere\n\nROI?{=Yes ####Why.}", default_competency="EV")
    assert bank is not None
    assert bank.items[0].competency == "EV"
    assert [(p.line, p.severity) for p in problems] == [(1, "warning")]


def test_unknown_category_without_default_skips_each_question_for_mapping():
    text = "$CATEGORY: top/Nowhere\n\n// c\nROI?{=Yes ~No ####Why.}\n\n::Q2::Cost?{=Yes ~No ####Why.}\n\n"
    bank, problems = _import(text + "$CATEGORY: top/EV\n\nFine?{T####Yes.}", default_competency="")
    assert bank is not None and [i.ref for i in bank.items] == ["quiz-003"]
    skipped = [p for p in problems if p.severity == "skip"]
    assert [(p.file, p.line, p.item, p.category) for p in skipped] == [
        ("quiz.gift", 4, "question 1", "top/Nowhere"),
        ("quiz.gift", 6, "Q2", "top/Nowhere"),
    ]
    assert "no competency for category 'top/Nowhere'" in skipped[0].message


def test_category_map_chooses_the_competency():
    text = "$CATEGORY: top/Nowhere\n\nROI?{=Yes ~No ####Why.}"
    bank, problems = _import(text, default_competency="", category_map={"top/Nowhere": "AD"})
    assert bank is not None, problems
    assert bank.items[0].competency == "AD"


def test_questions_before_any_category_have_category_empty():
    bank, problems = _import("ROI?{=Yes ~No ####Why.}\n\n$CATEGORY: top/EV\n\nOk?{T####Yes.}", default_competency="")
    assert bank is not None and [i.competency for i in bank.items] == ["EV"]
    assert [(p.line, p.category, p.severity) for p in problems] == [(1, "", "skip")]
    assert "no category" in problems[0].message


# --- bad input -----------------------------------------------------------------------------------


def test_unclosed_brace_skips_that_question_and_reads_on_from_the_next_blank_line():
    bank, problems = _import("Fine?{T####Yes.}\n\nBroken? {\n=a\n~b\n\nThat is all.\n")
    assert bank is not None
    assert [i.stem for i in bank.items] == ["Fine?"]
    assert [(p.line, p.item, p.severity) for p in problems] == [(3, "question 2", "skip"), (7, "question 3", "skip")]
    assert "'{' is never closed by '}'" in problems[0].message
    assert "not a question" in problems[1].message  # read again once the broken question was left behind


def test_a_brace_left_open_before_the_next_question_skips_only_that_question():
    text = "::Open::Broken? {\n=a\n~b\n\n::Next::Next?{=yes ~no ####Why.}\n\nLast?{F####No.}"
    bank, problems = _import(text)
    assert bank is not None and [i.ref for i in bank.items] == ["Next", "quiz-003"]
    assert [(line, item) for line, item, _ in _skips(problems)] == [(1, "Open")]
    assert "not closed by '}' before the next '{'" in problems[0].message


def test_stray_closing_brace_and_bad_number_are_skips():
    bank, problems = _import("Q1 } oops\n\nQ2{#twelve}\n\nQ3{T####Yes.}")
    assert bank is not None and [i.stem for i in bank.items] == ["Q3"]
    assert [(line, item) for line, item, _ in _skips(problems)] == [(1, "question 1"), (3, "question 2")]
    assert "'twelve' is not a number" in problems[1].message


def test_parse_gift_raises_gift_error_with_line():
    with pytest.raises(GiftError) as caught:
        parse_gift("Q1{T}\n\n\nQ2 {=a\n~b")
    assert caught.value.line == 4
    with pytest.raises(GiftError) as caught:
        parse_gift("Q1 } oops")
    assert caught.value.line == 1
    with pytest.raises(GiftError) as caught:
        parse_gift("Q1\n{#twelve}")
    assert caught.value.line == 2
    with pytest.raises(GiftError) as caught:
        parse_gift("::Title without end\nQ{T}")
    assert caught.value.line == 1


def test_essay_description_and_cloze_are_skipped_with_reasons():
    text = (
        "::Q8:: How are you? {}\n\n::Intro::Read carefully.\n\n"
        "Rate {1:MULTICHOICE:=high~low} or {2:SA:=x}.\n\nOk?{T####Yes.}"
    )
    bank, problems = _import(text)
    assert bank is not None
    assert [i.type for i in bank.items] == ["true_false"]
    assert [(p.line, p.item, p.severity) for p in problems] == [
        (1, "Q8", "skip"),
        (3, "Intro", "skip"),
        (5, "question 3", "skip"),
    ]
    assert "essay" in problems[0].message
    assert "not a question" in problems[1].message
    assert "Cloze" in problems[2].message


@pytest.mark.parametrize(
    ("text", "kind", "stem", "key"),
    [
        ("The {~cat ~dog =mouse} sat.", "single_choice", "The _____ sat.", "c"),
        ("Two plus two equals {=four =4} today.", "short_answer", "Two plus two equals _____ today.", None),
        ("{=Asia} is the largest continent.", "short_answer", "_____ is the largest continent.", None),
        ("[html]<p>The {~cat =mouse} sat.</p>", "single_choice", "<p>The _____ sat.</p>", "b"),
    ],
)
def test_missing_word_questions_have_a_blank_and_their_answers_type(text: str, kind: str, stem: str, key):
    item, _ = _one(text)
    assert (item.type, item.stem, item.body.get("key")) == (kind, stem, key)
    if kind == "short_answer":
        assert item.body["accepted"][0] in ("four", "Asia")


def test_empty_file():
    for text in ("", "\n\n// only a comment\n", "$CATEGORY: top/RA\n"):
        bank, problems = _import(text)
        assert bank is None
        assert [(p.line, p.severity) for p in problems] == [(1, "error")]
        assert "no questions" in problems[0].message


def test_missing_rationale_makes_a_draft_with_the_marker_and_one_file_warning():
    text = '// certify: {"type":"true_false","competency":"RA","bloom":"apply","status":"live"}\nOk?{T}'
    bank, problems = _import(text + "\n\n\nWho?{=a ~b}\n\nWhy?{=a ~b ####Because.}")
    assert bank is not None
    assert [(i.rationale, i.status) for i in bank.items] == [
        (NEEDS_RATIONALE, "draft"),  # even when the metadata says live
        (NEEDS_RATIONALE, "draft"),
        ("Because.", "draft"),
    ]
    assert [(p.line, p.severity) for p in problems] == [(0, "warning")]
    assert problems[0].message.startswith("2 item(s) came from GIFT without a rationale")


def test_no_correct_answer_is_a_skip_and_an_empty_import_an_error():
    bank, problems = _import("Who?{~a ~b ####Why.}")
    assert bank is None
    assert [(p.severity, p.item) for p in problems] == [("skip", "question 1"), ("error", "")]
    assert "no answer is marked correct" in problems[0].message
    assert problems[1].message == "no question could be imported"


def test_item_validation_problems_are_a_skip_at_the_question_line():
    bank, problems = _import("Fine?{T####Yes.}\n\nMR?{~%50%a ~%50%b ####Why.}")
    assert bank is not None and len(bank.items) == 1
    assert [(p.line, p.item, p.severity) for p in problems] == [(3, "question 2", "skip")]
    assert problems[0].message.startswith("question 2: `options` needs at least 3 entries")


def test_duplicate_ids_skip_the_second_question():
    bank, problems = _import("::RA-1::A?{T####Yes.}\n\n::RA-1::B?{F####No.}")
    assert bank is not None and [i.stem for i in bank.items] == ["A?"]
    assert _skips(problems) == [(3, "RA-1", "RA-1: its id 'RA-1' is already used by the question at line 1")]
