"""Reading a Moodle 4.x export (tests/support/moodle/moodle4_export.xml): every type, category, format,
image and feedback, with each question left out and each loss reported by name."""

from __future__ import annotations

from itertools import chain, combinations

import pytest

from certify.core.banks import Bank, Item
from certify.core.imports import NEEDS_RATIONALE
from certify.core.media import media_ref
from certify.core.source import Problem
from certify.interop.moodle_xml import looks_like_moodle_xml, read_moodle_xml
from tests.support.moodle_samples import BADGE, CHART, FLOW, MID_COMPETENCIES, moodle4_export


def read(**options) -> tuple[Bank, list[Problem]]:
    settings = {"bank_id": "mid-moodle", "title": "From Moodle", "default_competency": "", **options}
    bank, problems = read_moodle_xml(moodle4_export(), "mid.xml", competencies=MID_COMPETENCIES, **settings)
    assert bank is not None, problems
    return bank, problems


@pytest.fixture(scope="module")
def imported() -> tuple[Bank, list[Problem]]:
    return read()


@pytest.fixture(scope="module")
def items(imported) -> dict[str, Item]:
    return {item.ref: item for item in imported[0].items}


def messages(problems: list[Problem], ref: str, severity: str = "warning") -> list[str]:
    return [p.message for p in problems if p.item == ref and p.severity == severity]


def test_each_supported_question_becomes_an_item_of_its_type_in_file_order(imported):
    bank, _ = imported
    assert [(i.ref, i.type, i.competency) for i in bank.items] == [
        ("RA-FCR-01", "single_choice", "RA"),
        ("RA-KPM-02", "multiple_response", "RA"),
        ("RA-NEED-03", "multiple_response", "RA"),
        ("RA-TF-04", "true_false", "RA"),
        ("mid-moodle-005", "short_answer", "PA"),  # no idnumber: numbered by its place in the file
        ("PA-AHT-02", "numeric", "PA"),
        ("PA-BEM-03", "matching", "PA"),
        ("PA-MAP-04", "ordering", "PA"),
        ("mid-moodle-009", "single_choice", "SS"),
        ("SS-TRAIN-02", "single_choice", "SS"),
        ("SS-OBST-03", "single_choice", "SS"),
        ("SS-TF-04", "true_false", "SS"),
        ("mid-moodle-022", "true_false", "RA"),
    ]
    assert all(i.bloom == "apply" and i.status == "draft" for i in bank.items)  # other platforms' items start as drafts
    assert bank.items[0].title == "FCR before the course"


def test_unsupported_types_are_skipped_each_with_its_reason(imported):
    _, problems = imported
    skipped = {p.item: p.message for p in problems if p.severity == "skip"}
    assert skipped["mid-moodle-013"].endswith(
        "'Describe a performance gap': essay questions are scored by people; Certify scores portfolios for that"
    )
    assert "not a question" in skipped["mid-moodle-014"]
    assert "embedded-answer (Cloze)" in skipped["mid-moodle-015"]
    assert "drag-and-drop into text" in skipped["mid-moodle-016"]
    assert "select-missing-words" in skipped["mid-moodle-017"]
    assert "calculated questions draw random values" in skipped["mid-moodle-018"]
    assert "random short-answer matching" in skipped["mid-moodle-019"]
    assert "type 'coderunner' is not one Certify can import" in skipped["mid-moodle-020"]
    essay = next(p for p in problems if p.item == "mid-moodle-013")
    assert str(essay).startswith("mid.xml:529: skipped: mid-moodle-013: Moodle question 'Describe a performance gap'")


def test_a_category_that_names_no_competency_is_offered_for_mapping(imported):
    _, problems = imported
    (asked,) = [p for p in problems if p.category]
    assert (asked.severity, asked.item, asked.category) == ("skip", "SALES-1", "Sales onboarding/Week 3 quiz")


def test_the_admins_category_mapping_and_the_default_competency_apply():
    bank, problems = read(category_map={"Sales onboarding/Week 3 quiz": "CP"})
    assert next(i for i in bank.items if i.ref == "SALES-1").competency == "CP"
    assert not [p for p in problems if p.category]
    bank, _ = read(default_competency="EV")
    assert next(i for i in bank.items if i.ref == "SALES-1").competency == "EV"


def test_single_choice_with_a_fifty_percent_option_earns_half(items):
    item = items["RA-FCR-01"]
    assert item.body["key"] == "a" and item.body["credit"] == {"b": 0.5}
    assert [item.kind.score(item.body, answer) for answer in "abcd"] == [1.0, 0.5, 0.0, 0.0]


def _subsets(ids: list[str]):
    return chain.from_iterable(combinations(ids, size) for size in range(1, len(ids) + 1))


def test_multiple_answers_score_as_moodle_adds_up_their_fractions(items, imported):
    item = items["RA-KPM-02"]  # fractions 50, 50, -50, -50
    moodle = {"a": 0.5, "b": 0.5, "c": -0.5, "d": -0.5}
    assert item.body["key"] == ["a", "b"] and item.body["scoring"] == "partial"
    for chosen in _subsets(["a", "b", "c", "d"]):
        expected = min(1.0, max(0.0, sum(moodle[c] for c in chosen)))
        assert item.kind.score(item.body, list(chosen)) == pytest.approx(expected), chosen
    assert messages(imported[1], "RA-KPM-02") == []


def test_fractions_certify_cannot_score_the_same_way_are_reported(items, imported):
    assert items["RA-NEED-03"].body["key"] == ["a", "b"]
    warnings = messages(imported[1], "RA-NEED-03")
    assert any("(50%, 50%, 0%, -100%) are scored by Certify's partial rule" in m for m in warnings)
    assert any("default mark 2.0000000 is not kept" in m for m in warnings)
    assert any("answer numbering '123'" in m for m in warnings)
    assert items["RA-NEED-03"].shuffle is False


def test_true_false_feedback_becomes_the_wrong_answers_rationale(items, imported):
    item = items["RA-TF-04"]
    assert item.body == {"key": False, "wrong_rationale": "Completions count activity, not its effect on the metric."}
    assert item.stem == "A rise in **course completions** shows that the business result has improved."  # markdown
    assert messages(imported[1], "RA-TF-04") == [
        "RA-TF-04: the feedback on the correct answer has no place in Certify and was dropped"
    ]


def test_short_answer_wildcards_become_patterns_and_wrong_answers_keep_feedback(items, imported):
    item = items["mid-moodle-005"]
    body = item.body
    assert body["accepted"] == ["the work environment"] and body["patterns"] == ["environment.*"]
    assert body["case_sensitive"] is False
    assert body["wrong_answers"][1] == {
        "answer": "individual",
        "rationale": "The individual row comes after the environment.",
    }
    assert item.kind.score(body, "Environment row") == 1.0 and item.kind.score(body, "individual") == 0.0
    assert item.title == "Where to look first"
    warnings = messages(imported[1], "mid-moodle-005")
    assert any("partial-credit answer 'tools' (50%) scores 0" in m for m in warnings)
    assert any("'train*' and its feedback were dropped" in m for m in warnings)


def test_numerical_keeps_its_tolerance_and_base_unit(items, imported):
    item = items["PA-AHT-02"]
    assert (item.body["value"], item.body["tolerance"], item.body["unit"]) == (2.5, 0.1, "minutes")
    assert [item.kind.score(item.body, x) for x in (2.45, 2.6, 2.7)] == [1.0, 1.0, 0.0]
    assert item.body["wrong_answers"][0]["answer"] == 16.5
    warnings = messages(imported[1], "PA-AHT-02")
    assert any("units 'seconds' are not kept" in m for m in warnings)
    assert any("feedback for any other answer has no place" in m for m in warnings)


def test_matching_reads_an_empty_subquestion_as_a_distractor(items, imported):
    body = items["PA-BEM-03"].body
    assert [(p["id"], p["left"]) for p in body["pairs"]] == [
        ("a", "Data (information)"),  # Moodle's wrapping <p> is gone from plain text
        ("b", "Resources (instruments)"),
        ("c", "Incentives"),
    ]
    assert body["distractors"] == [{"id": "d", "text": "A longer induction course", "rationale": ""}]
    warnings = messages(imported[1], "PA-BEM-03")
    assert any("feedback for correct answers has no place" in m for m in warnings)
    assert any("1 hint(s) for further tries were dropped" in m for m in warnings)


def test_ordering_steps_follow_their_fractions_and_grading(items):
    item = items["PA-MAP-04"]
    assert [o["text"] for o in item.body["options"]][:2] == [
        "Agree the measurable business goal",
        "List what people must do on the job",
    ]
    assert item.body["options"][0]["rationale"] == "Everything else is measured against it."
    assert item.body["scoring"] == "positional"  # ABSOLUTE_POSITION


def test_html_stays_html_and_a_wrapping_paragraph_of_plain_text_goes(items):
    assert items["RA-KPM-02"].stem.startswith("<p>Which of these are <em>results</em>")
    options = items["RA-FCR-01"].body["options"]
    assert options[0]["text"] == "The FCR target and how it will be measured"
    assert options[3]["text"] == "<p>A <strong>smile sheet</strong> for the course</p>"
    assert items["mid-moodle-005"].stem.startswith("Handle time at the help desk")  # plain_text, as written


def test_images_travel_in_the_bank_and_the_text_names_them_by_digest(imported, items):
    bank, _ = imported
    chart, badge, flow = (next(m for m in bank.media.values() if m.data == data) for data in (CHART, BADGE, FLOW))
    assert (chart.mime, chart.name) == ("image/png", "fcr trend.png")
    assert f'<img src="{media_ref(chart.digest)}" alt="FCR by month' in items["RA-FCR-01"].stem
    assert media_ref(badge.digest) in items["RA-KPM-02"].body["options"][0]["text"]
    assert items["mid-moodle-009"].stem.endswith(f"\n\n![refund-flow]({media_ref(flow.digest)})")  # <image_base64>
    assert len(bank.media) == 3 and "@@PLUGINFILE@@" not in items["RA-FCR-01"].stem


def test_an_image_that_is_missing_or_not_an_image_is_a_warning_and_the_item_stays(imported, items):
    _, problems = imported
    assert "SS-TRAIN-02: image 'screen.png' is not in the file; its link was left as it was" in messages(
        problems, "SS-TRAIN-02"
    )
    not_an_image = "'job aid.pdf' is not a PNG, JPEG, GIF, WebP or SVG image"
    assert any(not_an_image in m for m in messages(problems, "SS-OBST-03"))
    assert "@@PLUGINFILE@@/job%20aid.pdf" in items["SS-OBST-03"].stem


def test_feedback_becomes_rationales(items, imported):
    item = items["RA-FCR-01"]
    assert item.rationale.startswith("Design starts from the metric the director already watches")
    assert item.body["options"][2]["rationale"] == "That accepts the requested solution before the need is known."
    fallback = items["SS-TRAIN-02"]
    assert fallback.rationale == fallback.body["options"][0]["rationale"]
    assert "SS-TRAIN-02: has no general feedback: the correct answer's feedback is its rationale" in messages(
        imported[1], "SS-TRAIN-02"
    )
    assert messages(imported[1], "RA-FCR-01") == []  # Moodle's default combined feedback loses nothing


def test_items_without_a_rationale_get_the_marker_as_drafts_and_the_file_one_warning(items, imported):
    assert items["SS-OBST-03"].rationale == NEEDS_RATIONALE == items["SS-TF-04"].rationale
    file_level = [p for p in imported[1] if not p.item]
    assert [(p.line, p.severity) for p in file_level] == [(0, "warning")]
    assert file_level[0].message.startswith("2 item(s) came from Moodle XML without a rationale")


def test_a_repeated_idnumber_gets_a_numbered_id_and_a_warning(items, imported):
    assert items["mid-moodle-022"].title == "Baseline before launch"
    assert messages(imported[1], "mid-moodle-022") == [
        "mid-moodle-022: the idnumber 'RA-FCR-01' is taken by the question at line 15; this one gets the id "
        "mid-moodle-022"
    ]


def test_every_problem_names_the_file_a_line_and_its_item(imported):
    _, problems = imported
    assert all(p.file == "mid.xml" and p.line > 0 for p in problems if p.item)
    assert all(p.message.startswith(f"{p.item}: ") for p in problems if p.item)


@pytest.mark.parametrize(
    "head",
    [
        b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n',
        b"\xef\xbb\xbf<quiz>",
        b'<?xml version="1.0"?>\n<!-- exported from Moodle -->\n<!-- question: 0 -->\n<quiz >',
        b"<!DOCTYPE quiz>\n<quiz/>",
    ],
)
def test_moodle_xml_is_recognised_by_its_document_element(head):
    assert looks_like_moodle_xml(head)


@pytest.mark.parametrize(
    "head",
    [b"<assessmentItem/>", b"<quizzes>", b"<!-- <quiz> -->\n<bank/>", b"::Q1:: What? {=yes ~no}", b""],
)
def test_other_files_are_not_moodle_xml(head):
    assert not looks_like_moodle_xml(head)
