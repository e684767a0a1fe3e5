"""Uploads are judged by their contents: a hostile corpus is refused with a clear message."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from certify import storage
from certify.extensions import db
from certify.security.uploads import UploadRefused, check_upload, safe_filename

MB = 1024 * 1024
# The smallest real PDF: one blank page (evidence is rewritten without its metadata, which needs a page tree).
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Root 1 0 R /Size 4 >>\n%%EOF\n"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    + _chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    + _chunk(b"IEND", b"")
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("report.pdf", PDF, "pdf"),
        ("chart.png", PNG, "png"),
        ("photo.JPG", JPEG, "jpeg"),
        ("plan.docx", DOCX, "docx"),
        ("budget.xlsx", XLSX, "xlsx"),
    ],
)
def test_genuine_files_are_accepted(name, data, kind):
    checked = check_upload(name, data, max_bytes=20 * MB)
    assert checked.kind == kind and checked.size == len(data) and len(checked.sha256) == 64


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (60 * MB))  # 60 MB of zeros, a few kB compressed
    return buffer.getvalue()


HOSTILE = [
    ("empty.pdf", b"", "is empty"),
    ("renamed.png", PDF, "not a PNG file"),
    ("renamed.pdf", PNG, "not a PDF file"),
    ("archive.docx", _zip({"notes.txt": b"hi"}), "not a DOCX document"),
    ("sheet.xlsx", DOCX, "not a XLSX document"),
    ("polyglot.pdf", PDF + _zip({"evil.html": b"<script>alert(1)</script>"}), "another file"),
    ("polyglot.png", PNG[:33] + _chunk(b"tEXt", b"%PDF-1.4 hidden") + PNG[33:], "also readable as a PDF"),
    ("truncated.png", PNG[:40], "not a complete PNG"),
    ("truncated.jpg", JPEG[:-2], "not a complete JPEG"),
    ("truncated.pdf", PDF[:-7], "not a complete PDF"),
    (
        "macro.docx",
        _zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<d/>", "word/vbaProject.bin": b"x"}),
        "contains macros",
    ),
    (
        "escape.docx",
        _zip({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<d/>", "../../evil": b"x"}),
        "not a safe Office file",
    ),
    ("bomb.docx", _bomb(), "not a safe Office file"),
    ("page.html", b"<html><script>alert(1)</script>", "upload PDF, DOCX, XLSX, PNG or JPEG files only"),
    ("image.svg", b"<svg onload=alert(1)>", "upload PDF, DOCX, XLSX, PNG or JPEG files only"),
    ("run.exe", b"MZ\x90\x00", "upload PDF, DOCX, XLSX, PNG or JPEG files only"),
    ("noextension", PDF, "upload PDF, DOCX, XLSX, PNG or JPEG files only"),
]


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(UploadRefused, match=message) as refused:
        check_upload(name, data, max_bytes=20 * MB)
    assert name.split("/")[-1] in str(refused.value)


def test_oversized_files_are_refused():
    with pytest.raises(UploadRefused, match="files can be at most 1 MB"):
        check_upload("big.pdf", PDF + b" " * (2 * MB), max_bytes=1 * MB)


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("C:\\Users\\me\\My plan!.docx", "docx", "My plan.docx"),
        ("\x00\x1b[31m.png", "png", "31m.png"),
        ("photo.JPEG", "jpeg", "photo.jpg"),
    ],
)
def test_file_names_are_made_safe(name, kind, expected):
    assert safe_filename(name, kind) == expected


def test_blobs_are_stored_once_by_hash(app):
    with app.app_context():
        first = storage.put(PDF, "application/pdf")
        again = storage.put(PDF, "application/pdf")
        db.session.commit()
        assert first == again and storage.get(first).data == PDF
        assert db.session.query(storage.Blob).count() == 1
        assert storage.get("0" * 64) is None
