"""GIFT import (gift_to_bank): each question type, categories and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from certify.core.banks import Bank, Item
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
        "understand",
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


def test_one_full_weight_among_partial_is_multiple_response():
    item, _ = _one("Hard{~wrong ~%50%half =full ####Why.}")
    assert (item.type, item.body["key"]) == ("multiple_response", ["b", "c"])


def test_true_false_feedback():
    item, problems = _one("The sun rises in the west.{FALSE#It rises in the east.#Right.####Earth turns eastward.}")
    assert item.type == "true_false"
    assert item.body == {"key": False, "wrong_rationale": "It rises in the east."}
    assert item.rationale == "Earth turns eastward."
    assert any("feedback" in w for w in _warnings(problems))  # the right-answer feedback has no home


def test_true_false_without_general_feedback_uses_right_feedback():
    item, problems = _one("Water is wet.{T#No, it is.#Yes.}")
    assert (item.body["key"], item.rationale) == (True, "Yes.")
    assert any("no general feedback" in w for w in _warnings(problems))


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


def test_unknown_category_without_default_is_an_error_for_each_question():
    bank, problems = _import("$CATEGORY: top/Nowhere\n\n// c\nROI?{=Yes ####Why.}", default_competency="")
    assert bank is None
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.file, p.line) for p in errors] == [("quiz.gift", 4)]
    assert "no competency" in errors[0].message


# --- bad input -----------------------------------------------------------------------------------


def test_unclosed_brace_reports_its_line():
    bank, problems = _import("Fine?{T####Yes.}\n\nBroken? {\n=a\n~b\n\nNext?{T}")
    assert bank is None
    assert [(p.line, p.severity) for p in problems] == [(3, "error")]
    assert "never closed" in problems[0].message or "not closed" in problems[0].message


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


def test_essay_description_and_cloze_are_skipped_with_warnings():
    text = "::Q8:: How are you? {}\n\n::Intro::Read carefully.\n\nGrant is {~buried =entombed} there.\n\nOk?{T####Yes.}"
    bank, problems = _import(text)
    assert bank is not None
    assert [i.type for i in bank.items] == ["true_false"]
    assert [(p.line, p.severity) for p in problems] == [(1, "warning"), (3, "warning"), (5, "warning")]
    assert "'Q8'" in problems[0].message and "essay" in problems[0].message
    assert "description" in problems[1].message
    assert "cloze" in problems[2].message


def test_empty_file():
    for text in ("", "\n\n// only a comment\n", "$CATEGORY: top/RA\n"):
        bank, problems = _import(text)
        assert bank is None
        assert [(p.line, p.severity) for p in problems] == [(1, "error")]
        assert "no questions" in problems[0].message


def test_missing_rationale_is_an_error_with_line():
    bank, problems = _import("Ok?{T}\n\n\nWho?{=a ~b}")
    assert bank is None
    errors = [(p.line, p.message) for p in problems if p.severity == "error"]
    assert [line for line, _ in errors] == [1, 4]
    assert all("no rationale" in message for _, message in errors)


def test_no_correct_answer_is_an_error():
    bank, problems = _import("Who?{~a ~b ####Why.}")
    assert bank is None
    assert "no answer is marked correct" in problems[0].message


def test_item_validation_problems_carry_the_question_line():
    bank, problems = _import("Fine?{T####Yes.}\n\nMR?{~%50%a ~%50%b ####Why.}")
    assert bank is None
    assert [p.line for p in problems] == [3]
    assert "at least 3" in problems[0].message


def test_bad_metadata_comment_is_a_warning():
    item, problems = _one('// certify: {"bloom": "apply", "colour": 1}\nOk?{T####Yes.}')
    assert item.bloom == "apply"
    assert _warnings(problems) == ["ignored unknown `// certify:` field 'colour'"]
    _, problems = _one("// certify: {not json\nOk?{T####Yes.}")
    assert _warnings(problems) == ["ignored a `// certify:` comment that is not a JSON object"]
