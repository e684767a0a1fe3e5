"""Checking uploaded evidence files by their contents, not their names.

Accepted: PDF, DOCX, XLSX, PNG and JPEG. A file must be what its extension says
(magic bytes and structure), must not also be another format (polyglots), must
not be empty or too large, and an Office file must be a sane zip (no bombs, no
traversal) without macros.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from certify.interop.zipsafe import open_zip

KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
}
EXTENSIONS = {ext: kind for kind, (_mime, exts) in KINDS.items() for ext in exts}
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ZIP_LOCAL = b"PK\x03\x04"
ZIP_END = b"PK\x05\x06"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class UploadRefused(ValueError):
    """The file cannot be accepted; the message tells the person why."""


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    mime: str
    size: int
    sha256: str
    safe_name: str


def safe_filename(name: str, kind: str) -> str:
    """A display name without paths, control characters or odd punctuation, ending in the right extension."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    stem = re.sub(r"[^\w.\- ]+", "_", PurePosixPath(base).stem).strip(" ._") or "file"
    return f"{stem[:100]}{KINDS[kind][1][0]}"


def _detect(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(ZIP_LOCAL):
        return "zip"
    return None


def _check_structure(kind: str, data: bytes, name: str) -> None:
    if kind == "pdf" and b"%%EOF" not in data[-2048:]:
        raise UploadRefused(f"{name} is not a complete PDF (it has no end-of-file marker).")
    if kind == "png" and (data[12:16] != b"IHDR" or b"IEND" not in data[-12:]):
        raise UploadRefused(f"{name} is not a complete PNG image.")
    if kind == "jpeg" and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise UploadRefused(f"{name} is not a complete JPEG image.")
    # A file that is also a zip, or also a PDF, can be opened as something else: refuse polyglots.
    if kind in ("pdf", "png", "jpeg") and (ZIP_END in data[-65_558:] or ZIP_LOCAL in data[4:]):
        raise UploadRefused(f"{name} contains another file (an archive) hidden inside it.")
    if kind != "pdf" and b"%PDF-" in data[:1024]:
        raise UploadRefused(f"{name} is also readable as a PDF; upload the PDF itself instead.")


def _check_office(kind: str, data: bytes, name: str) -> None:
    members, problems = open_zip(
        data, name, max_members=2000, max_member_bytes=50 * 1024 * 1024, max_total_bytes=100 * 1024 * 1024
    )
    if problems:
        raise UploadRefused(f"{name} is not a safe Office file: {problems[0].message}.")
    if "[Content_Types].xml" not in members or OFFICE_PARTS[kind] not in members:
        raise UploadRefused(f"{name} is a zip archive but not a {kind.upper()} document.")
    if any(member.lower().endswith("vbaproject.bin") for member in members):
        raise UploadRefused(f"{name} contains macros, which are not accepted; save it without macros.")


def check_upload(filename: str, data: bytes, *, max_bytes: int) -> CheckedUpload:
    """Accept a file or raise UploadRefused with a message naming it and saying why."""
    shown = PurePosixPath((filename or "file").replace("\\", "/")).name or "file"
    extension = PurePosixPath(shown.lower()).suffix
    if extension not in EXTENSIONS:
        raise UploadRefused(f"{shown}: upload PDF, DOCX, XLSX, PNG or JPEG files only.")
    if not data:
        raise UploadRefused(f"{shown} is empty.")
    if len(data) > max_bytes:
        raise UploadRefused(
            f"{shown} is {len(data) / 1_048_576:.1f} MB; files can be at most {max_bytes / 1_048_576:.0f} MB."
        )
    kind = EXTENSIONS[extension]
    detected = _detect(data)
    expected = "zip" if kind in OFFICE_PARTS else kind
    if detected != expected:
        raise UploadRefused(f"{shown} does not contain what its name says: it is not a {kind.upper()} file.")
    if kind in OFFICE_PARTS:
        _check_office(kind, data, shown)
    else:
        _check_structure(kind, data, shown)
    return CheckedUpload(kind, KINDS[kind][0], len(data), hashlib.sha256(data).hexdigest(), safe_filename(shown, kind))
