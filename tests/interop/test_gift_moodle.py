"""A bank exported from Moodle as GIFT (tests/support/moodle_gift.py) imports with Moodle's meaning.

Each construct is checked for what it becomes (type, key, credit, blank, rationale or marker) and each
question Certify cannot take is a skip naming it, while the rest of the file still imports.
"""

from __future__ import annotations

import pytest

from certify.assessments.formats import read_bank_file
from certify.core.banks import Bank, Item
from certify.core.imports import NEEDS_RATIONALE
from certify.core.source import Problem
from certify.interop.gift import bank_to_gift, gift_to_bank
from tests.support.moodle_gift import MOODLE_GIFT, TEXT, line_of

COMPETENCIES = {"RA": "Results alignment", "EV": "Evaluation and impact", "AD": "Assessment design"}
HELP_DESK = "$course$/top/Default for MID cohort 4/Help desk metrics"


def _read(text: str = MOODLE_GIFT, **options: object) -> tuple[Bank, list[Problem]]:
    bank, problems = gift_to_bank(
        text,
        "questions.txt",
        competencies=COMPETENCIES,
        bank_id="mid4",
        title="MID 4",
        **options,  # type: ignore[arg-type]
    )
    assert bank is not None, problems
    return bank, problems


@pytest.fixture(scope="module")
def imported() -> tuple[dict[str, Item], list[Problem]]:
    bank, problems = _read()
    return {item.ref: item for item in bank.items}, problems


def _notes(problems: list[Problem], ref: str) -> list[str]:
    return [p.message.removeprefix(f"item {ref}: ") for p in problems if p.severity == "warning" and p.item == ref]


def test_every_usable_question_is_imported_in_order(imported):
    items, _ = imported
    assert list(items) == [
        "RA-FCR-01",  # Moodle's id number
        "mid4-002",
        "mid4-003",
        "mid4-004",
        "mid4-005",
        "mid4-006",
        "mid4-007",
        "mid4-008",
        "mid4-009",
        "mid4-010",
        "Tolerance",  # a title that is a valid id is the id
        "mid4-012",
        "mid4-013",
        "mid4-014",
        "mid4-020",
        "mid4-021",
    ]
    assert [item.competency for item in items.values()] == ["RA"] * 5 + ["EV"] * 11
    assert {(item.bloom, item.status) for item in items.values()} == {("apply", "draft")}


def test_unusable_questions_are_skips_naming_them_with_a_reason(imported):
    _, problems = imported
    skips = [
        (p.line, p.item, p.message.removeprefix(f"{p.item}: "), p.category) for p in problems if p.severity == "skip"
    ]
    assert skips == [
        (
            line_of("::Reflective essay"),
            "Reflective essay",
            "an essay question needs a human marker; Certify has no essay item",
            "",
        ),
        (
            line_of("::Read this first"),
            "Read this first",
            "not a question: text without an answer block (a Moodle description)",
            "",
        ),
        (
            line_of("::Cloze attempt"),
            "Cloze attempt",
            "embedded answers (Cloze, such as {1:SHORTANSWER:=...}) are a different question type, not GIFT",
            "",
        ),
        (
            line_of("::Broken brace"),
            "Broken brace",
            "'{' is not closed by '}' before the next '{' (write a literal brace as \\{)",
            "",
        ),
        (line_of("::No key"), "No key", "no answer is marked correct ('=' or a positive %weight%)", ""),
        (
            line_of("::Escalation rate"),
            "Escalation rate",
            f"no competency for category {HELP_DESK!r}; choose one for the category, or set a default competency",
            HELP_DESK,
        ),
    ]
    assert not [p for p in problems if p.severity == "error"]


def test_html_single_choice_keeps_feedback_and_unescapes_moodle_escapes(imported):
    items, problems = imported
    item = items["RA-FCR-01"]
    assert (item.type, item.title, item.line) == ("single_choice", "FCR definition", line_of("::FCR definition::"))
    assert item.stem.startswith("<p>A sales team reports its <b>first-contact resolution</b> (FCR).")
    assert item.body["key"] == "a"
    assert item.body["options"][0] == {
        "id": "a",
        "text": "<p>The share of enquiries settled in the first conversation</p>",
        "rationale": "<p>Right: nothing is handed on.</p>",
    }
    assert '<a href="https://example.org/fcr">' in item.rationale
    assert _notes(problems, "RA-FCR-01") == []


def test_half_credit_option_becomes_single_choice_credit_and_scores_half(imported):
    items, problems = imported
    item = items["mid4-002"]
    assert (item.type, item.body["key"], item.body["credit"]) == ("single_choice", "a", {"b": 0.5})
    assert [item.kind.score(item.body, option) for option in "abcd"] == [1.0, 0.5, 0.0, 0.0]
    assert _notes(problems, "mid4-002") == ["negative weights (-25%) are not kept: a wrong option scores 0"]


def test_missing_word_choice_has_a_blank_and_plain_answers(imported):
    items, _ = imported
    item = items["mid4-003"]
    assert (item.type, item.stem, item.title) == (
        "single_choice",
        "A coach reviews _____ calls per agent per week.",
        "",
    )
    assert [o["text"] for o in item.body["options"]] == ["five", "two", "ten"]
    assert item.body["key"] == "b"
    assert item.rationale == "Two calls a week is what the programme budgeted."


def test_multi_answer_weights_become_multiple_response_with_a_note(imported):
    items, problems = imported
    item = items["mid4-004"]
    assert (item.type, item.body["key"], item.body["scoring"]) == ("multiple_response", ["a", "b"], "partial")
    assert _notes(problems, "mid4-004") == [
        "Moodle's answer weights (50%, 50%, -100%, -100%) are not kept: Certify's partial scoring gives each right "
        "option 1/2 and takes 1/2 away for each wrong one chosen"
    ]


def test_answer_with_only_feedback_is_left_out_and_reported(imported):
    items, problems = imported
    item = items["mid4-005"]
    assert [o["text"] for o in item.body["options"]] == ["The current value of the metric", "The coaching schedule"]
    assert (item.rationale, item.status) == (NEEDS_RATIONALE, "draft")
    assert _notes(problems, "mid4-005") == [
        "answer 3 has no text (Moodle leaves such answers out too) and its feedback 'Completely wrong' was dropped"
    ]


def test_true_false_forms(imported):
    items, problems = imported
    script, smile, level = items["mid4-006"], items["mid4-007"], items["mid4-008"]
    assert script.body == {"key": False, "wrong_rationale": "It can raise it when it answers the follow-up question."}
    assert script.rationale == "Script length and resolution have no fixed relation."
    assert _notes(problems, "mid4-006") == [
        "the feedback for the right answer ('Right.') has no place in Certify and was dropped"
    ]
    assert (smile.body["key"], smile.rationale) == (False, "They measure reaction, Kirkpatrick level 1.")
    assert (level.body["key"], level.rationale) == (True, NEEDS_RATIONALE)


def test_numeric_forms_as_moodle_writes_them(imported):
    items, problems = imported
    target = items["mid4-009"]
    assert {k: target.body[k] for k in ("value", "tolerance", "wrong_answers")} == {
        "value": 6.0,
        "tolerance": 0.0,
        "wrong_answers": [],
    }
    assert _notes(problems, "mid4-009") == [
        "only the first fully correct answer is kept; 6:1 (50%) was dropped",
        "the entry for any other answer has no place in Certify: its feedback 'Completely wrong' was dropped",
    ]
    assert (items["mid4-010"].body["min"], items["mid4-010"].body["max"]) == (2.0, 4.0)
    assert (items["Tolerance"].body["value"], items["Tolerance"].body["tolerance"]) == (1.5, 0.1)
    assert [items["Tolerance"].kind.score(items["Tolerance"].body, x) for x in (1.45, 1.7)] == [1.0, 0.0]


def test_short_answer_weights_wildcards_and_feedback(imported):
    items, problems = imported
    item = items["mid4-012"]
    assert item.body["accepted"] == ["handle time"]
    assert item.body["wrong_answers"] == [
        {"answer": "talk time", "rationale": "Talk time leaves out hold and wrap-up."}
    ]
    score = item.kind.score
    assert [score(item.body, a) for a in ("Handle time", "average handle duration", "talk time")] == [1.0, 1.0, 0.0]
    assert _notes(problems, "mid4-012") == [
        "the answer for anything else ('*') has no place in Certify: its feedback \"Look at the dashboard's "
        'glossary." was dropped'
    ]


def test_missing_word_short_answer_with_escapes(imported):
    items, _ = imported
    item = items["mid4-013"]
    assert item.type == "short_answer"
    assert item.stem == (
        "An agent who settles the enquiry on the first call raises the _____ rate. "
        "Escapes: ~ = # { } and a line\nbreak."
    )
    assert item.body["accepted"] == ["first-contact resolution", "FCR"]


def test_matching_with_a_distractor(imported):
    items, _ = imported
    item = items["mid4-014"]
    assert [(p["left"], p["right"]) for p in item.body["pairs"]] == [
        ("Reaction", "How participants felt"),
        ("Behaviour", "What changed on the job"),
        ("Results", "What changed in the business"),
    ]
    assert [d["text"] for d in item.body["distractors"]] == ["How long the course ran"]


def test_image_missing_from_the_gift_file_is_reported(imported):
    items, problems = imported
    assert "@@PLUGINFILE@@/queue-by-hour.png" in items["mid4-020"].stem
    notes = _notes(problems, "mid4-020")
    assert len(notes) == 1 and "the file 'queue-by-hour.png' it shows is not in the GIFT file" in notes[0]


def test_markdown_stem_and_moodle_answer_format(imported):
    items, _ = imported
    item = items["mid4-021"]
    assert item.stem == "A **help desk** lead asks for *more training*. What do you ask first?"
    assert item.body["options"][0]["text"] == "Which result should change?"


def test_one_warning_for_all_items_without_a_rationale(imported):
    items, problems = imported
    marked = [ref for ref, item in items.items() if item.rationale == NEEDS_RATIONALE]
    assert marked == ["mid4-005", "mid4-008", "mid4-013"]
    file_warnings = [p for p in problems if p.severity == "warning" and not p.item]
    assert [(p.line, p.message.split(" came from")[0]) for p in file_warnings] == [(0, "3 item(s)")]


def test_windows_line_endings_and_bom_read_like_plain_text(imported):
    items, problems = imported
    plain, plain_problems = _read(TEXT)
    assert [i.content() for i in plain.items] == [i.content() for i in items.values()]
    assert plain_problems == problems
    assert not any("\r" in str(item.content()) or "\ufeff" in item.stem for item in items.values())


def test_uploaded_bytes_decode_with_their_bom():
    bank, problems = read_bank_file(
        "questions.gift", MOODLE_GIFT.encode("utf-8"), competencies=COMPETENCIES, default_competency="AD"
    )
    assert bank is not None, problems
    assert bank.items[0].stem.startswith("<p>A sales team")
    escalation = next(i for i in bank.items if i.title == "Escalation rate")
    assert escalation.competency == "AD"  # the default for a category that names no competency, with a warning
    assert any(p.line == line_of(f"$CATEGORY: {HELP_DESK}") and "its questions go to AD" in p.message for p in problems)


def test_category_map_imports_the_unmapped_category():
    bank, problems = _read(category_map={HELP_DESK: "AD"})
    escalation = next(i for i in bank.items if i.title == "Escalation rate")
    assert escalation.competency == "AD"
    assert not [p for p in problems if p.category]


def test_imported_moodle_bank_survives_a_gift_round_trip():
    bank, _ = _read()
    text, _ = bank_to_gift(bank)
    again, problems = gift_to_bank(text, "again.gift", competencies=COMPETENCIES, bank_id="mid4", title="MID 4")
    assert again is not None, problems
    assert [i.content() for i in again.items] == [i.content() for i in bank.items]
    assert not [p for p in problems if p.severity != "warning"]
