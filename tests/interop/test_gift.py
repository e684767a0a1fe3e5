"""GIFT import (gift_to_bank): each question type, categories and bad input."""

from __future__ import annotations

import pytest

from certify.core.imports import NEEDS_RATIONALE
from tests.support.gift_reading import import_gift as _import
from tests.support.gift_reading import one_item as _one
from tests.support.gift_reading import warnings_of as _warnings

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
