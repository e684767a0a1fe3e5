"""Canvas exports (QTI 1.2) come in with their keys, credit rules, feedback and images; every loss is named."""

from __future__ import annotations

import base64
from functools import cache

import markdown
import pytest

from certify.core.imports import NEEDS_RATIONALE
from certify.core.items import item_type
from certify.interop.qti12 import read_qti12, read_qti12_package
from tests.support.qti12_canvas import (
    BANK_ID,
    BANK_TITLE,
    QUIZ_TITLE,
    Answer,
    Question,
    bank_document,
    quiz_document,
    tiny_png,
    zipped,
)
from tests.support.qti12_samples import (
    BANK_COPY,
    BASELINE,
    COACHING_VIDEO,
    COMPETENCIES,
    FCR,
    FCR_RATE,
    HANDLE_TARGET,
    HANDLE_TIME,
    HOLD_CAUSES,
    LEVELS,
    SKIPPED,
    SUCCESS_CASES,
    WRAP_UP,
    canvas_course_export,
    canvas_quiz_export,
)


def read_package(data: bytes, **options):
    settings = {"competencies": COMPETENCIES, "bank_id": "helpdesk", "title": "Help desk", "default_competency": "PA"}
    return read_qti12_package(data, "course.imscc", **{**settings, **options})


@cache
def course():
    bank, problems = read_package(canvas_course_export())
    assert bank is not None, problems
    return bank, problems


def imported(question: Question):
    bank, _problems = course()
    return next(item for item in bank.items if item.ref == question.ident)


def problems_about(question: Question | str, severity: str):
    ref = question if isinstance(question, str) else question.ident
    return [p for p in course()[1] if p.item == ref and p.severity == severity]


def test_the_course_export_brings_each_question_once_quizzes_first():
    bank, _problems = course()
    expected = [FCR, HANDLE_TIME, HOLD_CAUSES, BASELINE, FCR_RATE, HANDLE_TARGET, WRAP_UP, LEVELS, COACHING_VIDEO]
    assert [item.ref for item in bank.items] == [q.ident for q in expected] + [SUCCESS_CASES.ident]
    assert (bank.id, bank.title, bank.file) == ("helpdesk", "Help desk", "course.imscc")
    assert all(item.status == "draft" and item.bloom == "apply" for item in bank.items)


def test_the_bank_copy_of_a_quiz_question_is_named_and_not_imported_twice():
    (warning,) = problems_about(BANK_COPY, "warning")
    assert FCR.ident in warning.message and "imported" in warning.message
    assert warning.file == "course.imscc/non_cc_assessments/g9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b.xml.qti"


def test_competency_comes_from_the_quiz_or_the_bank_title():
    assert imported(FCR).competency == "PA"  # the quiz title matches no competency: the default applies
    assert imported(SUCCESS_CASES).competency == "EV"  # the bank is titled like the competency
    bank, _problems = read_package(canvas_course_export(), default_competency="", category_map={QUIZ_TITLE: "SS"})
    assert bank is not None
    assert {item.competency for item in bank.items} == {"SS", "EV"}


def test_without_a_default_the_quiz_questions_ask_for_their_category():
    bank, problems = read_package(canvas_course_export(), default_competency="")
    # the quiz's copy stayed out, so the bank's copy of the same question comes in, with the bank's competency
    assert bank is not None and [item.ref for item in bank.items] == [BANK_COPY, SUCCESS_CASES.ident]
    assert {item.competency for item in bank.items} == {"EV"}
    asked = [p for p in problems if p.category]
    assert {p.category for p in asked} == {QUIZ_TITLE}
    assert {p.item for p in asked} >= {FCR.ident, LEVELS.ident} and all(p.severity == "skip" for p in asked)
    assert BANK_TITLE not in {p.category for p in asked}


def test_multiple_choice_keeps_key_option_feedback_general_feedback_and_html():
    item = imported(FCR)
    assert item.type == "single_choice" and item.body["key"] == "4821"
    assert item.title == "First-contact resolution baseline"
    rationales = {o["id"]: o["rationale"] for o in item.body["options"]}
    assert rationales == {
        "4821": "It is the baseline the sponsor tracks.",
        "9310": "That is the target, not the starting point.",
        "2207": "",
        "6645": "",
    }
    assert item.rationale == "A result is measured against the value it had <em>before</em> anything changed."
    assert "measured <strong>against</strong>?" in item.stem
    assert item.kind.score(item.body, "4821") == 1.0 and item.kind.score(item.body, "9310") == 0.0


def test_the_course_image_travels_with_the_bank_and_the_stem_shows_it():
    bank, _problems = course()
    item = imported(FCR)
    ((digest, media),) = bank.media.items()
    assert media.data == tiny_png() and media.mime == "image/png" and media.name == "fcr-trend.png"
    assert f"![FCR by month, flat at 61%](media:{digest})" in item.stem
    html = markdown.markdown(item.stem)  # the renderer must see the image, not raw HTML around it
    assert f'<img alt="FCR by month, flat at 61%" src="media:{digest}" />' in html


def test_losses_are_warnings_naming_the_item():
    messages = [p.message for p in problems_about(FCR, "warning")]
    assert any("feedback for a wrong answer" in m and "dropped" in m for m in messages)
    assert any("worth 2 points in Canvas" in m and "equally" in m for m in messages)
    video = " ".join(p.message for p in problems_about(COACHING_VIDEO, "warning"))
    assert "missing.png" in video and "not in the export" in video
    assert "iframe" in video
    assert "\\[image: coaching rubric\\]" in imported(COACHING_VIDEO).stem


def test_true_false_takes_the_right_answer_feedback_as_rationale_with_a_warning():
    item = imported(HANDLE_TIME)
    assert item.type == "true_false" and item.body["key"] is False
    assert item.body["wrong_rationale"] == "Handle time also depends on tools, call mix and incentives."
    assert item.rationale.startswith("Training changes what agents know")
    (warning,) = problems_about(HANDLE_TIME, "warning")
    assert "feedback for a right answer became the rationale" in warning.message


def test_multiple_answers_score_as_canvas_does_right_minus_wrong_never_below_zero():
    item = imported(HOLD_CAUSES)
    assert item.type == "multiple_response" and item.body["scoring"] == "partial"
    assert item.body["key"] == ["5101", "5102", "5105"]
    score = item.kind.score
    assert score(item.body, ["5101", "5102", "5105"]) == 1.0
    assert score(item.body, ["5101", "5102"]) == pytest.approx(2 / 3)
    assert score(item.body, ["5101", "5102", "5105", "5103"]) == pytest.approx(2 / 3)
    assert score(item.body, ["5101", "5103", "5104"]) == 0.0


def test_a_question_without_feedback_is_a_marked_draft_and_the_file_says_so_once():
    assert imported(HOLD_CAUSES).rationale == NEEDS_RATIONALE
    notes = [p for p in course()[1] if "without a rationale" in p.message]
    assert len(notes) == 1 and notes[0].message.startswith("1 item(s) came from Canvas QTI 1.2")
    assert notes[0].file == "course.imscc"


def test_fill_in_the_blank_accepts_every_answer_ignoring_case():
    item = imported(BASELINE)
    assert item.type == "short_answer" and item.body["accepted"] == ["baseline", "a baseline"]
    assert item.kind.score(item.body, "BaseLine") == 1.0 and item.kind.score(item.body, "target") == 0.0
    (warning,) = problems_about(BASELINE, "warning")
    assert "the answer 'baseline'" in warning.message and "dropped" in warning.message


@pytest.mark.parametrize(
    ("question", "body", "inside", "outside"),
    [
        (FCR_RATE, {"value": 60.0, "tolerance": 0.5}, 60.5, 60.6),
        (HANDLE_TARGET, {"min": 6.0, "max": 7.5}, 7.5, 5.9),
        (WRAP_UP, {"value": 13.4, "tolerance": 0.05}, 13.44, 13.0),
    ],
)
def test_numerical_answers_keep_exact_margin_range_and_precision(question, body, inside, outside):
    item = imported(question)
    assert item.type == "numeric" and {k: item.body[k] for k in body} == pytest.approx(body)
    assert item.kind.score(item.body, inside) == 1.0 and item.kind.score(item.body, outside) == 0.0


def test_a_second_accepted_number_is_reported_as_dropped():
    (warning,) = problems_about(WRAP_UP, "warning")
    assert "accepts 2 answers" in warning.message and "13 dropped" in warning.message


def test_matching_keeps_pairs_their_feedback_and_every_distractor():
    item = imported(LEVELS)
    assert item.type == "matching" and item.body["scoring"] == "partial"
    pairs = [(p["left"], p["right"]) for p in item.body["pairs"]]
    assert pairs == [
        ("Post-coaching survey score", "Reaction"),
        ("Quiz on the escalation policy", "Learning"),
        ("Escalations handled without a supervisor", "Behaviour"),
    ]
    assert item.body["pairs"][0]["rationale"] == "A survey asks how people felt."
    assert [d["text"] for d in item.body["distractors"]] == ["Return on investment", "Engagement"]
    two_right = {"p1": "p1", "p2": "p2", "p3": "d1"}
    assert item.kind.score(item.body, two_right) == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("question", "reason"),
    list(
        zip(
            SKIPPED,
            ["several blanks", "several blanks", "essay", "file upload", "no question", "formula"],
            strict=True,
        )
    ),
)
def test_types_certify_cannot_score_are_skipped_with_the_reason(question, reason):
    (skipped,) = problems_about(question, "skip")
    assert reason in skipped.message and skipped.message.startswith(f"{question.ident}: ")
    assert skipped.line > 0


def test_the_common_cartridge_copy_of_the_quiz_is_not_read():
    _bank, problems = course()
    assert not any("assessment_qti.xml" in p.file for p in problems)


def test_a_quiz_export_reads_the_same_quiz():
    bank, problems = read_package(canvas_quiz_export())
    assert bank is not None
    assert [item.ref for item in bank.items][:3] == [FCR.ident, HANDLE_TIME.ident, HOLD_CAUSES.ident]
    assert not any(p.severity == "error" for p in problems)
    assert bank.media == {}  # the quiz export has no course files: the image is reported
    assert any(p.item == FCR.ident and "fcr-trend.png" in p.message for p in problems)


def test_partial_credit_on_a_choice_becomes_option_credit():
    scoring = (
        '<respcondition continue="No"><conditionvar><varequal respident="response1">1</varequal></conditionvar>'
        '<setvar action="Set" varname="SCORE">100</setvar></respcondition>'
        '<respcondition continue="No"><conditionvar><varequal respident="response1">2</varequal></conditionvar>'
        '<setvar action="Set" varname="SCORE">50</setvar></respcondition>'
    )
    answers = [Answer("1", "The sponsor's metric"), Answer("2", "A proxy metric"), Answer("3", "Attendance")]
    question = Question("ipartial", "Partial", "multiple_choice_question", "<p>Which?</p>", answers, scoring=scoring)
    bank, _problems = read_qti12(
        quiz_document([question]),
        "quiz.xml",
        competencies=COMPETENCIES,
        bank_id="q",
        title="Q",
        default_competency="PA",
    )
    assert bank is not None
    (item,) = bank.items
    assert item.body["key"] == "1" and item.body["credit"] == {"2": 0.5}
    assert item_type("single_choice").score(item.body, "2") == 0.5


def test_ids_that_are_not_valid_or_repeat_get_positional_ids():
    first = Question(
        "bad id!", "One", "multiple_choice_question", "<p>One?</p>", [Answer("1", "a", 100), Answer("2", "b")]
    )
    again = Question(
        "ione", "Two", "multiple_choice_question", "<p>Two?</p>", [Answer("1", "a", 100), Answer("2", "b")]
    )
    twice = Question(
        "ione", "Three", "multiple_choice_question", "<p>3?</p>", [Answer("1", "a", 100), Answer("2", "b")]
    )
    bank, problems = read_qti12(
        quiz_document([first, again, twice]),
        "quiz.xml",
        competencies=COMPETENCIES,
        bank_id="q",
        title="Q",
        default_competency="PA",
    )
    assert bank is not None
    assert [item.ref for item in bank.items] == ["q-001", "ione", "q-003"]
    assert [item.title for item in bank.items] == ["One", "Two", "Three"]
    assert any(p.item == "q-003" and "already used" in p.message for p in problems)


def test_a_single_document_cannot_bring_its_images_and_says_so():
    bank, problems = read_qti12(
        quiz_document([FCR]), "quiz.xml", competencies=COMPETENCIES, bank_id="q", title="Q", default_competency="PA"
    )
    assert bank is not None and bank.media == {}
    assert any(p.item == FCR.ident and "import the whole export" in p.message for p in problems)


def group_quiz(bank_ident: str) -> bytes:
    group = (
        f'<section ident="g1" title="Drawn from the bank"><selection_ordering><selection>'
        f"<sourcebank_ref>{bank_ident}</sourcebank_ref><selection_number>2</selection_number>"
        "</selection></selection_ordering></section>"
    )
    return quiz_document([HOLD_CAUSES]).replace(b"</section></assessment>", f"{group}</section></assessment>".encode())


def test_a_question_group_drawing_from_a_bank_left_out_of_the_export_is_reported():
    bank, problems = read_qti12(
        group_quiz(BANK_ID), "quiz.xml", competencies=COMPETENCIES, bank_id="q", title="Q", default_competency="PA"
    )
    assert bank is not None and [item.ref for item in bank.items] == [HOLD_CAUSES.ident]
    (warning,) = [p for p in problems if "question bank" in p.message]
    assert "'Drawn from the bank'" in warning.message and BANK_ID in warning.message
    package = zipped({"quiz.xml": group_quiz(BANK_ID), "bank.xml.qti": bank_document([SUCCESS_CASES])})
    bank, problems = read_package(package)
    assert bank is not None and len(bank.items) == 2
    assert not [p for p in problems if "question bank" in p.message]


def test_an_inline_image_comes_with_a_single_document():
    encoded = base64.b64encode(tiny_png(200)).decode()
    stem = f'<p>Read the chart.</p><p><img src="data:image/png;base64,{encoded}" alt="close rate"></p>'
    answers = [Answer("1", "Rising", 100), Answer("2", "Falling")]
    question = Question("iinline", "Inline", "multiple_choice_question", stem, answers, neutral="<p>It rises.</p>")
    bank, problems = read_qti12(
        quiz_document([question]),
        "quiz.xml",
        competencies=COMPETENCIES,
        bank_id="q",
        title="Q",
        default_competency="PA",
    )
    assert bank is not None and not problems
    ((digest, media),) = bank.media.items()
    assert media.data == tiny_png(200) and f"![close rate](media:{digest})" in bank.items[0].stem
