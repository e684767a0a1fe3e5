"""GIFT import (gift_to_bank): each question type, categories and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from certify.core.banks import Bank, Item
from certify.core.imports import NEEDS_RATIONALE
from certify.interop.gift import GiftError, gift_to_bank, parse_gift

COMPETENCIES = {"RA": "Results alignment", "EV": "Evaluation and impact", "AD": "Assessment design"}


def _import(text: str, **options: Any) -> tuple[Bank | None, list]:
    options.setdefault("competencies", COMPETENCIES)
    options.setdefault("default_competency", "RA")
    return gift_to_bank(text, "quiz.gift", bank_id="quiz", title="Quiz", **options)


def _one(text: str, **options: Any) -> tuple[Item, list]:
    bank, problems = _import(text, **options)
    assert bank is not None, problems
    assert len(bank.items) == 1
    return bank.items[0], problems


def _warnings(problems: list) -> list[str]:
    return [p.message for p in problems if p.severity == "warning"]


def _skips(problems: list) -> list[tuple[int, str, str]]:
    return [(p.line, p.item, p.message) for p in problems if p.severity == "skip"]


# --- conversion of each GIFT type -------------------------------------------------------------


def test_single_choice_with_feedback_and_general_feedback():
    item, problems = _one(
        "::RA-1::What comes first?{\n=The metric#Right.\n~The course#Too early.\n####Start from results.}"
    )
    assert problems == []
    assert (item.ref, item.type, item.title, item.competency, item.bloom, item.status) == (
        "RA-1",
        "single_choice",
        "",
        "RA",
        "apply",  # the Bloom level of items from other platforms until a reviewer sets it
        "draft",  # written elsewhere: it goes through review before any candidate sees it
    )
    assert item.body == {
        "options": [
            {"id": "a", "text": "The metric", "rationale": "Right."},
            {"id": "b", "text": "The course", "rationale": "Too early."},
        ],
        "key": "a",
    }
    assert item.rationale == "Start from results."


def test_weighted_choices_become_multiple_response():
    item, _ = _one("Pick two{~%50%A#a ~%50%B#b ~%-100%C#c ####Because.}")
    assert item.type == "multiple_response"
    assert item.body["key"] == ["a", "b"]
    assert item.body["scoring"] == "partial"


def test_several_correct_choices_become_multiple_response():
    item, _ = _one("Seasons{=spring =summer ~easter ####Easter is a holiday.}")
    assert (item.type, item.body["key"]) == ("multiple_response", ["a", "b"])


def test_one_full_weight_among_partial_is_single_choice_with_credit():
    item, problems = _one("Hard{~wrong ~%50%half =full ####Why.}")
    assert (item.type, item.body["key"], item.body["credit"]) == ("single_choice", "c", {"b": 0.5})
    assert problems == []
    assert [item.kind.score(item.body, answer) for answer in ("a", "b", "c")] == [0.0, 0.5, 1.0]


def test_one_full_weight_without_equals_sign_is_single_choice():
    item, _ = _one("Pick{~%100%right ~%25%close ~wrong ####Why.}")
    assert (item.type, item.body["key"], item.body["credit"]) == ("single_choice", "a", {"b": 0.25})


def test_negative_weight_in_a_single_choice_is_reported():
    item, problems = _one("Pick{=right ~%-50%costly ~wrong ####Why.}")
    assert (item.type, item.body.get("credit")) == ("single_choice", None)
    assert _warnings(problems) == ["item quiz-001: negative weights (-50%) are not kept: a wrong option scores 0"]


def test_true_false_feedback():
    item, problems = _one("The sun rises in the west.{FALSE#It rises in the east.#Right.####Earth turns eastward.}")
    assert item.type == "true_false"
    assert item.body == {"key": False, "wrong_rationale": "It rises in the east."}
    assert item.rationale == "Earth turns eastward."
    assert any("feedback" in w for w in _warnings(problems))  # the right-answer feedback has no home


def test_true_false_without_general_feedback_is_a_draft_needing_a_rationale():
    item, problems = _one("Water is wet.{T#No, it is.#Yes.}")
    assert (item.body["key"], item.rationale, item.status) == (True, NEEDS_RATIONALE, "draft")
    assert _warnings(problems)[0] == (
        "item quiz-001: the feedback for the right answer ('Yes.') has no place in Certify and was dropped"
    )
    assert "1 item(s) came from GIFT without a rationale" in _warnings(problems)[1]


def test_short_answer_partial_weights_warn():
    text = "Town?{\n=Nazareth#Yes!\n=%50%Nazereth#Misspelled.\n=%0%Rome#No.\n####He grew up there.}"
    item, problems = _one(text)
    assert item.type == "short_answer"
    assert item.body["accepted"] == ["Nazareth"]
    assert item.body["wrong_answers"] == [
        {"answer": "Nazereth", "rationale": "Misspelled."},
        {"answer": "Rome", "rationale": "No."},
    ]
    warnings = _warnings(problems)
    assert any("partial-credit answer 'Nazereth'" in w for w in warnings)
    assert all(p.line == 1 for p in problems)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("{#1822####Why.}", {"value": 1822.0, "tolerance": 0.0}),
        ("{#3.1415:0.0005####Why.}", {"value": 3.1415, "tolerance": 0.0005}),
        ("{#-5..5####Why.}", {"min": -5.0, "max": 5.0}),
    ],
)
def test_numeric_forms(answer: str, expected: dict):
    item, _ = _one(f"Number?{answer}")
    assert item.type == "numeric"
    assert {k: v for k, v in item.body.items() if k in expected} == expected


def test_numeric_several_answers_keep_the_first_full_one():
    text = "Born?{#\n=1822:0#Right.\n=%50%1822:2#Close.\n=%0%1900#Far off.\n####Grant was born in 1822.}"
    item, problems = _one(text)
    assert item.body["value"] == 1822.0
    assert item.body["tolerance"] == 0.0
    assert item.body["wrong_answers"] == [{"answer": 1900.0, "rationale": "Far off."}]
    assert any("only the first fully correct answer" in w for w in _warnings(problems))


def test_matching_pairs_and_distractor():
    text = "Match{\n=Canada -> Ottawa\n=Italy -> Rome\n= -> Paris\n####Capitals.}"
    item, _ = _one(text)
    assert item.type == "matching"
    assert [(p["id"], p["left"], p["right"]) for p in item.body["pairs"]] == [
        ("a", "Canada", "Ottawa"),
        ("b", "Italy", "Rome"),
    ]
    assert item.body["distractors"] == [{"id": "c", "text": "Paris", "rationale": ""}]


def test_title_that_is_not_an_id_becomes_the_item_title():
    bank, problems = _import("::Grant's tomb::Who?{=no one ####Nobody.}\n\n::Q 2::Two?{=2 ####Two.}")
    assert bank is not None, problems
    assert [(i.ref, i.title) for i in bank.items] == [("quiz-001", "Grant's tomb"), ("quiz-002", "Q 2")]


def test_generated_ids_skip_titles_used_as_ids():
    bank, problems = _import("Who?{=no one ####Nobody.}\n\n::quiz-001::Two?{=2 ####Two.}")
    assert bank is not None, problems
    assert [i.ref for i in bank.items] == ["quiz-002", "quiz-001"]


def test_html_stem_is_kept_as_is():
    item, _ = _one("[html]<p>Sun <b>rises</b>?</p>{T####East.}")
    assert item.stem == "<p>Sun <b>rises</b>?</p>"


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


def test_moodle_id_number_is_the_item_id():
    item, _ = _one("// question: 12  name: Grant\n// [id:RA-77] [tag:sales]\n::Grant's tomb::Who?{T####Nobody.}")
    assert (item.ref, item.title) == ("RA-77", "Grant's tomb")


def test_bad_metadata_comment_is_a_warning():
    item, problems = _one('// certify: {"bloom": "apply", "colour": 1}\nOk?{T####Yes.}')
    assert item.bloom == "apply"
    assert _warnings(problems) == ["item quiz-001: ignored unknown `// certify:` field 'colour'"]
    _, problems = _one("// certify: {not json\nOk?{T####Yes.}")
    assert _warnings(problems) == ["item quiz-001: ignored a `// certify:` comment that is not a JSON object"]


def test_comments_before_a_blank_line_belong_to_no_question():
    # Moodle writes the comment and id number of a question type GIFT cannot hold, then only a blank line.
    item, _ = _one("// question: 7  name: calculated one\n// [id:CALC-1]\n\n// question: 8  name: Next\nOk?{T####Y.}")
    assert item.ref == "quiz-001"


def test_moodle_numeric_with_an_unmarked_answer_and_feedback_for_any_other():
    # From Moodle's own GIFT tests: the answer needs no '=' and '~#...' is feedback for anything else.
    item, problems = _one("::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong####Two either side of 3.}")
    assert (item.ref, item.body["value"], item.body["tolerance"]) == ("Q5", 3.0, 2.0)
    assert _warnings(problems) == [
        "item Q5: the entry for any other answer has no place in Certify: its feedback 'Completely wrong' was dropped"
    ]


def test_answer_level_formats_and_escapes():
    text = (
        "[html]<p>Pick the <b>result</b></p>{\n=[plain]Sales per rep \\= revenue \\/ reps#[markdown]*Yes*\n"
        "~<i>Hours</i>#[moodle]An input\\: time.\n~Seats\\~\\{booked\\}\n####[plain]Results\\#1.}"
    )
    item, _ = _one(text)
    assert item.stem == "<p>Pick the <b>result</b></p>"
    assert item.body["options"] == [
        {"id": "a", "text": "Sales per rep = revenue \\/ reps", "rationale": "*Yes*"},
        {"id": "b", "text": "<i>Hours</i>", "rationale": "An input: time."},
        {"id": "c", "text": "Seats~{booked}", "rationale": ""},
    ]
    assert item.rationale == "Results#1."


def test_short_answer_with_an_empty_answer_keeps_the_others():
    item, problems = _one("Metric?{=handle time =#Say which metric. =%0%talk time ####Why.}")
    assert (item.body["accepted"], [w["answer"] for w in item.body["wrong_answers"]]) == (
        ["handle time"],
        ["talk time"],
    )
    assert _warnings(problems) == [
        "item quiz-001: an empty answer has no place in Certify: its feedback 'Say which metric.' was dropped"
    ]


def test_several_equals_answers_warn_that_moodle_accepts_any_one():
    _, problems = _one("Seasons{=spring =summer ~easter ####Easter is a holiday.}")
    assert "Moodle accepts any one of them, Certify asks for all of them" in _warnings(problems)[0]
