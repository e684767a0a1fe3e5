"""Files an imported item shows, read from the package it came in (never from anywhere else).

An item document names its images by paths relative to itself (`<img src="../media/chart.png">`,
`<object data="flag.gif">`), or inline as `data:` URIs. `embed_media` finds each one in the package's
members, decides what it is from its first bytes (not its name), keeps it in the bank's media by sha256 and
marks the element (`qti_xml.MEDIA_MARK`) so the item's text names it as `![alt](media:<sha256>)`. Anything
it cannot keep (a missing file, a path leaving the package, a web address, a format Certify does not show,
audio or video) is a warning naming the item and the path; the text then shows the usual placeholder.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from collections.abc import Mapping, MutableMapping
from urllib.parse import unquote, urlsplit

from certify.core.media import Media, image_mime, media_ref
from certify.interop.qti_xml import DROPPED_MARK, MEDIA_MARK, Doc, to_text

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
_TIMED_MEDIA = frozenset({"audio", "video"})
LEAVES = "leaves the package"


def member_path(document: str, href: str) -> tuple[str, str]:
    """(the package path `href` names relative to `document`, "") or ("", why it cannot be read from it)."""
    href = href.strip().replace("\\", "/")
    if not href:
        return "", "has no address"
    try:
        parts = urlsplit(href)
    except ValueError:  # such as an unbalanced [ in a host name
        return "", "is not a usable address"
    if parts.scheme or parts.netloc:
        return "", "is not inside the package (Certify never fetches files from elsewhere)"
    path = unquote(parts.path)
    if not path:
        return "", "has no address"
    if path.startswith("/"):
        return "", "is an absolute path, not one inside the package"
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(document), path))
    if joined == ".." or joined.startswith("../"):
        return "", LEAVES
    return joined, ""


def _data_uri(href: str) -> bytes | None:
    """The bytes of a base64 `data:` URI (None when it is not one, or not base64)."""
    head, _, payload = href.strip().partition(",")
    if not head.lower().startswith("data:") or not head.lower().endswith(";base64"):
        return None
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


class MediaReader:
    """Reads the media of the documents of one package into `media`, and says what it could not keep."""

    def __init__(
        self, members: Mapping[str, bytes], media: MutableMapping[str, Media], missing: str = "is not in the package"
    ) -> None:
        self.members = members
        self.media = media
        self.missing = missing

    def locate(self, document: str, href: str) -> tuple[str, str]:
        """(the member `href` names from `document`, "") or ("", why it cannot be read from this package)."""
        path, why = member_path(document, href)
        if not why and path in self.members:
            return path, ""
        if not why or (why == LEAVES and not self.members):  # a lone document: nothing beside it to reach
            why = self.missing
        return "", why

    def load(self, document: str, href: str) -> tuple[str, str]:
        """(sha256 of the image `href` names, "") or ("", why it was not kept)."""
        if href.strip().lower().startswith("data:"):
            data, name = _data_uri(href), ""
            if data is None:
                return "", "is a data: address that is not base64"
        else:
            path, why = self.locate(document, href)
            if why:
                return "", why
            data, name = self.members[path], posixpath.basename(path)
        mime = image_mime(data)
        if mime is None:
            return "", "is not a PNG, JPEG, GIF or WebP image"
        media = Media(data, mime, name)
        self.media.setdefault(media.digest, media)
        return media.digest, ""

    def embed(self, doc: Doc, document: str, label: str) -> list[tuple[ET.Element, str]]:
        """Keep the images `doc` (read from `document`) shows and mark them; returns (element, warning) pairs."""
        warnings: list[tuple[ET.Element, str]] = []
        found = [e for e in doc.root.iter() if isinstance(e.tag, str) and e.tag in ("img", "object", *_TIMED_MEDIA)]
        for element in found:
            if element.get(MEDIA_MARK) or element.get(DROPPED_MARK):
                continue  # already read (an included fragment resolves its own paths)
            if element.tag in _TIMED_MEDIA:
                element.set(DROPPED_MARK, "1")  # one warning for it, not another from the item reader
                source = element.get("src") or next((s.get("src", "") for s in element.iter("source")), "")
                warnings.append(
                    (element, f"{label}: its {element.tag} {source!r} cannot be played in Certify; dropped")
                )
                continue
            href = element.get("src" if element.tag == "img" else "data", "")
            if element.tag == "object" and not (
                element.get("type", "").startswith("image/") or _looks_like_image(href)
            ):
                kind = element.get("type") or "of unknown type"
                element.set(DROPPED_MARK, "1")
                warnings.append((element, f"{label}: the object {href!r} ({kind}) cannot be shown in Certify; dropped"))
                continue
            if element.tag == "object":
                _as_image(element, to_text(element))
            digest, why = self.load(document, href)
            if why:
                shown = href if len(href) <= 80 else href[:77] + "..."
                warnings.append((element, f"{label}: image {shown!r} {why}; a placeholder stands in its place"))
                continue
            element.set("src", media_ref(digest))
            element.set(MEDIA_MARK, digest)
        return warnings


def _looks_like_image(href: str) -> bool:
    address = href.strip().lower()
    extension = posixpath.splitext(address.split("?", 1)[0].split("#", 1)[0])[1]
    return address.startswith("data:image/") or extension in (".png", ".jpg", ".jpeg", ".gif", ".webp")


def _as_image(element: ET.Element, alt: str) -> None:
    """Turn an <object> showing an image into the <img> it stands for (its fallback content is the alt text)."""
    href, tail = element.get("data", ""), element.tail
    element.clear()
    element.tag = "img"
    element.set("src", href)
    element.set("alt", alt)
    element.tail = tail
