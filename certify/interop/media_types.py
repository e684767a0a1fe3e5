"""Which images an imported item may show, decided by a file's first bytes (never by its name alone).

PNG, JPEG, GIF and WebP always; SVG only where a reader passes the file's name and it ends in `.svg` and
the bytes are an SVG document (Moodle XML carries SVG charts that way). Served images never run as pages:
item media are served with a sandboxing policy (certify.assessments.media_views).
"""

from __future__ import annotations

import re

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
