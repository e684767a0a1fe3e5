"""GIFT export (bank_to_gift) and the lossless YAML -> GIFT -> YAML round trip."""

from __future__ import annotations

from typing import Any

import pytest

from certify.core.banks import Bank, Item, parse_item
from certify.core.source import Located
from certify.interop.gift import bank_to_gift, gift_to_bank, parse_gift
from tests.support.gift_reading import COMPETENCIES

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
        "accepted": ["Return on investment", "TRUE", "net benefits * 100 / costs"],
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
    {
        "id": "RA-004",
        "type": "single_choice",
        "bloom": "evaluate",
        "stem": "A help desk's handle time rose after the new script. What do you check first?",
        "options": [
            {"id": "a", "text": "Whether first-contact resolution rose too", "rationale": "The trade-off."},
            {"id": "b", "text": "Which agents skip the script", "rationale": "Useful, but second."},
            {"id": "c", "text": "Call volume by hour", "rationale": "A third of the picture."},
            {"id": "d", "text": "The training attendance list", "rationale": "An activity, not a cause."},
        ],
        "key": "a",
        "credit": {"b": 0.5, "c": 1 / 3},
        "rationale": "Handle time is read against resolution.",
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
    assert "=net benefits \\* 100 / costs\n" in text  # a literal star, not Moodle's wildcard
    assert "{\n#\n=150:0.5\n=%0%250#Divides total benefits by costs.\n=%0%-0.125\n####" in text
    assert "{\n#-1.5..2.25\n####Any of them.\n}" in text
    assert "{\n#1e-07\n####Small.\n}" in text
    assert "=Whether first-contact resolution rose too#The trade-off.\n~%50%Which agents skip the script#" in text
    assert "~%33.33333%Call volume by hour#" in text
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
        "MC",
    ]
    assert all(q["stem"]["format"] == "markdown" and not q["hasEmbeddedAnswers"] for q in questions)
    assert questions[0]["stem"]["text"] == bank.items[0].stem


def test_edited_gift_wins_over_metadata_where_gift_can_say_it(bank: Bank):
    text, _ = bank_to_gift(bank)
    edited = text.replace("=Ask which metric should change", "=Ask which metric must change")
    imported, problems = gift_to_bank(edited, "rt.gift", competencies=COMPETENCIES, bank_id="b", title="B")
    assert imported is not None, problems
    assert imported.items[0].body["options"][0]["text"] == "Ask which metric must change"
