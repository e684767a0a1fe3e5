"""QTI 3.0 export: structurally valid packages, deterministic bytes, and exact round trips."""

from __future__ import annotations

import io
import json
import zipfile

import defusedxml.ElementTree as DET
import pytest

from certify.core.banks import Bank, parse_bank
from certify.core.source import load_yaml
from certify.interop.qti import read_qti_package, write_qti3_package

COMPETENCIES = {"RA", "PA", "SS", "OB", "AD"}
QTI = "{http://www.imsglobal.org/xsd/imsqtiasi_v3p0}"
CP = "{http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1}"
EXT = "{https://certify.invalid/qti-ext}"
LOM = "{http://ltsc.ieee.org/xsd/LOM}"
TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"

BANK_YAML = r"""
bank:
  id: rt
  title: Round trip
  purpose: knowledge_check
  description: Every type with every optional field.
items:
  - id: RT-001
    type: single_choice
    competency: RA
    bloom: apply
    status: live
    title: Start from results
    stem: |
      A director asks for a **negotiation** course & says "<now>".
      What do you do first?

      Pick **one**.
    options:
      - {id: a, text: "Ask which figures should change", rationale: "Right: start from the metric."}
      - {id: "2", text: "Agree the outline <now> & dates", rationale: "Jumps to a solution."}
      - {id: c d, text: "Book a room\nand a trainer", rationale: ""}
    key: a
    rationale: |
      Design starts from the business metric.

      - it is already tracked
      - it has a baseline
    references: ["Paramoure (2014)", "Mager (1997)"]
    shuffle: false
    allow_all_none: true
  - id: "002"
    type: multiple_response
    competency: PA
    bloom: analyze
    status: pilot
    title: Causes
    stem: Which are environment causes?
    options:
      - {id: a, text: Missing tools, rationale: Environment.}
      - {id: b, text: Unclear expectations, rationale: Environment.}
      - {id: c, text: Lack of skill, rationale: Performer.}
      - {id: d, text: Low capacity, rationale: Performer.}
    key: [a, b]
    scoring: per_option
    rationale: Environment first.
    references: [Gilbert]
    shuffle: false
    allow_all_none: true
  - id: RT-003
    type: true_false
    competency: PA
    bloom: remember
    status: retired
    title: Motivation
    stem: "Training fixes\x0b motivation problems."
    key: false
    wrong_rationale: Motivation is rarely a skill gap.
    rationale: Consequences drive motivation.
    references: [Mager]
    shuffle: false
    allow_all_none: true
  - id: RT-004
    type: matching
    competency: SS
    bloom: understand
    title: Causes and solutions
    stem: Match each cause to a solution.
    pairs:
      - {id: p1, left: No tool, right: Provide a job aid, rationale: Aids fix information gaps.}
      - {id: p2, left: No skill, right: Train, rationale: Training fixes skill gaps.}
      - {id: p 3, left: No incentive, right: Change the consequences, rationale: People do what is rewarded.}
    distractors:
      - {id: x1, text: Fire someone, rationale: Never the first answer.}
    scoring: all_or_nothing
    rationale: Solutions follow causes.
    references: [Rummler]
    shuffle: false
    allow_all_none: true
  - id: RT-005
    type: ordering
    competency: OB
    bloom: apply
    status: live
    title: Design steps
    stem: Put the steps in order.
    options:
      - {id: s1, text: Find the metric, rationale: First.}
      - {id: s2, text: Analyse causes, rationale: Second.}
      - {id: s3, text: Choose solutions, rationale: Third.}
    scoring: positional
    rationale: Results, causes, solutions.
    references: [ROI by Design]
    shuffle: false
    allow_all_none: true
  - id: RT-006
    type: short_answer
    competency: AD
    bloom: remember
    title: Results level
    stem: Name the Kirkpatrick level for results.
    accepted: ["Level 4", "four"]
    patterns: ['l(evel)?\s*4']
    case_sensitive: true
    collapse_whitespace: false
    wrong_answers:
      - {answer: Level 3, rationale: That is behaviour.}
    rationale: Level 4 is results.
    references: [Kirkpatrick]
    shuffle: false
    allow_all_none: true
  - id: RT-007
    type: numeric
    competency: AD
    bloom: apply
    title: ROI range
    stem: What is the ROI in percent?
    range: [149.5, 150.5]
    unit: "%"
    wrong_answers:
      - {answer: 250, rationale: That uses total benefits.}
    rationale: ROI = net benefits / costs.
    references: [Phillips]
    shuffle: false
    allow_all_none: true
  - id: RT-008
    type: numeric
    competency: AD
    bloom: apply
    title: ROI tolerance
    stem: What is the ROI in percent, to one decimal?
    value: 33.3
    tolerance: 0.05
    unit: "%"
    wrong_answers:
      - {answer: 133.3, rationale: That is the benefit-cost ratio.}
    rationale: ROI = 10 / 30.
    references: [Phillips]
    shuffle: false
    allow_all_none: true
"""


def build_bank() -> Bank:
    """The round-trip bank: one item of each type with every optional field set."""
    data, problems = load_yaml(BANK_YAML, "rt.yaml")
    assert problems == []
    parsed, problems = parse_bank(data, "rt.yaml", COMPETENCIES)
    assert parsed is not None, problems
    assert {item.type for item in parsed.items} == {
        "single_choice",
        "multiple_response",
        "true_false",
        "matching",
        "ordering",
        "short_answer",
        "numeric",
    }
    return parsed


@pytest.fixture(scope="module")
def bank() -> Bank:
    return build_bank()


def reread(data: bytes) -> Bank:
    again, problems = read_qti_package(data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip")
    assert again is not None, problems
    assert problems == []
    return again


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_round_trip_reproduces_every_item(bank):
    data, _ = write_qti3_package(bank)
    again = reread(data)
    assert [item.content() for item in again.items] == [item.content() for item in bank.items]
    assert (again.id, again.title, again.purpose, again.description) == (
        "rt",
        "Round trip",
        "knowledge_check",
        "Every type with every optional field.",
    )


def test_write_read_write_gives_identical_bytes(bank):
    first, _ = write_qti3_package(bank)
    second, _ = write_qti3_package(reread(first))
    assert first == second
    assert write_qti3_package(bank)[0] == first


def test_zip_layout_is_fixed(bank):
    data, _ = write_qti3_package(bank)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == [
        "imsmanifest.xml",
        "certify-metadata.json",
        "items/RT-001.xml",
        "items/ID_002.xml",
        *(f"items/RT-00{n}.xml" for n in range(3, 9)),
    ]
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_export_warns_about_what_other_platforms_lose(bank):
    _, problems = write_qti3_package(bank)
    assert all(p.severity == "warning" and p.file == "rt.yaml" for p in problems)
    assert [p.message for p in problems] == [
        "item 002: `per_option` scoring is exported as map_response partial credit (right minus wrong)",
        "item RT-005: `positional` ordering credit is exported as all-or-nothing",
        "item RT-006: answer patterns (regular expressions) are kept for Certify only; other platforms ignore them",
    ]


def test_manifest_lists_every_item_and_certify_metadata_rides_beside_it(bank):
    files = members(write_qti3_package(bank)[0])
    manifest = DET.fromstring(files["imsmanifest.xml"], forbid_dtd=True)
    assert manifest.tag == CP + "manifest"
    assert not [e for e in manifest.iter() if e.tag.startswith(EXT)]  # nothing of ours where the schema allows none
    assert manifest.find(f"{CP}metadata/{LOM}lom/{LOM}general/{LOM}title/{LOM}string").text == "Round trip"
    *resources, companion = manifest.findall(f"{CP}resources/{CP}resource")
    assert len(resources) == len(bank.items)
    metadata = json.loads(files["certify-metadata.json"])
    assert (companion.get("type"), companion.get("href")) == (
        "associatedcontent/learning-application-resource",
        "certify-metadata.json",
    )
    assert (metadata["format"], metadata["version"], metadata["bank"]["purpose"]) == (
        "certify-qti-metadata",
        1,
        "knowledge_check",
    )
    for resource, item in zip(resources, bank.items, strict=True):
        assert resource.get("type") == "imsqti_item_xmlv3p0"
        assert resource.find(f"{CP}file").get("href") == resource.get("href")
        assert resource.get("href") in files
        assert metadata["items"][resource.get("identifier")]["id"] == item.ref
