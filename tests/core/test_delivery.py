"""Presenting items: seeded shuffles, opaque ids, mapping answers back, feedback."""

from __future__ import annotations

import pytest

from certify.core.banks import parse_bank
from certify.core.delivery import present, to_internal
from certify.core.feedback import feedback
from certify.core.items import ItemError
from certify.core.source import load_yaml
from tests.support.samples import BANK, COMPETENCIES

ITEMS = {item.ref: item.content() for item in parse_bank(load_yaml(BANK, "b.yaml")[0], "b.yaml", COMPETENCIES)[0].items}


def test_same_seed_same_presentation_and_ids_hide_the_key():
    first, again = present(ITEMS["S-SC"], "seed-1"), present(ITEMS["S-SC"], "seed-1")
    assert first == again
    assert all(option.id.startswith("o") and option.id not in "abc" for option in first.options)
    assert present(ITEMS["S-SC"], "seed-2").options[0].id != first.options[0].id


def test_ordering_is_never_shown_in_the_keyed_order():
    for seed in range(50):
        shown = present(ITEMS["S-OR"], f"s{seed}")
        assert [shown.id_map[s.id] for s in shown.options] != ["s1", "s2", "s3", "s4"]


def test_answers_map_back_to_authored_ids_and_score():
    shown = present(ITEMS["S-SC"], "x")
    right = next(o.id for o in shown.options if shown.id_map[o.id] == "a")
    answer = to_internal(ITEMS["S-SC"], shown, right)
    assert answer == "a" and feedback(ITEMS["S-SC"], answer).correct


def test_matching_answers_map_back():
    shown = present(ITEMS["S-MA"], "x")
    inverse = {real: hidden for hidden, real in shown.id_map.items()}
    answer = {prompt.id: inverse[shown.id_map[prompt.id]] for prompt in shown.prompts}
    assert feedback(ITEMS["S-MA"], to_internal(ITEMS["S-MA"], shown, answer)).score == 1.0


def test_unknown_option_id_is_refused():
    with pytest.raises(ItemError):
        to_internal(ITEMS["S-SC"], present(ITEMS["S-SC"], "x"), "a")


def test_feedback_carries_rationales_and_wrong_answer_notes():
    result = feedback(ITEMS["S-NU"], 250.0)
    assert not result.correct and result.note == "That uses total rather than net benefits."
    assert result.key == "150 % (± 0.5)"
    chosen = feedback(ITEMS["S-SC"], "b")
    assert [o.chosen for o in chosen.options] == [False, True, False]
    assert chosen.options[1].rationale == "That is an output."
