"""open_zip: untrusted archives are read in memory, all or nothing."""

from __future__ import annotations

import ast
import importlib
import io
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from certify.interop.zipsafe import MAX_MEMBER_BYTES, open_zip


def make_zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def only_error(problems):
    assert len(problems) == 1
    assert problems[0].severity == "error"
    assert problems[0].file == "upload.zip"
    return problems[0].message


def test_reads_every_file_and_skips_directories():
    data = make_zip([("imsmanifest.xml", b"<manifest/>"), ("items/", b""), ("items/a.xml", b"<a/>")])
    members, problems = open_zip(data, "upload.zip")
    assert problems == []
    assert members == {"imsmanifest.xml": b"<manifest/>", "items/a.xml": b"<a/>"}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.xml", "'..'"),
        ("items/../../evil.xml", "'..'"),
        ("/etc/passwd", "absolute path"),
        ("items\\evil.xml", "backslash"),
        ("C:/evil.xml", "drive letter"),
        ("c:evil.xml", "drive letter"),
    ],
)
def test_path_traversal_is_refused(name, reason):
    data = make_zip([("ok.xml", b"<ok/>"), (name, b"<evil/>")])
    members, problems = open_zip(data, "upload.zip")
    assert members == {}
    message = only_error(problems)
    assert repr(name) in message
    assert reason in message


def test_symlink_is_refused():
    link = zipfile.ZipInfo("items/link.xml")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    members, problems = open_zip(make_zip([(link, b"/etc/passwd")]), "upload.zip")
    assert members == {}
    assert "symbolic link" in only_error(problems)


def test_encrypted_member_is_refused():
    # zipfile cannot write encrypted entries, so set the "encrypted" flag bit in both headers.
    data = bytearray(make_zip([("secret.xml", b"<x/>")]))
    struct.pack_into("<H", data, data.index(b"PK\x03\x04") + 6, 0x1)
    struct.pack_into("<H", data, data.index(b"PK\x01\x02") + 8, 0x1)
    members, problems = open_zip(bytes(data), "upload.zip")
    assert members == {}
    assert "'secret.xml' is encrypted" in only_error(problems)


def test_2001_members_are_refused():
    data = make_zip([(f"f{n}.txt", b"") for n in range(2001)])
    members, problems = open_zip(data, "upload.zip")
    assert members == {}
    assert "2001 entries; at most 2000" in only_error(problems)


def test_2000_members_are_fine():
    members, problems = open_zip(make_zip([(f"f{n}.txt", b"x") for n in range(2000)]), "upload.zip")
    assert problems == []
    assert len(members) == 2000


def test_oversized_member_is_refused():
    data = make_zip([("big.xml", b"\0" * (MAX_MEMBER_BYTES + 1))])
    assert len(data) < 100_000  # a small upload that would expand past the limit
    members, problems = open_zip(data, "upload.zip")
    assert members == {}
    assert "'big.xml'" in only_error(problems)


def test_total_size_is_limited():
    data = make_zip([(f"f{n}.bin", b"\0" * 600) for n in range(4)])
    members, problems = open_zip(data, "upload.zip", max_member_bytes=1000, max_total_bytes=2000)
    assert members == {}
    assert "more than 2000 bytes" in only_error(problems)


def _lie_about_size(data: bytes, declared: int) -> bytes:
    """Patch the uncompressed size in both the local header and the central directory."""
    patched = bytearray(data)
    local = patched.index(b"PK\x03\x04")
    struct.pack_into("<I", patched, local + 22, declared)
    central = patched.index(b"PK\x01\x02")
    struct.pack_into("<I", patched, central + 24, declared)
    return bytes(patched)


def test_lying_header_cannot_smuggle_a_large_member():
    data = _lie_about_size(make_zip([("bomb.xml", b"A" * 50_000)]), 10)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].file_size == 10
    members, problems = open_zip(data, "upload.zip", max_member_bytes=1000)
    assert members == {}
    assert "'bomb.xml'" in only_error(problems)


def test_limit_is_enforced_while_inflating(monkeypatch):
    # Whatever the headers declare, reading stops as soon as the data passes the limit.
    data = make_zip([("bomb.xml", b"tiny")])
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, info, *args, **kwargs: io.BytesIO(b"A" * 500_000))
    members, problems = open_zip(data, "upload.zip", max_member_bytes=1000)
    assert members == {}
    assert "'bomb.xml' expands beyond the size limit" in only_error(problems)


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicate_entries_are_refused():
    data = make_zip([("a.xml", b"<one/>"), ("a.xml", b"<two/>")])
    members, problems = open_zip(data, "upload.zip")
    assert members == {}
    assert "appears twice" in only_error(problems)


@pytest.mark.parametrize("data", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_corrupt_archives_are_refused(data):
    members, problems = open_zip(data, "upload.zip")
    assert members == {}
    assert "not a readable zip archive" in only_error(problems)


def test_corrupt_member_data_is_refused():
    data = bytearray(make_zip([("a.xml", b"<a>" + b"x" * 1000 + b"</a>")]))
    start = data.index(b"PK\x03\x04") + 30 + len("a.xml")
    data[start : start + 8] = b"\xff" * 8
    members, problems = open_zip(bytes(data), "upload.zip")
    assert members == {}
    assert "'a.xml'" in only_error(problems)


@pytest.mark.parametrize(
    "module", ["aiken", "zipsafe", "qti", "qti_xml", "qti_read", "qti_write", "qti_interactions", "qti_package"]
)
def test_interop_modules_are_pure(module):
    """Bytes and text in, data out: no web framework, database or file system."""
    path = importlib.import_module(f"certify.interop.{module}").__file__
    assert path is not None
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    forbidden = {"flask", "sqlalchemy", "os", "pathlib", "shutil", "tempfile", "subprocess", "socket", "requests"}
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        assert not [n for n in names if n.split(".")[0] in forbidden], names
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"open", "exec", "eval"}
