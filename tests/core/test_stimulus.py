"""A stimulus shared by items: validated with the item, part of its content only when present, shown with it."""

from __future__ import annotations

import pytest

from certify.core import stimulus as stimulus_module
from certify.core.bank_source import item_to_source
from certify.core.banks import ID_PATTERN, Item, parse_bank, parse_item
from certify.core.delivery import Passage, present
from certify.core.source import load_yaml
from tests.support.stimulus_samples import CASE_BANK, CASE_TEXT

SIMPLE = """\
id: Q-1
type: true_false
competency: RA
bloom: apply
stem: The fall is a skill gap.
key: false
wrong_rationale: It followed the new tool.
rationale: The timing points to the tool.
"""


def _item(extra: str = "") -> tuple[Item | None, list]:
    raw, problems = load_yaml(SIMPLE + extra, "q.yaml")
    assert problems == []
    return parse_item(raw, "q.yaml", default_competency="", competencies={"RA"}, fallback_line=1)


def test_every_item_of_the_case_carries_the_same_stimulus():
    data, _ = load_yaml(CASE_BANK, "case.yaml")
    bank, problems = parse_bank(data, "case.yaml", {"RA"})
    assert bank is not None, problems
    expected = {"id": "crm-case", "title": "The CRM roll-out", "text": CASE_TEXT}
    assert [item.stimulus for item in bank.items] == [expected] * 3
    assert all(item.content()["stimulus"] == expected for item in bank.items)


def test_an_item_without_a_stimulus_keeps_the_content_and_hash_it_had():
    item, _ = _item()
    assert item is not None and item.stimulus is None
    assert "stimulus" not in item.content()
    assert "stimulus" not in item_to_source(item)
    # The hash is over exactly the fields items had before stimuli existed.
    assert set(item.content()) == {
        *("ref", "type", "competency", "bloom", "status", "title", "stem", "rationale"),
        *("references", "shuffle", "allow_all_none", "body"),
    }


def test_a_stimulus_changes_the_hash_and_survives_content_and_source_round_trips():
    plain, _ = _item()
    with_case, problems = _item("stimulus: {id: crm-case, text: 'Sales fell after the CRM roll-out.'}\n")
    assert with_case is not None, problems
    assert with_case.stimulus == {"id": "crm-case", "title": "", "text": "Sales fell after the CRM roll-out."}
    assert with_case.content_hash() != plain.content_hash()
    assert Item.from_content(with_case.content()) == with_case
    assert item_to_source(with_case)["stimulus"] == {"id": "crm-case", "text": "Sales fell after the CRM roll-out."}


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("stimulus: The CRM case\n", "`stimulus` must be a mapping with an `id` and a `text`"),
        ("stimulus: {id: crm case, text: x}\n", "`stimulus` `id` may use letters, digits"),
        ("stimulus: {id: crm, text: '  '}\n", "stimulus crm has no `text`"),
        ("stimulus: {id: crm, text: [a]}\n", "the `id`, `title` and `text` of a `stimulus` must be text"),
        ("stimulus: {id: crm, text: x, source: y}\n", "`stimulus` has unknown field(s) source"),
    ],
)
def test_a_malformed_stimulus_is_reported_at_its_line(yaml, message):
    item, problems = _item(yaml)
    assert item is None
    (problem,) = problems
    assert problem.line == SIMPLE.count("\n") + 1
    assert problem.message.startswith(f"item Q-1: {message}")


def test_stimulus_ids_follow_the_item_id_rule():
    assert stimulus_module._ID.pattern == ID_PATTERN.pattern


def test_the_presentation_carries_the_stimulus_and_nothing_else_changes():
    item, _ = _item("stimulus: {id: crm-case, title: The case, text: '**Sales** fell.'}\n")
    plain, _ = _item()
    shown = present(item.content(), "seed")
    assert shown.stimulus == Passage("crm-case", "The case", "**Sales** fell.")
    assert present(plain.content(), "seed").stimulus is None
    assert shown.options == present(plain.content(), "seed").options
