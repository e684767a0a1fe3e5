"""Aiken import: draft single-choice items (reviewed before use) with a placeholder rationale, or every error."""

from __future__ import annotations

import pytest

from certify.interop.aiken import PLACEHOLDER_RATIONALE, aiken_to_bank

COMPETENCIES = {"RA", "PA"}

GOOD = """\
What does ROI compare?
A. Net benefits with programme costs
B. Benefits with the number of learners
C. Costs with the training budget
ANSWER: A

A sales director asks for a negotiation course.
Which question comes first?
A) Which dates suit the team
B) Which sales figures should change
ANSWER: B
Which Kirkpatrick level measures results?
A. Level 1
B. Level 2
C. Level 4
D. Level 3
ANSWER: C
"""


def read(text: str, **overrides):
    options = {
        "competencies": COMPETENCIES,
        "bank_id": "aik",
        "title": "Aiken import",
        "default_competency": "RA",
    }
    options.update(overrides)
    return aiken_to_bank(text, "quiz.txt", **options)


def errors(text: str, **overrides) -> list[tuple[int, str]]:
    """A file that cannot be read at all: no bank, only errors."""
    bank, problems = read(text, **overrides)
    assert bank is None
    assert problems
    assert all(p.severity == "error" and p.file == "quiz.txt" for p in problems)
    return [(p.line, p.message) for p in problems]


def skipped(text: str, **overrides) -> list[tuple[int, str]]:
    """Questions left out (the rest of the file is still read): their lines and reasons."""
    bank, problems = read(text, **overrides)
    assert bank is not None
    assert not any(p.severity == "error" for p in problems)
    left = [p for p in problems if p.severity == "skip"]
    assert left and all(p.file == "quiz.txt" and p.item for p in left)
    return [(p.line, p.message.removeprefix(f"{p.item}: ")) for p in left]


def test_good_file_becomes_draft_single_choice_items():
    bank, problems = read(GOOD)
    assert bank is not None
    assert (bank.id, bank.title, bank.purpose, bank.file) == ("aik", "Aiken import", "certification", "quiz.txt")
    assert [item.ref for item in bank.items] == ["aik-001", "aik-002", "aik-003"]
    first, second, third = bank.items
    assert first.content() == {
        "ref": "aik-001",
        "type": "single_choice",
        "competency": "RA",
        "bloom": "understand",
        "status": "draft",
        "title": "",
        "stem": "What does ROI compare?",
        "rationale": PLACEHOLDER_RATIONALE,
        "references": [],
        "shuffle": True,
        "allow_all_none": False,
        "body": {
            "options": [
                {"id": "a", "text": "Net benefits with programme costs", "rationale": ""},
                {"id": "b", "text": "Benefits with the number of learners", "rationale": ""},
                {"id": "c", "text": "Costs with the training budget", "rationale": ""},
            ],
            "key": "a",
        },
    }
    assert second.stem == "A sales director asks for a negotiation course.\nWhich question comes first?"
    assert second.body["key"] == "b"
    assert [o["text"] for o in second.body["options"]] == [
        "Which dates suit the team",
        "Which sales figures should change",
    ]
    assert third.body["key"] == "c" and len(third.body["options"]) == 4
    assert first.line == 1 and second.line == 7 and third.line == 12
    (warning,) = problems
    assert warning.severity == "warning"
    assert "3 item(s)" in warning.message and "rationale" in warning.message


def test_options_and_bloom_and_crlf_with_bom():
    text = "\ufeffIs this a question?\r\nA. Yes\r\nB. No\r\nanswer: b\r\n"
    bank, problems = read(text, default_bloom="remember")
    assert bank is not None
    (item,) = bank.items
    assert item.bloom == "remember"
    assert item.body["key"] == "b"
    assert [p.severity for p in problems] == ["warning"]


def test_empty_file():
    assert errors("") == [(1, "the file is empty: no Aiken questions found")]
    assert errors("\n  \n\t\n") == [(1, "the file is empty: no Aiken questions found")]


def test_missing_answer_line_is_reported_and_reading_continues():
    text = "First question?\nA. One\nB. Two\n\nSecond question?\nA. Three\nB. Four\nANSWER: C\n"
    assert skipped(text) == [
        (1, "question 1: question has no `ANSWER:` line"),
        (5, "question 2: answer C is not one of the options (A, B) (line 8)"),
    ]


def test_missing_answer_at_end_of_file():
    assert skipped("Question?\nA. One\nB. Two\n") == [(1, "question 1: question has no `ANSWER:` line")]


def test_answer_letter_not_among_options():
    assert skipped("Question?\nA. One\nB. Two\nANSWER: E\n") == [
        (1, "question 1: answer E is not one of the options (A, B) (line 4)")
    ]


def test_answer_must_be_one_letter():
    ((line, message),) = skipped("Question?\nA. One\nB. Two\nC. Three\nANSWER: A, C\n")
    assert line == 1 and "(line 5)" in message
    assert "one option letter" in message


@pytest.mark.parametrize("options", ["", "A. Only one\n"])
def test_fewer_than_two_options(options):
    count = options.count("\n")
    assert skipped(f"Question?\n{options}ANSWER: A\n") == [
        (1, f"question 1: question has {count} option(s); Aiken needs at least 2")
    ]


def test_duplicate_option_letters():
    text = "Question?\nA. One\nB. Two\nA. Three\nANSWER: A\n"
    assert skipped(text) == [(1, "question 1: option letter A is used twice in this question (line 4)")]


def test_answer_without_question():
    assert errors("ANSWER: A\n") == [
        (1, "no Aiken questions found (line 1: `ANSWER:` line without a question before it)")
    ]
    bank, problems = read("ANSWER: A\n" + GOOD)
    assert bank is not None and len(bank.items) == 3
    assert [(p.line, p.message) for p in problems if p.severity == "skip"] == [
        (1, "line 1: `ANSWER:` line without a question before it")
    ]


def test_several_errors_are_all_reported_in_line_order():
    text = "Q1?\nA. x\nANSWER: A\n\nQ2?\nA. x\nB. y\nB. z\nANSWER: Q\n"
    found = skipped(text)
    assert [line for line, _ in found] == [1, 5]
    assert "(line 8)" in found[1][1] and "(line 9)" in found[1][1]


def test_competency_is_required_and_checked():
    for default in ("", "ZZ"):  # none, or not a competency: every question waits for the admin's choice
        bank, problems = read(GOOD, default_competency=default)
        assert bank is not None and not bank.items
        assert [(p.severity, p.category) for p in problems] == [("skip", "")] * 3
    bank, _ = read(GOOD, default_competency="", category_map={"": "PA"})
    assert bank is not None and {item.competency for item in bank.items} == {"PA"}


def test_bank_id_must_be_an_identifier():
    assert errors(GOOD, bank_id="no spaces please") == [(0, "bank id 'no spaces please' is not a simple identifier")]


def test_invalid_bloom_is_an_error():
    found = skipped(GOOD, default_bloom="memorise")
    assert [line for line, _ in found] == [1, 7, 12]
    assert all("`bloom` must be one of" in message for _, message in found)
