"""QTI 3.0 export: structure, shapes, and how edited or foreign packages are read back."""

from __future__ import annotations

import io
import re
import zipfile

import defusedxml.ElementTree as DET
import pytest

from certify.core.banks import Bank
from certify.interop.qti import read_qti_package, write_qti3_package
from tests.interop.test_qti_roundtrip import COMPETENCIES, QTI, TEMPLATES, build_bank
from tests.support.qti_packages import edited, edited_metadata, legacy_package, members, without_metadata


@pytest.fixture(scope="module")
def bank() -> Bank:
    return build_bank()


INTERACTIONS = {
    "single_choice": ("choice-interaction", "single", "identifier", "match_correct"),
    "multiple_response": ("choice-interaction", "multiple", "identifier", "map_response"),
    "true_false": ("choice-interaction", "single", "identifier", "match_correct"),
    "matching": ("match-interaction", "multiple", "directedPair", "match_correct"),
    "ordering": ("order-interaction", "ordered", "identifier", "match_correct"),
    "short_answer": ("text-entry-interaction", "single", "string", "map_response"),
    "numeric": ("text-entry-interaction", "single", "float", None),  # its own rules: a range or a tolerance
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
        processing = root.find(QTI + "qti-response-processing")
        if template is None:
            assert processing.get("template") is None
            assert processing.find(f"{QTI}qti-response-condition/{QTI}qti-response-if") is not None
        else:
            assert processing.get("template") == f"{TEMPLATES}{template}.xml"
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
    again, problems = read_qti_package(
        without_metadata(data),
        "rt.zip",
        competencies=COMPETENCIES,
        bank_id="rt",
        title="Round trip",
        default_competency="OB",
    )
    assert again is not None, problems
    assert problems == []
    assert (again.purpose, again.description) == ("certification", "")
    for item, original in zip(again.items, bank.items, strict=True):
        assert (item.competency, item.bloom, item.status) == ("OB", "understand", "draft")
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
    # Tolerances and ranges are in the response processing, so they come back without Certify's metadata.
    assert again.items[6].body == {"min": 149.5, "max": 150.5, "wrong_answers": [], "unit": "%"}
    assert again.items[7].body == {"value": 33.3, "tolerance": 0.05, "wrong_answers": [], "unit": "%"}


def test_earlier_exports_with_metadata_in_the_manifest_still_import_exactly(bank):
    legacy = legacy_package(write_qti3_package(bank)[0])
    assert b"<certify:item" in members(legacy)["imsmanifest.xml"] and "certify-metadata.json" not in members(legacy)
    again, problems = read_qti_package(legacy, "old.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip")
    assert again is not None, problems
    assert problems == []
    assert [item.content() for item in again.items] == [item.content() for item in bank.items]
    assert (again.purpose, again.description) == ("knowledge_check", "Every type with every optional field.")


def test_an_item_entry_that_is_not_an_object_is_ignored_with_a_warning(bank):
    data = edited_metadata(write_qti3_package(bank)[0], lambda m: m["items"].update({"RES-RT-001": ["RT-001"]}))
    again, problems = read_qti_package(
        data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip", default_competency="RA"
    )
    assert again is not None, problems
    (warning,) = problems
    assert warning.severity == "warning" and warning.file == "rt.zip/items/RT-001.xml"
    assert warning.message == "Certify metadata is not a JSON object; it is ignored"
    assert (again.items[0].ref, again.items[0].status) == ("RT-001", "draft")
    assert [item.content() for item in again.items[1:]] == [item.content() for item in bank.items[1:]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw[:-5], "Certify metadata is not valid JSON"),
        (lambda raw: raw.replace(b'"version":1', b'"version":9'), "Certify metadata version 9 is not supported"),
        (
            lambda raw: raw.replace(b'"items":{', b'"items":[{', 1).replace(b'},"stimuli"', b'}],"stimuli"'),
            "Certify metadata has a `bank`, `items` or `stimuli` that is not a JSON object",
        ),
    ],
)
def test_unusable_metadata_file_is_ignored_with_one_warning(bank, change, message):
    data = edited(write_qti3_package(bank)[0], "certify-metadata.json", change)
    again, problems = read_qti_package(
        data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip", default_competency="RA"
    )
    assert again is not None
    (warning,) = problems
    assert (warning.severity, warning.file) == ("warning", "rt.zip/certify-metadata.json")
    assert warning.message.startswith(message) and warning.message.endswith("; it is ignored")
    assert {item.status for item in again.items} == {"draft"}  # read from the QTI alone
    assert [item.ref for item in again.items] == [item.ref if item.ref != "002" else "ID_002" for item in bank.items]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "type",
            ["single_choice"],
            "RT-001: in Certify's metadata: its id, type, competency, Bloom level and status must be text",
        ),
        ("key", "zz", "RT-001: in Certify's metadata: `key` must be the id of one option, got 'zz'"),
        ("bloom", "guess", "RT-001: in Certify's metadata: `bloom` must be one of "),
    ],
)
def test_invalid_certify_metadata_skips_that_item(bank, field, value, message):
    data = edited_metadata(write_qti3_package(bank)[0], lambda m: m["items"]["RES-RT-001"].update({field: value}))
    again, problems = read_qti_package(data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip")
    assert again is not None, problems
    (problem,) = problems
    assert problem.severity == "skip" and problem.file == "rt.zip/items/RT-001.xml"
    assert problem.item == "RT-001"
    assert problem.message.startswith(message)
    assert [item.content() for item in again.items] == [item.content() for item in bank.items[1:]]


def test_every_reason_an_item_is_invalid_is_in_its_one_skip(bank):
    def break_twice(metadata: dict) -> None:
        metadata["items"]["RES-RT-001"].update({"key": "zz", "bloom": "guess"})

    data = edited_metadata(write_qti3_package(bank)[0], break_twice)
    again, problems = read_qti_package(data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip")
    assert again is not None, problems
    (problem,) = problems
    assert (problem.severity, problem.item) == ("skip", "RT-001")
    assert "`key` must be the id of one option" in problem.message and "`bloom` must be one of" in problem.message
    assert problem.message.count("RT-001") == 1


def test_a_competency_unknown_here_is_a_category_to_map(bank):
    data = edited_metadata(write_qti3_package(bank)[0], lambda m: m["items"]["RES-RT-001"].update({"competency": "ZZ"}))
    again, problems = read_qti_package(data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip")
    assert again is not None and len(again.items) == len(bank.items) - 1
    (problem,) = problems
    assert (problem.severity, problem.item, problem.category) == ("skip", "RT-001", "ZZ")
    assert problem.file == "rt.zip/items/RT-001.xml"
    assert problem.message == (
        "RT-001: no competency for category 'ZZ'; choose one for the category, or set a default competency"
    )
    mapped, problems = read_qti_package(
        data, "rt.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip", category_map={"ZZ": "PA"}
    )
    assert mapped is not None and problems == []
    assert mapped.items[0].content() == {**bank.items[0].content(), "competency": "PA"}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b'{"id":"RT-001"', b'{"id":"RT-001"}}', "Certify metadata is not valid JSON"),
        (b'<certify:item version="1">', b'<certify:item version="9">', "Certify metadata version '9' is not supported"),
    ],
)
def test_unusable_item_metadata_in_an_earlier_export_is_ignored_with_a_warning(bank, old, new, message):
    legacy = legacy_package(write_qti3_package(bank)[0])
    data = edited(legacy, "imsmanifest.xml", lambda manifest: manifest.replace(old, new, 1))
    again, problems = read_qti_package(
        data, "old.zip", competencies=COMPETENCIES, bank_id="rt", title="Round trip", default_competency="RA"
    )
    assert again is not None, problems
    (warning,) = problems
    assert (warning.severity, warning.file) == ("warning", "old.zip/items/RT-001.xml")
    assert warning.message.startswith(message) and warning.message.endswith("; it is ignored")
    assert (again.items[0].ref, again.items[0].status) == ("RT-001", "draft")  # read from its QTI alone
    assert [item.content() for item in again.items[1:]] == [item.content() for item in bank.items[1:]]
