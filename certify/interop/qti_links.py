"""What an exported QTI document points at beside it in its package: media files and a shared stimulus.

Certify text names an image as `![alt](media:<sha256>)` (or `<img src="media:<sha256>" alt="...">` inside
HTML). On export each becomes an XHTML `<img>` whose `src` is the file's path relative to the document
(`Links.media`); an image whose file the package does not carry stays as its text. Without `Links` (when a
reader rebuilds the document Certify would have written, to compare), the `src` is the `media:` reference
itself, which is how `package_media` leaves an image it has read.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET  # building trees only; parsing goes through defusedxml
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from certify.core.media import MEDIA_REF, media_ref

_MARKDOWN_IMAGE = r"!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\(media:(?P<digest>[0-9a-f]{64})\)"
_HTML_IMAGE = r"<img\b(?P<attrs>[^>]*?\bsrc=\"media:(?P<html_digest>[0-9a-f]{64})\"[^>]*)>"
IMAGE = re.compile(f"{_MARKDOWN_IMAGE}|{_HTML_IMAGE}")
_ALT = re.compile(r"\balt=\"([^\"]*)\"")
_UNESCAPE = re.compile(r"\\([\[\]\\])")


@dataclass(frozen=True)
class Links:
    """Where a document's media and stimulus are in the package, relative to the document."""

    media: Mapping[str, str] = field(default_factory=dict)  # sha256 -> relative path of the file
    stimulus: tuple[str, str, str] | None = None  # (identifier, relative href, title) of its stimulus


def media_in(values: Iterable[Any]) -> list[str]:
    """Every media digest named in some text of `values` (nested lists and mappings too), in order, once."""
    found: dict[str, None] = {}
    stack = list(values)[::-1]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.update(dict.fromkeys(MEDIA_REF.findall(value)))
        elif isinstance(value, Mapping):
            stack.extend(list(value.values())[::-1])
        elif isinstance(value, (list, tuple)):
            stack.extend(list(value)[::-1])
    return list(found)


def _image(match: re.Match[str], src: str) -> ET.Element:
    if match.group("digest"):
        alt = _UNESCAPE.sub(r"\1", match.group("alt"))
    else:
        found = _ALT.search(match.group("attrs"))
        alt = html.unescape(found.group(1)) if found else ""
    return ET.Element("img", {"src": src, "alt": " ".join(alt.split())})


def _split(text: str | None, src_of: Callable[[str], str | None]) -> tuple[str | None, list[ET.Element]]:
    """`text` up to its first image, then each image element carrying the text after it as its tail."""
    if not text or "media:" not in text:
        return text, []
    head: str | None = None
    images: list[ET.Element] = []
    position = 0
    for match in IMAGE.finditer(text):
        src = src_of(match.group("digest") or match.group("html_digest"))
        if src is None:
            continue  # the package does not carry the file: the text stays as written
        before = text[position : match.start()]
        if images:
            images[-1].tail = before
        else:
            head = before
        images.append(_image(match, src))
        position = match.end()
    if not images:
        return text, []
    images[-1].tail = text[position:]
    return head, images


def embed_images(element: ET.Element, links: Links | None) -> None:
    """Replace each image reference in the text under `element` with an <img> (see the module's rule)."""

    def src_of(digest: str) -> str | None:
        return media_ref(digest) if links is None else links.media.get(digest)

    children = list(element)
    for child in children:
        embed_images(child, links)
    element.text, rebuilt = _split(element.text, src_of)
    for child in children:
        child.tail, images = _split(child.tail, src_of)
        rebuilt += [child, *images]
    element[:] = rebuilt
