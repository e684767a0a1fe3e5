"""Images that QTI 1.2 items show, found in the export they came in and carried as `Bank.media`.

Canvas writes a course file as `$IMS-CC-FILEBASE$/Uploaded Media/chart.png` (the file sits under
`web_resources/` in the package); Blackboard and hand-made packages use paths relative to the QTI document.
`data:` URIs are decoded. Nothing is ever fetched: an image on another server, or one the export left out,
is reported and the item shows its description instead.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from certify.core.media import Media, image_mime

FILEBASE = re.compile(r"^(\$|%24)IMS[-_]CC[-_]FILEBASE(\$|%24)/?", re.IGNORECASE)
DATA_URI = re.compile(r"^data:([\w.+/-]*)((?:;[\w=.+-]+)*?)(;base64)?,(.*)$", re.IGNORECASE | re.DOTALL)
MAX_IMAGE_BYTES = 10 * 1024 * 1024


class MediaStore:
    """Resolves image references against the files of an export; keeps every image found, by sha256."""

    def __init__(self, members: Mapping[str, bytes] | None = None) -> None:
        self.members = members
        self.media: dict[str, Media] = {}

    def _keep(self, data: bytes, name: str) -> tuple[str | None, str]:
        if len(data) > MAX_IMAGE_BYTES:
            return None, f"is larger than {MAX_IMAGE_BYTES // 1024**2} MB"
        mime = image_mime(data)
        if not mime:
            return None, "is not an image Certify shows (PNG, JPEG, GIF or WebP)"
        media = Media(data, mime, name)
        self.media.setdefault(media.digest, media)
        return media.digest, ""

    def resolve(self, src: str, base: str) -> tuple[str | None, str]:
        """The sha256 of the image `src` names, from a document in folder `base`; or None and why not."""
        if not src:
            return None, "has no source"
        inline = DATA_URI.match(src)
        if inline:
            return self._inline(inline)
        parts = urlsplit(src)
        if parts.scheme or src.startswith("//"):
            return None, "is on another server, and Certify does not fetch files"
        if "@X@" in src:
            return None, "is a Blackboard link the export does not resolve"
        path = unquote(parts.path)
        if FILEBASE.match(parts.path):
            rest = FILEBASE.sub("", parts.path)
            candidates = [f"web_resources/{unquote(rest)}", unquote(rest)]
        else:
            candidates = [posixpath.join(base, path), path]
        if self.members is None:
            return None, "cannot come with a single file; import the whole export (zip) instead"
        for candidate in candidates:
            normal = posixpath.normpath(candidate).lstrip("/")
            if normal.startswith("..") or normal not in self.members:
                continue
            return self._keep(self.members[normal], posixpath.basename(normal))
        return None, "is not in the export"

    def _inline(self, found: re.Match[str]) -> tuple[str | None, str]:
        if not found.group(3):
            return None, "is an inline image that is not base64-encoded"
        payload = re.sub(r"\s+", "", found.group(4))
        if len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4:
            return None, f"is larger than {MAX_IMAGE_BYTES // 1024**2} MB"
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            return None, "is an inline image that cannot be decoded"
        return self._keep(data, "")
