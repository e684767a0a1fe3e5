"""QTI content packages from other platforms: manifest order, missing files, unsafe zips, items skipped alone."""

from __future__ import annotations

import io
import zipfile

import pytest

from certify.interop.qti import read_qti_package, read_qti_xml
from certify.interop.qti_xml import REFUSED
from tests.interop.test_qti3 import ITEMS_3
from tests.interop.test_qti_errors import BILLION_LAUGHS, HOTSPOT
from tests.support.qti_samples import COMPETENCIES, EXPECTED, LOSSES, LOSSES_3, qti2

MANIFEST_21 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_v1p2"
    identifier="MANIFEST-1">
  <metadata>
    <schema>IMS Content</schema>
    <schemaversion>1.1.3</schemaversion>
  </metadata>
  <organizations/>
  <resources>
{resources}
  </resources>
</manifest>
"""
MANIFEST_3 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="MANIFEST-3">
  <metadata>
    <schema>QTI Package</schema>
    <schemaversion>3.0.0</schemaversion>
  </metadata>
  <organizations/>
  <resources>
{resources}
  </resources>
</manifest>
"""


def resource(ident: str, kind: str, href: str) -> str:
    return (
        f'    <resource identifier="{ident}" type="{kind}" href="{href}">\n      <file href="{href}"/>\n    </resource>'
    )


def package(manifest: str | None, files: dict[str, str | bytes], manifest_name: str = "imsmanifest.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if manifest is not None:
            archive.writestr(manifest_name, manifest)
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def read(data: bytes, **overrides):
    options = {"competencies": COMPETENCIES, "bank_id": "imp", "title": "Imported", "default_competency": "RA"}
    options.update(overrides)
    return read_qti_package(data, "pkg.zip", **options)


def errors(data: bytes, **overrides) -> list[str]:
    bank, problems = read(data, **overrides)
    assert bank is None
    assert any(p.severity == "error" for p in problems)
    return [p.message for p in problems if p.severity == "error"]


def test_qti21_package_in_manifest_order():
    names = ["order", "choice", "match", "text"]
    resources = "\n".join(resource(f"R{n}", "imsqti_item_xmlv2p1", f"items/{name}.xml") for n, name in enumerate(names))
    files = {f"items/{name}.xml": qti2(name, "2p1") for name in names}
    files["images/chart.png"] = b"\x89PNG"
    resources += "\n" + resource("IMG", "webcontent", "images/chart.png")
    bank, problems = read(package(MANIFEST_21.format(resources=resources), files))
    assert bank is not None, problems
    assert (bank.id, bank.title, bank.purpose, bank.file) == ("imp", "Imported", "certification", "pkg.zip")
    assert [item.content() for item in bank.items] == [EXPECTED[name] for name in names]
    assert [(p.severity, p.file, p.message) for p in problems] == [
        ("warning", "pkg.zip/items/text.xml", LOSSES["text"][0])
    ]


def test_qti22_and_qti3_packages():
    names = sorted(EXPECTED)
    for version, kind, manifest, source in (
        ("2p2", "imsqti_item_xmlv2p2", MANIFEST_21, lambda name: qti2(name, "2p2")),
        ("3p0", "imsqti_item_xmlv3p0", MANIFEST_3, ITEMS_3.__getitem__),
    ):
        resources = "\n".join(resource(f"R{n}", kind, f"{name}-{version}.xml") for n, name in enumerate(names))
        files = {f"{name}-{version}.xml": source(name) for name in names}
        bank, problems = read(package(manifest.format(resources=resources), files))
        assert bank is not None, problems
        assert [item.content() for item in bank.items] == [EXPECTED[name] for name in names]
        losses = LOSSES_3 if version == "3p0" else {}
        assert [p.message for p in problems] == [
            *(message for name in names for message in losses.get(name, LOSSES.get(name, []))),
            "2 item(s) came from QTI without a rationale: they are drafts marked 'needs rationale' and "
            "cannot move on from draft until one is written",
        ]
        assert all(p.severity == "warning" for p in problems)
        (file_level,) = [p for p in problems if not p.item]
        assert (file_level.file, file_level.line) == ("pkg.zip", 0)


def test_unsupported_item_is_skipped_naming_item_and_file():
    resources = resource("R1", "imsqti_item_xmlv3p0", "hot.xml") + "\n" + resource("R2", "imsqti_item_xmlv3p0", "c.xml")
    data = package(MANIFEST_3.format(resources=resources), {"hot.xml": HOTSPOT, "c.xml": ITEMS_3["choice"]})
    bank, problems = read(data)
    assert bank is not None
    assert [item.ref for item in bank.items] == ["choice-1"]
    skipped, *others = problems
    assert (skipped.severity, skipped.file, skipped.item) == ("skip", "pkg.zip/hot.xml", "hot-1")
    assert skipped.message == "hot-1: the hotspot interaction is not supported"
    assert [(p.severity, p.item) for p in others] == [("warning", "choice-1")]  # what choice-1 lost


def test_missing_manifest():
    assert errors(package(None, {"items/a.xml": ITEMS_3["choice"]})) == [
        "the package has no imsmanifest.xml at its top level"
    ]


def test_manifest_in_a_single_top_folder_is_accepted():
    resources = resource("R1", "imsqti_item_xmlv3p0", "items/My%20Item.xml")
    data = package(
        MANIFEST_3.format(resources=resources),
        {"export/items/My Item.xml": ITEMS_3["choice"]},
        "export/imsmanifest.xml",
    )
    bank, problems = read(data)
    assert bank is not None, problems
    assert [item.ref for item in bank.items] == ["choice-1"]


def test_an_item_whose_file_is_missing_is_skipped_and_the_rest_imported():
    resources = (
        resource("R1", "imsqti_item_xmlv3p0", "c.xml") + "\n" + resource("R2", "imsqti_item_xmlv3p0", "gone.xml")
    )
    bank, problems = read(package(MANIFEST_3.format(resources=resources), {"c.xml": ITEMS_3["choice"]}))
    assert bank is not None
    assert [item.ref for item in bank.items] == ["choice-1"]
    (problem,) = [p for p in problems if p.severity == "skip"]
    assert (problem.severity, problem.item) == ("skip", "resource R2")
    assert problem.message == "resource R2: its item file 'gone.xml' is not in the package"
    assert problem.file == "pkg.zip/imsmanifest.xml"
    assert (
        problem.line
        == MANIFEST_3.format(resources=resources)
        .splitlines()
        .index(resource("R2", "imsqti_item_xmlv3p0", "gone.xml").splitlines()[0])
        + 1
    )


def test_manifest_href_cannot_escape_the_package():
    resources = resource("R1", "imsqti_item_xmlv3p0", "../c.xml")
    bank, problems = read(package(MANIFEST_3.format(resources=resources), {"c.xml": ITEMS_3["choice"]}))
    assert bank is None
    assert [(p.severity, p.message) for p in problems] == [
        ("skip", "resource R1: its item file '../c.xml' is not in the package"),
        ("error", "no item could be imported"),
    ]


def test_zip_with_path_traversal_is_refused():
    resources = resource("R1", "imsqti_item_xmlv3p0", "c.xml")
    data = package(MANIFEST_3.format(resources=resources), {"c.xml": ITEMS_3["choice"], "../evil.xml": "<x/>"})
    (message,) = errors(data)
    assert "'../evil.xml'" in message


def test_zip_with_too_many_members_is_refused():
    files = {f"junk/{n}.txt": "" for n in range(2001)}
    (message,) = errors(package(MANIFEST_3.format(resources=""), files))
    assert "at most 2000" in message


def test_manifest_with_entities_is_refused():
    assert errors(package(BILLION_LAUGHS, {})) == ["XML with entities or a DTD is refused"]


def test_an_unreadable_item_file_is_skipped_and_the_rest_imported():
    bad = ITEMS_3["text"].replace("</qti-item-body>", "</qti-itembody>")
    resources = (
        resource("R1", "imsqti_item_xmlv3p0", "ok.xml") + "\n" + resource("R2", "imsqti_item_xmlv3p0", "bad.xml")
    )
    bank, problems = read(
        package(MANIFEST_3.format(resources=resources), {"ok.xml": ITEMS_3["choice"], "bad.xml": bad})
    )
    assert bank is not None
    assert [item.ref for item in bank.items] == ["choice-1"]
    (problem,) = [p for p in problems if p.severity == "skip"]
    assert (problem.item, problem.file) == ("resource R2", "pkg.zip/bad.xml")
    assert problem.message.startswith(f"resource R2: malformed XML at line {problem.line}")


STIMULUS_REF = '<qti-assessment-stimulus-ref identifier="S" href="s.xml"/>\n  <qti-item-body>'
INCLUDE = '<qti-item-body><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="s.xml"/>'


@pytest.mark.parametrize(
    ("files", "refused"),
    [
        ({"ok.xml": ITEMS_3["choice"], "bad.xml": BILLION_LAUGHS}, "bad.xml"),
        (
            {
                "ok.xml": ITEMS_3["choice"],
                "bad.xml": ITEMS_3["order"].replace("<qti-item-body>", STIMULUS_REF),
                "s.xml": BILLION_LAUGHS,
            },
            "s.xml",
        ),
        (
            {
                "ok.xml": ITEMS_3["choice"],
                "bad.xml": ITEMS_3["order"].replace("<qti-item-body>", INCLUDE),
                "s.xml": BILLION_LAUGHS,
            },
            "s.xml",
        ),
    ],
    ids=["item", "stimulus", "include"],
)
def test_a_document_with_entities_refuses_the_package(files, refused):
    resources = (
        resource("R1", "imsqti_item_xmlv3p0", "ok.xml") + "\n" + resource("R2", "imsqti_item_xmlv3p0", "bad.xml")
    )
    bank, problems = read(package(MANIFEST_3.format(resources=resources), files))
    assert bank is None
    (error,) = [p for p in problems if p.severity == "error"]
    assert (error.file, error.message) == (f"pkg.zip/{refused}", REFUSED)
    assert not any(p.severity == "skip" or "s.xml" in p.message for p in problems)


def test_a_duplicate_item_id_skips_the_second_item():
    resources = resource("R1", "imsqti_item_xmlv3p0", "a.xml") + "\n" + resource("R2", "imsqti_item_xmlv3p0", "b.xml")
    changed = ITEMS_3["choice"].replace("How long the course should be", "Which room to book")
    data = package(MANIFEST_3.format(resources=resources), {"a.xml": ITEMS_3["choice"], "b.xml": changed})
    bank, problems = read(data)
    assert bank is not None
    (item,) = bank.items
    assert item.body["options"][2]["text"] == "How long the course should be"
    # The first copy's loss, then the second copy's skip (what the second would have lost is not reported).
    assert [(p.severity, p.file, p.item, p.message) for p in problems] == [
        ("warning", "pkg.zip/a.xml", "choice-1", LOSSES_3["choice"][0]),
        ("skip", "pkg.zip/b.xml", "choice-1", "choice-1: its id is used twice in the package; the first one is kept"),
    ]


def test_invalid_identifiers_get_numbered_refs_in_manifest_order():
    bad_ids = {
        "a.xml": ITEMS_3["choice"].replace('identifier="choice-1"', 'identifier="no good"'),
        "b.xml": ITEMS_3["order"].replace('identifier="order-1"', 'identifier="also bad!"'),
    }
    resources = resource("R1", "imsqti_item_xmlv3p0", "a.xml") + "\n" + resource("R2", "imsqti_item_xmlv3p0", "b.xml")
    bank, _ = read(package(MANIFEST_3.format(resources=resources), bad_ids))
    assert bank is not None
    assert [item.ref for item in bank.items] == ["imp-001", "imp-002"]


def test_tests_and_qti12_documents_are_not_imported_with_warnings():
    resources = (
        resource("T", "imsqti_test_xmlv3p0", "test.xml")
        + "\n"
        + resource("R1", "imsqti_item_xmlv3p0", "c.xml")
        + "\n"
        + resource("OLD", "imsqti_xmlv1p2", "old.xml")
    )
    files = {"test.xml": "<x/>", "c.xml": ITEMS_3["choice"], "old.xml": "<questestinterop/>"}
    bank, problems = read(package(MANIFEST_3.format(resources=resources), files))
    assert bank is not None
    assert [item.ref for item in bank.items] == ["choice-1"]
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "resource T: assessment tests and sections are not imported, only their items"),
        ("warning", LOSSES_3["choice"][0]),
        (
            "warning",
            "resource OLD: a QTI 1.2 document inside a QTI 2/3 package is not imported; "
            "import QTI 1.2 exports (Canvas, Blackboard) as packages of their own",
        ),
    ]


def test_manifest_without_items():
    assert errors(package(MANIFEST_3.format(resources=""), {})) == ["the manifest lists no QTI 2.x or 3.0 items"]


@pytest.mark.parametrize("bank_id", ["", "has space", "x" * 70])
def test_bank_id_must_be_an_identifier(bank_id):
    resources = resource("R1", "imsqti_item_xmlv3p0", "c.xml")
    (message,) = errors(package(MANIFEST_3.format(resources=resources), {"c.xml": ITEMS_3["choice"]}), bank_id=bank_id)
    assert "is not a simple identifier" in message


def test_single_item_document():
    bank, problems = read_qti_xml(
        qti2("match", "2p2").encode(),
        "match.xml",
        competencies=COMPETENCIES,
        bank_id="one",
        title="One item",
        default_competency="RA",
    )
    assert bank is not None, problems
    assert problems == []
    assert [item.content() for item in bank.items] == [EXPECTED["match"]]
    assert (bank.id, bank.title, bank.file) == ("one", "One item", "match.xml")
