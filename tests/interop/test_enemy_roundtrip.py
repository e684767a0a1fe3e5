"""Enemies survive a round trip through the exporters that can carry Certify's metadata (GIFT and QTI 3.0)."""

from __future__ import annotations

import pytest

from certify.core.banks import Bank
from certify.interop.gift import bank_to_gift, gift_to_bank
from certify.interop.qti import read_qti_package, write_qti3_package
from tests.core.test_bank_enemies import _bank, _item, _parse
from tests.support.samples import COMPETENCIES


@pytest.fixture
def bank() -> Bank:
    groups = "enemy_groups:\n  - [RA-1, RA-2, RA-3]\n"
    items = [_item("RA-1", extra="    enemies: [PA-7]\n"), _item("RA-2"), _item("RA-3"), _item("RA-4")]
    parsed, problems = _parse(_bank("rt", "RA", items, groups))
    assert problems == [] and parsed is not None
    return parsed


def _enemies(bank: Bank) -> dict[str, tuple[str, ...]]:
    return {item.ref: item.enemies for item in bank.items}


def test_gift_round_trip_keeps_enemies(bank: Bank):
    text, _warnings = bank_to_gift(bank)
    assert '"enemies":["PA-7","RA-2","RA-3"]' in text
    again, problems = gift_to_bank(text, "rt.gift", competencies=COMPETENCIES, bank_id="rt", title="Round trip")
    assert problems == [] and again is not None
    assert (
        _enemies(again)
        == _enemies(bank)
        == {
            "RA-1": ("PA-7", "RA-2", "RA-3"),
            "RA-2": ("RA-1", "RA-3"),
            "RA-3": ("RA-1", "RA-2"),
            "RA-4": (),
        }
    )
    assert [i.content() for i in again.items] == [i.content() for i in bank.items]


def test_qti_round_trip_keeps_enemies(bank: Bank):
    data, _warnings = write_qti3_package(bank)
    again, problems = read_qti_package(data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip")
    assert problems == [] and again is not None
    assert _enemies(again) == _enemies(bank)
    assert [i.content() for i in again.items] == [i.content() for i in bank.items]
