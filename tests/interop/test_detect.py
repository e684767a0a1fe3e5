"""Bank files are read in the format their content shows; the extension only breaks ties."""

from __future__ import annotations

import io
import zipfile

import pytest

from certify.interop.detect import detect_format
from tests.support.samples import BANK

MOODLE_GIFT = (
    "// question: 1042  name: Handle time\r\n"
    "::Handle time::A help desk's handle time rose after a new ticket form. What do you check first?{\r\n"
    "=Whether agents can find the fields the form added#Environment before skills.\r\n"
    "~Which course covers the form\r\n"
    "}\r\n"
)
AIKEN = "Which is a business result?\nA. Courses run\nB. Complaint rate\nANSWER: B\n"
MOODLE_XML = b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<!-- question: 0  -->\n</quiz>\n'
QTI12 = b'<?xml version="1.0"?><questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2"/>'
QTI3 = b'<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="x"/>'
QTI21 = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- exported --><assessmentItem identifier="x"/>'


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CANVAS = _zip(
    {
        "imsmanifest.xml": b'<manifest><resources><resource type="imsqti_xmlv1p2" identifier="q1"/></resources>'
        b"</manifest>",
        "q1/q1.xml": QTI12,
        "q1/assessment_meta.xml": b"<quiz/>",
    }
)
QTI3_PACKAGE = _zip(
    {
        "imsmanifest.xml": b'<manifest><resources><resource type="imsqti_item_xmlv3p0" href="i.xml"/>'
        b"</resources></manifest>",
        "i.xml": QTI3,
    }
)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("moodle-export.txt", MOODLE_GIFT.encode(), "gift"),  # Moodle downloads GIFT as .txt
        ("questions.txt", AIKEN.encode(), "aiken"),
        ("questions.gift", AIKEN.encode(), "aiken"),  # content wins over a wrong extension
        ("bank.yaml", BANK.encode(), "yaml"),
        ("bank.txt", BANK.encode(), "yaml"),
        ("questions-20261201.xml", MOODLE_XML, "moodle_xml"),
        ("quiz.xml", QTI12, "qti12"),
        ("item.xml", QTI3, "qti_item"),
        ("item.xml", QTI21, "qti_item"),
        ("export.zip", CANVAS, "qti12_package"),
        ("export.imscc", CANVAS, "qti12_package"),
        ("package.zip", QTI3_PACKAGE, "qti_package"),
        ("empty.gift", b"", "gift"),  # nothing to go on: the extension decides, and the reader explains
        ("slides.pptx", b"\x00\x01binary", "unknown"),
        ("notes.txt", b"Remember to ask the sponsor about the baseline.", "aiken"),
    ],
)
def test_the_format_is_detected_from_the_content(name, data, expected):
    assert detect_format(name, data).format == expected


def test_the_note_says_why_and_flags_a_misleading_extension():
    found = detect_format("questions.gift", AIKEN.encode())
    assert found.label == "Aiken" and "ANSWER:" in found.note and ".gift suggests GIFT" in found.note
    assert "braces" in detect_format("moodle-export.txt", MOODLE_GIFT.encode()).note
    assert "<quiz>" in detect_format("x.xml", MOODLE_XML).note


def test_damaged_zips_and_unknown_xml_never_raise():
    assert detect_format("broken.zip", b"PK\x03\x04garbage").format == "qti_package"
    assert detect_format("doc.xml", b"<html><body/></html>").format == "qti_item"  # the reader then refuses it
    assert detect_format("doc.bin", b"<html><body/></html>").format == "unknown"


@pytest.mark.parametrize("root", [b"assessmentItem", b"questestinterop", b"quiz"])
def test_an_unknown_encoding_in_the_declaration_is_a_clear_error_not_a_crash(root):
    from certify.assessments.formats import read_bank_file

    data = b'<?xml version="1.0" encoding="bogus-8"?><' + root + b"/>"
    bank, problems = read_bank_file("bank.xml", data, competencies={"RA"}, default_competency="RA")
    assert bank is None and problems and problems[0].severity == "error"
    assert "encoding" in problems[0].message
