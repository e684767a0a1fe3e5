"""The files an item shows (images in stems and options): carried with a parsed bank by sha256, named in item
text as `![alt](media:<sha256>)`, and accepted only when their first bytes say they are an image Certify shows.

PNG, JPEG, GIF and WebP always; SVG only where a reader passes the file's name and it ends in `.svg` and the
bytes are an SVG document (Moodle XML carries SVG charts that way). Served images never run as pages: item
media are served with a sandboxing policy (certify.assessments.media_views).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Media:
    """A file an item shows (an image in a stem or an option), carried in with the bank it came in."""

    data: bytes
    mime: str
    name: str = ""  # the file name it had in the source, for messages and exports

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


MEDIA_SCHEME = "media:"  # item text refers to a stored file as ![alt](media:<sha256>); rendering resolves it
MEDIA_REF = re.compile(r"media:([0-9a-f]{64})")


def media_ref(digest: str) -> str:
    return f"{MEDIA_SCHEME}{digest}"


_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_SVG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<svg[\s>]", re.S
)


def image_mime(data: bytes, name: str = "") -> str | None:
    """The image type of `data`, or None when it is not an image Certify shows."""
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if name.lower().endswith(".svg") and _SVG.match(data[:4096]):
        return "image/svg+xml"
    return None
