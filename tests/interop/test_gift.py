"""GIFT import (gift_to_bank), export (bank_to_gift) and the lossless round trip."""

from __future__ import annotations

from typing import Any

import pytest

from certify.core.banks import Bank, Item, parse_item
from certify.core.source import Located
from certify.interop.gift import GiftError, bank_to_gift, gift_to_bank, parse_gift

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
        "live",
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


# --- round trip ----------------------------------------------------------------------------------


def _item(raw: dict[str, Any], line: int) -> Item:
    located = Located(raw)
    located.line, located.key_lines = line, {}
    item, problems = parse_item(
        located, "bank.yaml", default_competency="RA", competencies=COMPETENCIES, fallback_line=1
    )
    assert item is not None, problems
    return item


ROUND_TRIP_ITEMS: list[dict[str, Any]] = [
    {
        "id": "RA-001",
        "type": "single_choice",
        "bloom": "apply",
        "status": "pilot",
        "title": "Where design starts: {braces} & #hash",
        "stem": "A director asks for a *course*.\n\nWhat do you do **first**? Costs: 5 = 2 + 3; ratio 1:2 ~ ok\n"
        "LaTeX $1 \\neq 0$ and a path C:\\temp\\ and \\{literal}",
        "options": [
            {"id": "x", "text": "Ask which metric should change", "rationale": "Right: start from results."},
            {"id": "y", "text": "[html] agree the outline", "rationale": "Jumps to a solution #1."},
            {"id": "z", "text": "%50% of them: schedule it", "rationale": ""},
        ],
        "key": "x",
        "rationale": "Design starts from the business metric.\n\n- baseline\n- target",
        "references": ["Paramoure, ROI by Design (2014)", 'Quote "x" \\ y'],
        "shuffle": False,
        "allow_all_none": True,
    },
    {
        "id": "RA-002",
        "type": "multiple_response",
        "bloom": "analyze",
        "stem": "Which are business metrics?",
        "options": [
            {"id": "a", "text": "Sales per rep", "rationale": "A metric."},
            {"id": "b", "text": "Course completions", "rationale": "An activity."},
            {"id": "c", "text": "Churn rate", "rationale": "A metric."},
            {"id": "d", "text": "Smile sheets", "rationale": "A reaction."},
        ],
        "key": ["a", "c"],
        "scoring": "per_option",
        "rationale": "Metrics are results the business already tracks.",
    },
    {
        "id": "RA-003",
        "type": "multiple_response",
        "bloom": "remember",
        "stem": "Pick the metric.",
        "options": [
            {"id": "a", "text": "Churn", "rationale": ""},
            {"id": "b", "text": "Hours", "rationale": ""},
            {"id": "c", "text": "Seats", "rationale": ""},
        ],
        "key": ["a"],
        "rationale": "Only churn is a result.",
    },
    {
        "id": "EV-001",
        "competency": "EV",
        "type": "true_false",
        "bloom": "remember",
        "stem": "ROI uses total benefits divided by costs.",
        "key": False,
        "wrong_rationale": "That is the benefit-cost ratio.",
        "rationale": "ROI uses **net** benefits.",
    },
    {
        "id": "EV-002",
        "competency": "EV",
        "type": "matching",
        "bloom": "understand",
        "stem": "Match each level to what it measures.",
        "pairs": [
            {"id": "l1", "left": "Reaction", "right": "Satisfaction", "rationale": "Level 1."},
            {"id": "l2", "left": "Learning", "right": "Knowledge -> skill", "rationale": ""},
            {"id": "l3", "left": "Behaviour", "right": "Transfer", "rationale": "Level 3."},
        ],
        "distractors": [{"id": "x1", "text": "Attendance", "rationale": "Not a level."}],
        "scoring": "all_or_nothing",
        "rationale": "Kirkpatrick's levels.",
    },
    {
        "id": "EV-003",
        "competency": "EV",
        "type": "ordering",
        "bloom": "apply",
        "stem": "Put the evaluation steps in order.",
        "options": [
            {"id": "s1", "text": "Agree the metric", "rationale": "First."},
            {"id": "s2", "text": "Measure the baseline", "rationale": "Second."},
            {"id": "s3", "text": "Deliver -> coach", "rationale": ""},
            {"id": "s4", "text": "Measure again", "rationale": "Last."},
        ],
        "scoring": "positional",
        "rationale": "Baseline before delivery.",
    },
    {
        "id": "EV-004",
        "competency": "EV",
        "type": "short_answer",
        "bloom": "apply",
        "stem": "Write the chain from reaction to results.",
        "accepted": ["reaction -> learning -> behaviour -> results"],
        "wrong_answers": [{"answer": "learning -> reaction", "rationale": "Reaction comes first."}],
        "rationale": "Kirkpatrick's chain of evidence.",
    },
    {
        "id": "AD-001",
        "competency": "AD",
        "type": "short_answer",
        "bloom": "remember",
        "stem": "What does ROI stand for?",
        "accepted": ["Return on investment", "TRUE"],
        "patterns": ["r\\.?o\\.?i\\.?", "return\\s+on\\s+invest(ment)?"],
        "case_sensitive": True,
        "collapse_whitespace": False,
        "wrong_answers": [{"answer": "Rate of interest", "rationale": "That is finance #101."}],
        "rationale": "Return on investment.",
    },
    {
        "id": "AD-002",
        "competency": "AD",
        "type": "short_answer",
        "bloom": "remember",
        "stem": "Name a level.",
        "accepted": [],
        "patterns": ["level\\s*[1-4]"],
        "rationale": "Any level counts.",
    },
    {
        "id": "AD-003",
        "competency": "AD",
        "type": "numeric",
        "bloom": "apply",
        "stem": "Costs 40,000; benefits 100,000. ROI in percent?",
        "value": 150,
        "tolerance": 0.5,
        "unit": "%",
        "wrong_answers": [
            {"answer": 250, "rationale": "Divides total benefits by costs."},
            {"answer": -0.125, "rationale": ""},
        ],
        "rationale": "(100,000 - 40,000) / 40,000 = 150 %.",
    },
    {
        "id": "AD-004",
        "competency": "AD",
        "type": "numeric",
        "bloom": "apply",
        "stem": "A number between -1.5 and 2.25?",
        "range": [-1.5, 2.25],
        "rationale": "Any of them.",
    },
    {
        "id": "AD-005",
        "competency": "RA",
        "type": "numeric",
        "bloom": "apply",
        "stem": "Tiny?",
        "value": 1e-7,
        "rationale": "Small.",
    },
]


@pytest.fixture
def bank() -> Bank:
    items = tuple(_item(dict(raw), line) for line, raw in enumerate(ROUND_TRIP_ITEMS, start=10))
    assert {i.type for i in items} == {
        "single_choice",
        "multiple_response",
        "true_false",
        "matching",
        "ordering",
        "short_answer",
        "numeric",
    }
    return Bank("mid-rt", "Round trip", "certification", items, "banks/rt.yaml")


def test_round_trip_is_lossless(bank: Bank):
    text, warnings = bank_to_gift(bank)
    assert parse_gift(text)
    imported, problems = gift_to_bank(
        text, "rt.gift", competencies=COMPETENCIES, bank_id=bank.id, title=bank.title, default_bloom="create"
    )
    assert problems == []
    assert imported is not None
    assert [i.content() for i in imported.items] == [i.content() for i in bank.items]
    assert all(p.severity == "warning" and p.file == "banks/rt.yaml" for p in warnings)


def test_round_trip_twice_gives_identical_gift(bank: Bank):
    first, _ = bank_to_gift(bank)
    again, _ = gift_to_bank(first, "rt.gift", competencies=COMPETENCIES, bank_id=bank.id, title=bank.title)
    assert again is not None
    second, _ = bank_to_gift(again)
    third_bank, _ = gift_to_bank(second, "rt.gift", competencies=COMPETENCIES, bank_id=bank.id, title=bank.title)
    assert third_bank is not None
    assert second == first
    assert bank_to_gift(third_bank)[0] == first


def test_export_layout_and_warnings(bank: Bank):
    text, warnings = bank_to_gift(bank)
    assert "$CATEGORY: RA\n\n// certify: {" in text
    assert text.count("$CATEGORY:") == 4  # RA, EV, AD, RA
    assert "\n::RA-001::[markdown]A director asks for a *course*.\\n\\nWhat do you do" in text
    assert "####Design starts from the business metric.\\n\\n- baseline\\n- target\n}" in text
    assert "=Ask which metric should change#Right\\: start from results.\n" in text
    assert "~[markdown][html] agree the outline#Jumps to a solution \\#1.\n" in text
    assert "~%0%%50% of them\\: schedule it\n" in text
    assert "$1 \\\\neq 0$ and a path C\\:\\temp\\ and \\\\\\{literal\\}{" in text
    assert "~%50%Sales per rep#A metric.\n~%-50%Course completions#An activity.\n" in text
    assert "\nFALSE#That is the benefit-cost ratio.\n####ROI uses **net** benefits.\n" in text
    assert "=Reaction -> Satisfaction\n=Learning -> Knowledge -> skill\n" in text
    assert "= -> Attendance\n" in text
    assert "=Agree the metric -> 1\n=Measure the baseline -> 2\n" in text
    assert "=Deliver - > coach -> 3\n" in text  # the step itself comes back from `prompts`
    assert "=%0%Rate of interest#That is finance \\#101.\n" in text
    assert "{\n#\n=150:0.5\n=%0%250#Divides total benefits by costs.\n=%0%-0.125\n####" in text
    assert "{\n#-1.5..2.25\n####Any of them.\n}" in text
    assert "{\n#1e-07\n####Small.\n}" in text
    messages = {(p.line, p.message) for p in warnings}
    ordering = "item EV-003: GIFT has no ordering questions: other platforms will see a matching question"
    assert (15, f"{ordering} (step -> place)") in messages
    assert any("shuffle" in m for _, m in messages)
    assert any("per_option" in m for _, m in messages)
    assert any("patterns" in m for _, m in messages)
    assert any("unit" in m for _, m in messages)
    assert (15, "item EV-003: GIFT cannot hold '->' in a prompt: other platforms will see '- >'") in messages
    assert any(line == 16 and "may take it for a matching question" in m for line, m in messages)


def test_export_metadata_is_compact_json(bank: Bank):
    text, _ = bank_to_gift(bank)
    metas = [line for line in text.splitlines() if line.startswith("// certify: ")]
    assert len(metas) == len(bank.items)
    assert metas[3] == '// certify: {"type":"true_false","competency":"EV","bloom":"remember","status":"live"}'
    assert '"ids":["x","y","z"]' in metas[0]
    assert '"references":["Paramoure, ROI by Design (2014)","Quote \\"x\\" \\\\ y"]' in metas[0]


def test_exported_questions_read_as_gift_types(bank: Bank):
    text, _ = bank_to_gift(bank)
    questions = [q for q in parse_gift(text) if q["type"] != "Category"]
    assert [q["type"] for q in questions] == [
        "MC",
        "MC",
        "MC",
        "TF",
        "Matching",
        "Matching",
        "Matching",  # a short answer whose every answer holds '->' reads as matching
        "Short",
        "Essay",  # a short answer with patterns only has no GIFT answers
        "Numerical",
        "Numerical",
        "Numerical",
    ]
    assert all(q["stem"]["format"] == "markdown" and not q["hasEmbeddedAnswers"] for q in questions)
    assert questions[0]["stem"]["text"] == bank.items[0].stem


def test_edited_gift_wins_over_metadata_where_gift_can_say_it(bank: Bank):
    text, _ = bank_to_gift(bank)
    edited = text.replace("=Ask which metric should change", "=Ask which metric must change")
    imported, problems = gift_to_bank(edited, "rt.gift", competencies=COMPETENCIES, bank_id="b", title="B")
    assert imported is not None, problems
    assert imported.items[0].body["options"][0]["text"] == "Ask which metric must change"
