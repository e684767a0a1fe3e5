"""Reading uploaded zip archives in memory without trusting them.

`open_zip` returns every file in the archive, or nothing at all: an entry whose
path could escape a directory, a symlink, an encrypted entry, too many entries,
or more data than the limits allow (declared sizes are checked first, and the
limits are enforced again while inflating, so a lying header or a zip bomb
cannot get past them) rejects the whole archive.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib

from certify.core.source import Problem

MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class _Rejected(Exception):
    """One reason the archive is refused (the message names the entry)."""


def unsafe_name(name: str) -> str:
    """Why a member name is unsafe to use as a path ("" when it is safe)."""
    if not name:
        return "has an empty name"
    if "\\" in name:
        return "uses a backslash in its path"
    if name.startswith("/"):
        return "has an absolute path"
    if _DRIVE.match(name):
        return "names a drive letter"
    if _CONTROL.search(name):
        return "has control characters in its name"
    if any(part == ".." for part in name.split("/")):
        return "uses '..' to leave the archive"
    return ""


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def _check_entries(
    infos: list[zipfile.ZipInfo], *, max_members: int, max_member_bytes: int, max_total_bytes: int
) -> list[zipfile.ZipInfo]:
    if len(infos) > max_members:
        raise _Rejected(f"the archive has {len(infos)} entries; at most {max_members} are allowed")
    seen: set[str] = set()
    declared = 0
    files = []
    for info in infos:
        name = info.filename
        reason = unsafe_name(name)
        if reason:
            raise _Rejected(f"zip entry {name!r} {reason}")
        if _is_symlink(info):
            raise _Rejected(f"zip entry {name!r} is a symbolic link")
        if info.flag_bits & 0x1:
            raise _Rejected(f"zip entry {name!r} is encrypted")
        if name in seen:
            raise _Rejected(f"zip entry {name!r} appears twice")
        seen.add(name)
        if info.is_dir():
            continue
        if info.file_size > max_member_bytes:
            raise _Rejected(f"zip entry {name!r} is {info.file_size} bytes; at most {max_member_bytes} are allowed")
        declared += info.file_size
        if declared > max_total_bytes:
            raise _Rejected(f"the archive expands to more than {max_total_bytes} bytes (at entry {name!r})")
        files.append(info)
    return files


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str) -> bytes:
    """Inflate one entry, stopping as soon as it passes `limit` whatever its header says."""
    buffer = io.BytesIO()
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise _Rejected(f"zip entry {name!r} expands beyond the size limit")
                buffer.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        # ValueError: a damaged header can make zipfile seek before the start of the data
        raise _Rejected(f"zip entry {name!r} is corrupt ({exc})") from None
    except (NotImplementedError, RuntimeError) as exc:  # zipfile's words for an unsupported compression method
        raise _Rejected(f"zip entry {name!r} cannot be read ({exc})") from None
    return buffer.getvalue()


def open_zip(
    data: bytes,
    filename: str,
    *,
    max_members: int = MAX_MEMBERS,
    max_member_bytes: int = MAX_MEMBER_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> tuple[dict[str, bytes], list[Problem]]:
    """Member name -> content for every file in the archive, or ({}, [the error])."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        return {}, [Problem(filename, 0, f"not a readable zip archive ({exc})")]
    contents: dict[str, bytes] = {}
    try:
        with archive:
            files = _check_entries(
                archive.infolist(),
                max_members=max_members,
                max_member_bytes=max_member_bytes,
                max_total_bytes=max_total_bytes,
            )
            total = 0
            for info in files:
                content = _read_member(archive, info, min(max_member_bytes, max_total_bytes - total), info.filename)
                total += len(content)
                contents[info.filename] = content
    except _Rejected as exc:
        return {}, [Problem(filename, 0, str(exc))]
    return contents, []
