"""QTI 3.0 export: structurally valid packages, deterministic bytes, and exact round trips."""

from __future__ import annotations

import io
import json
import re
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


@pytest.fixture(scope="module")
def bank() -> Bank:
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
        "item RT-007: its range is kept for Certify only; other platforms will only accept 150",
        "item RT-008: its tolerance is kept for Certify only; other platforms will only accept 33.3",
    ]


def test_manifest_lists_every_item_with_certify_metadata(bank):
    files = members(write_qti3_package(bank)[0])
    manifest = DET.fromstring(files["imsmanifest.xml"], forbid_dtd=True)
    assert manifest.tag == CP + "manifest"
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    assert len(resources) == len(bank.items)
    for resource, item in zip(resources, bank.items, strict=True):
        assert resource.get("type") == "imsqti_item_xmlv3p0"
        assert resource.find(f"{CP}file").get("href") == resource.get("href")
        assert resource.get("href") in files
        (extension,) = resource.findall(f"{CP}metadata/{EXT}item")
        assert extension.get("version") == "1"
        assert json.loads(extension.text)["id"] == item.ref


INTERACTIONS = {
    "single_choice": ("choice-interaction", "single", "identifier", "match_correct"),
    "multiple_response": ("choice-interaction", "multiple", "identifier", "map_response"),
    "true_false": ("choice-interaction", "single", "identifier", "match_correct"),
    "matching": ("match-interaction", "multiple", "directedPair", "match_correct"),
    "ordering": ("order-interaction", "ordered", "identifier", "match_correct"),
    "short_answer": ("text-entry-interaction", "single", "string", "map_response"),
    "numeric": ("text-entry-interaction", "single", "float", "match_correct"),
}
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def test_items_are_structurally_qti3(bank):
    files = members(write_qti3_package(bank)[0])
    for item in bank.items:
        name = "items/ID_002.xml" if item.ref == "002" else f"items/{item.ref}.xml"
        root = DET.fromstring(files[name], forbid_dtd=True)
        assert root.tag == QTI + "qti-assessment-item"
        assert NCNAME.match(root.get("identifier"))
        assert root.get("title") == item.title
        assert (root.get("adaptive"), root.get("time-dependent")) == ("false", "false")
        children = [child.tag.removeprefix(QTI) for child in root]
        assert children == [
            "qti-response-declaration",
            "qti-outcome-declaration",
            "qti-outcome-declaration",
            "qti-outcome-declaration",
            "qti-item-body",
            "qti-response-processing",
            "qti-modal-feedback",
        ]
        interaction, cardinality, base_type, template = INTERACTIONS[item.type]
        declaration = root.find(QTI + "qti-response-declaration")
        assert (declaration.get("identifier"), declaration.get("cardinality"), declaration.get("base-type")) == (
            "RESPONSE",
            cardinality,
            base_type,
        )
        score = root.find(QTI + "qti-outcome-declaration")
        assert (score.get("identifier"), score.get("cardinality"), score.get("base-type")) == (
            "SCORE",
            "single",
            "float",
        )
        assert root.find(QTI + "qti-response-processing").get("template") == f"{TEMPLATES}{template}.xml"
        (found,) = root.iter(QTI + "qti-" + interaction)
        assert found.get("response-identifier") == "RESPONSE"
        for element in root.iter():
            if element.tag.startswith(QTI + "qti-simple") and element.tag.endswith("choice"):
                assert NCNAME.match(element.get("identifier"))
        for value in declaration.iter(QTI + "qti-value"):
            assert all(NCNAME.match(part) for part in value.text.split()) or base_type in ("string", "float")
        assert root.find(f"{QTI}qti-modal-feedback/{QTI}qti-content-body/{QTI}p") is not None


def test_true_false_and_numeric_shapes(bank):
    files = members(write_qti3_package(bank)[0])
    true_false = DET.fromstring(files["items/RT-003.xml"], forbid_dtd=True)
    choices = true_false.findall(f".//{QTI}qti-simple-choice")
    assert [(c.get("identifier"), c.text.strip()) for c in choices] == [("true", "True"), ("false", "False")]
    assert true_false.find(f".//{QTI}qti-correct-response/{QTI}qti-value").text == "false"
    assert "\x0b" in bank.items[2].stem  # XML 1.0 cannot hold it: dropped from the XML, kept in the metadata
    assert "\x0b" not in files["items/RT-003.xml"].decode()
    numeric = DET.fromstring(files["items/RT-008.xml"], forbid_dtd=True)
    assert numeric.find(f".//{QTI}qti-correct-response/{QTI}qti-value").text == "33.3"
    multiple = DET.fromstring(files["items/ID_002.xml"], forbid_dtd=True)
    mapping = multiple.find(f".//{QTI}qti-mapping")
    assert (mapping.get("lower-bound"), mapping.get("upper-bound")) == ("0", "1")
    values = {e.get("map-key"): float(e.get("mapped-value")) for e in mapping}
    assert values == {"a": 0.5, "b": 0.5, "c": -0.5, "d": -0.5}


def _edit(data: bytes, name: str, old: bytes, new: bytes) -> bytes:
    files = members(data)
    assert old in files[name]
    files[name] = files[name].replace(old, new)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in files.items():
            archive.writestr(member, content)
    return buffer.getvalue()


def test_item_edited_elsewhere_uses_its_xml_and_keeps_certify_identity(bank):
    data, _ = write_qti3_package(bank)
    edited = _edit(data, "items/RT-001.xml", b">Book a room<", b">Book the big room<")
    again, problems = read_qti_package(edited, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip")
    assert again is not None, problems
    (warning,) = problems
    assert warning.severity == "warning" and warning.file == "rt.zip/items/RT-001.xml"
    assert "RT-001 was changed outside Certify" in warning.message
    changed = again.items[0]
    original = bank.items[0]
    assert (changed.ref, changed.competency, changed.bloom, changed.status, changed.references) == (
        original.ref,
        original.competency,
        original.bloom,
        original.status,
        original.references,
    )
    assert changed.body["options"][2]["text"] == "Book the big room\nand a trainer"
    assert [item.content() for item in again.items[1:]] == [item.content() for item in bank.items[1:]]


def test_package_without_certify_metadata_still_imports(bank):
    data, _ = write_qti3_package(bank)
    manifest = members(data)["imsmanifest.xml"]
    stripped = re.sub(rb"<certify:item[^>]*>.*?</certify:item>", b"", manifest, flags=re.S)
    again, problems = read_qti_package(
        _edit(data, "imsmanifest.xml", manifest, stripped),
        "rt.zip",
        competencies=COMPETENCIES,
        bank_id="rt",
        title="Round trip",
        default_competency="OB",
    )
    assert again is not None, problems
    assert problems == []
    for item, original in zip(again.items, bank.items, strict=True):
        assert (item.competency, item.bloom, item.status) == ("OB", "understand", "pilot")
        assert item.stem == original.stem.replace("\x0b", "")
        assert (item.title, item.rationale) == (original.title, original.rationale)
    # Option ids that are not QTI identifiers come back sanitised; their text and rationale are intact.
    assert again.items[0].body["options"][1] == {
        "id": "ID_2",
        "text": "Agree the outline <now> & dates",
        "rationale": "Jumps to a solution.",
    }
    matching, original = again.items[3].body, bank.items[3].body
    assert [(p["left"], p["right"], p["rationale"]) for p in matching["pairs"]] == [
        (p["left"], p["right"], p["rationale"]) for p in original["pairs"]
    ]
    assert (matching["distractors"], matching["scoring"]) == (original["distractors"], original["scoring"])
    assert again.items[6].body == {"value": 150.0, "tolerance": 0.0, "wrong_answers": [], "unit": "%"}


def _with_manifest(data: bytes, change) -> bytes:
    manifest = members(data)["imsmanifest.xml"]
    return _edit(data, "imsmanifest.xml", manifest, change(manifest))


def test_unreadable_certify_metadata_is_ignored_with_a_warning(bank):
    data = _with_manifest(write_qti3_package(bank)[0], lambda m: m.replace(b'{"id":"RT-001"', b'{"id":"RT-001"}}', 1))
    again, problems = read_qti_package(
        data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip", default_competency="RA"
    )
    assert again is not None, problems
    (warning,) = problems
    assert warning.severity == "warning" and warning.file == "rt.zip/items/RT-001.xml"
    assert "Certify metadata is not valid JSON" in warning.message
    assert (again.items[0].ref, again.items[0].status) == ("RT-001", "pilot")
    assert [item.content() for item in again.items[1:]] == [item.content() for item in bank.items[1:]]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b'"type":"single_choice"', b'"type":["single_choice"]', "in Certify's metadata: its id, type"),
        (b'"competency":"RA"', b'"competency":"ZZ"', "in Certify's metadata: item RT-001: unknown competency 'ZZ'"),
        (b'"key":"a"', b'"key":"zz"', "in Certify's metadata: item RT-001: `key` must be the id of one option"),
    ],
)
def test_invalid_certify_metadata_is_an_error(bank, old, new, message):
    data = _with_manifest(write_qti3_package(bank)[0], lambda m: m.replace(old, new, 1))
    again, problems = read_qti_package(data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip")
    assert again is None
    (problem,) = problems
    assert problem.severity == "error" and problem.file == "rt.zip/items/RT-001.xml"
    assert problem.message.startswith(message)


def test_unknown_metadata_version_is_ignored(bank):
    data = _with_manifest(
        write_qti3_package(bank)[0],
        lambda m: m.replace(b'<certify:item version="1">', b'<certify:item version="9">', 1),
    )
    again, problems = read_qti_package(
        data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip", default_competency="RA"
    )
    assert again is not None
    assert [p.message for p in problems] == ["Certify metadata version '9' is not supported; it is ignored"]
