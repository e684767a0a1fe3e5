"""A bank whose items share a case keeps it through every format Certify writes: YAML, GIFT and QTI 3.0."""

from __future__ import annotations

from dataclasses import replace

import pytest

from certify.assessments.formats import bank_to_yaml
from certify.core.banks import Bank, parse_bank
from certify.core.source import load_yaml
from certify.interop.gift import bank_to_gift, gift_to_bank
from certify.interop.qti import read_qti_package, write_qti3_package
from tests.support.qti_packages import members, without_metadata
from tests.support.qti_schemas import package_errors
from tests.support.stimulus_samples import CASE_BANK, CASE_TEXT

CASE = {"id": "crm-case", "title": "The CRM roll-out", "text": CASE_TEXT}


@pytest.fixture(scope="module")
def bank() -> Bank:
    data, _ = load_yaml(CASE_BANK, "case.yaml")
    parsed, problems = parse_bank(data, "case.yaml", {"RA"})
    assert parsed is not None, problems
    return parsed


def test_yaml_export_round_trips_the_stimulus(bank):
    text = bank_to_yaml(bank)
    assert "stimulus:\n    id: crm-case\n    title: The CRM roll-out\n    text: |" in text
    data, problems = load_yaml(text, "again.yaml")
    assert problems == []
    again, problems = parse_bank(data, "again.yaml", {"RA"})
    assert again is not None, problems
    assert [item.content() for item in again.items] == [item.content() for item in bank.items]


def test_gift_keeps_the_stimulus_for_certify_and_says_other_platforms_lose_it(bank):
    text, warnings = bank_to_gift(bank)
    assert [w.message for w in warnings if "stimulus" in w.message] == [
        f"item {ref}: GIFT has no shared stimulus: other platforms will not show its passage (Certify keeps it)"
        for ref in ("C-1", "C-2", "C-3")
    ]
    again, problems = gift_to_bank(text, "case.gift", competencies={"RA"}, bank_id="case", title="Sales case")
    assert again is not None, problems
    assert [item.content() for item in again.items] == [item.content() for item in bank.items]


def test_qti_writes_the_case_once_and_reads_it_back_on_every_item(bank):
    data, warnings = write_qti3_package(bank)
    assert warnings == []
    files = members(data)
    assert [name for name in files if name.startswith("stimuli/")] == ["stimuli/crm-case.xml"]
    assert package_errors(files) == {}
    for name in ("items/C-1.xml", "items/C-2.xml", "items/C-3.xml"):
        assert b'<qti-assessment-stimulus-ref identifier="crm-case" href="../stimuli/crm-case.xml"' in files[name]
    assert files["imsmanifest.xml"].count(b'<dependency identifierref="STIM-crm-case" />') == 3
    again, problems = read_qti_package(data, "case.zip", competencies={"RA"}, bank_id="case", title="Sales case")
    assert again is not None and problems == [], problems
    assert [item.content() for item in again.items] == [item.content() for item in bank.items]
    assert write_qti3_package(again)[0] == data


def test_without_certify_metadata_each_item_still_gets_the_case_from_the_stimulus_resource(bank):
    plain = without_metadata(write_qti3_package(bank)[0])
    again, problems = read_qti_package(
        plain, "case.zip", competencies={"RA"}, bank_id="case", title="Sales case", default_competency="RA"
    )
    assert again is not None and problems == [], problems
    assert [item.stimulus for item in again.items] == [CASE] * 3
    assert [item.stem for item in again.items] == [item.stem for item in bank.items]


def test_two_different_passages_under_one_id_are_both_kept(bank):
    changed = replace(bank.items[2], stimulus={**CASE, "text": "Another case."})
    mixed = Bank(bank.id, bank.title, bank.purpose, (*bank.items[:2], changed), bank.file)
    data, _ = write_qti3_package(mixed)
    assert sorted(name for name in members(data) if name.startswith("stimuli/")) == [
        "stimuli/crm-case.xml",
        "stimuli/crm-case_2.xml",
    ]
    again, problems = read_qti_package(data, "case.zip", competencies={"RA"}, bank_id="case", title="Sales case")
    assert again is not None, problems
    assert [item.content() for item in again.items] == [item.content() for item in mixed.items]
