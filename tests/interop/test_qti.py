"""QTI 2.1 and 2.2 import: one hand-written item per supported interaction.

The QTI 3.0 versions of the same items are in test_qti3.py and must import to
the same Certify items (EXPECTED below).
"""

from __future__ import annotations

import pytest

from tests.support.qti_samples import (  # noqa: F401
    COMPETENCIES,
    EXPECTED,
    HEAD,
    ITEMS_2X,
    PLACEHOLDER_ITEMS,
    RP,
    check,
    content,
    option,
    qti2,
    read_one,
)


@pytest.mark.parametrize("version", ["2p1", "2p2"])
@pytest.mark.parametrize("name", sorted(ITEMS_2X))
def test_qti2_interactions(name, version):
    check(qti2(name, version), name)


def test_every_supported_interaction_has_a_sample():
    assert set(ITEMS_2X) == set(EXPECTED)


def test_multiple_choice_with_match_correct_is_all_or_nothing():
    xml = qti2("multiple", "2p1").replace("map_response", "match_correct")
    xml = xml[: xml.index("<mapping")] + xml[xml.index("</mapping>") + len("</mapping>") :]
    item, _ = read_one(xml)
    assert item is not None
    assert item.body["scoring"] == "all_or_nothing"


def test_text_entry_without_mapping_is_case_sensitive():
    xml = qti2("text", "2p2")
    xml = xml[: xml.index("<mapping")] + xml[xml.index("</mapping>") + len("</mapping>") :]
    item, _ = read_one(xml)
    assert item is not None
    assert item.body["accepted"] == ["Level 4"]
    assert item.body["case_sensitive"] is True


def test_defaults_apply_to_foreign_items():
    item, _ = read_one(qti2("choice", "2p1"), default_competency="PA", default_bloom="apply")
    assert item is not None
    assert (item.competency, item.bloom, item.status) == ("PA", "apply", "draft")


def test_identifier_that_is_not_a_valid_id_uses_the_fallback():
    item, _ = read_one(qti2("choice", "2p1").replace('identifier="choice-1"', 'identifier="choice 1 (copy)"'))
    assert item is not None
    assert item.ref == "fallback-001"


def test_title_equal_to_identifier_is_dropped():
    item, _ = read_one(qti2("choice", "2p1").replace('title="Starting point"', 'title="choice-1"'))
    assert item is not None
    assert item.title == ""
