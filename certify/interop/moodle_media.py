"""Images in Moodle XML, both ways.

Moodle keeps the files a text shows beside it: `<file name="chart.png" path="/" encoding="base64">` children of
the text's element (`<questiontext>`, `<answer>`, `<feedback>`...), named in the text as
`@@PLUGINFILE@@/chart.png` (URL-encoded). Moodle 1.9 and 2.x wrote one `<image>` + `<image_base64>` per question
instead. Certify carries each file in `Bank.media` by sha256 and its text names it `media:<sha256>`.

Only images are taken (PNG, JPEG, GIF, WebP, and SVG when the file is named .svg), decided by their bytes, not
their names. A file too large is an error for the whole import: no real question shows a 10 MB image, and a
file full of them is an attack on the importer's memory.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
import xml.etree.ElementTree as ET  # building elements only; parsing goes through defusedxml
from collections.abc import Callable, Mapping
from urllib.parse import quote, unquote

from certify.core.media import MEDIA_REF, Media, image_mime, media_ref

MAX_IMAGE_BYTES = 10 * 1024 * 1024  # one image, decoded
MAX_MEDIA_BYTES = 200 * 1024 * 1024  # every distinct image of one import, decoded
PLUGINFILE = "@@PLUGINFILE@@"
_LINK = re.compile(r"@@PLUGINFILE@@(/[^\s\"'<>()?#]+)(?:\?[^\s\"'<>()#]*)?")  # a ?time=... suffix goes too
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,99}$")
EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}
EXTENSIONS["image/svg+xml"] = ".svg"

Report = Callable[[str], None]  # a warning about the question being read


class MediaLimit(Exception):
    """An image, or all of them together, is larger than an import accepts."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _encoded_size(element: ET.Element) -> int:
    text = element.text or ""
    return len(text) - sum(text.count(space) for space in " \t\r\n")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


class MediaReader:
    """Turns the files of one import into `Bank.media` and its links into `media:<sha256>`."""

    def __init__(self, lines: Callable[[ET.Element], int]) -> None:
        self.media: dict[str, Media] = {}
        self.total = 0
        self.line_of = lines
        self.decoded: dict[int, Media | str] = {}  # by id(<file>): the image, or why it is not one
        self.pending: set[str] = set()  # digests the question being read shows (kept if the question is)

    def check_sizes(self, root: ET.Element) -> None:
        """Refuse the file at once if any embedded file is over the limit, whichever question holds it."""
        for element in root.iter():
            if element.tag in ("file", "image_base64"):
                size = _encoded_size(element) * 3 // 4
                if size > MAX_IMAGE_BYTES + 3:
                    name = element.get("name", "") or "image_base64"
                    raise MediaLimit(
                        self.line_of(element),
                        f"the embedded file {name!r} is about {_megabytes(size)}; "
                        f"an image may be at most {_megabytes(MAX_IMAGE_BYTES)}",
                    )

    def decode(self, file: ET.Element, name: str, label: str) -> Media | str:
        """The image in a `<file>` (or `<image_base64>`) element, or why there is none."""
        done = self.decoded.get(id(file))
        if done is not None:
            return done
        encoding = file.get("encoding", "base64").strip().lower()
        text = "".join((file.text or "").split())
        result: Media | str
        if encoding != "base64":
            result = f"is encoded as {encoding!r}, not base64"
        elif len(text) * 3 // 4 > MAX_IMAGE_BYTES + 3:
            raise MediaLimit(
                self.line_of(file),
                f"{label}: image {name!r} is about {_megabytes(len(text) * 3 // 4)}; "
                f"an image may be at most {_megabytes(MAX_IMAGE_BYTES)}",
            )
        else:
            try:
                data = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                data = None
            mime = image_mime(data, name) if data else None
            if data is None:
                result = "is not valid base64"
            elif mime is None:
                result = "is not a PNG, JPEG, GIF, WebP or SVG image"
            else:
                result = self.keep(Media(data, mime, posixpath.basename(name)), file, label)
        self.decoded[id(file)] = result
        return result

    def keep(self, media: Media, file: ET.Element, label: str) -> Media:
        known = self.media.get(media.digest)
        if known is not None:
            return known
        self.total += len(media.data)
        if self.total > MAX_MEDIA_BYTES:
            raise MediaLimit(
                self.line_of(file),
                f"{label}: the images of this file add up to more than {_megabytes(MAX_MEDIA_BYTES)}, "
                "more than one import accepts; split the export into several files",
            )
        self.media[media.digest] = media
        return media

    def resolve(self, text: str, holder: ET.Element | None, label: str, report: Report) -> str:
        """`text` with each @@PLUGINFILE@@ link to an image among `holder`'s files made a media: link."""
        if PLUGINFILE not in text:
            return text
        files: dict[str, ET.Element] = {}
        for file in holder.findall("file") if holder is not None else ():  # its own files, not its feedback's
            path = file.get("path", "/") or "/"
            files.setdefault(posixpath.join(path, file.get("name", "")), file)

        def link(match: re.Match[str]) -> str:
            path = unquote(match.group(1))
            file = files.get(path)
            if file is None:
                report(f"image {path.lstrip('/')!r} is not in the file; its link was left as it was")
                return match.group(0)
            found = self.decode(file, path.lstrip("/"), label)
            if isinstance(found, str):
                report(f"file {path.lstrip('/')!r} {found}; its link was left as it was")
                return match.group(0)
            self.pending.add(found.digest)
            return media_ref(found.digest)

        return _LINK.sub(link, text)

    def old_image(self, question: ET.Element, label: str, report: Report) -> str:
        """Markdown for a Moodle 1.9/2.x `<image>` + `<image_base64>` pair, or '' when there is none."""
        name_element, data_element = question.find("image"), question.find("image_base64")
        name = " ".join((name_element.text or "").split()) if name_element is not None else ""
        if not name:
            return ""
        if data_element is None or not (data_element.text or "").strip():
            report(f"image {name!r} is not in the file (only its name is); it was left out")
            return ""
        found = self.decode(data_element, name, label)
        if isinstance(found, str):
            report(f"image {name!r} {found}; it was left out")
            return ""
        self.pending.add(found.digest)
        alt = posixpath.splitext(posixpath.basename(name))[0] or "image"
        return f"![{alt}]({media_ref(found.digest)})"


class MediaWriter:
    """Writes the media an item's text names as `<file>` children and links them as @@PLUGINFILE@@."""

    def __init__(self, media: Mapping[str, Media]) -> None:
        self.media = media

    def attach(self, text: str, holder: ET.Element, report: Report) -> str:
        digests = list(dict.fromkeys(MEDIA_REF.findall(text)))
        used: set[str] = set()
        for digest in digests:
            media = self.media.get(digest)
            if media is None:
                report(f"names the image media:{digest[:12]}..., which is not in the bank; Moodle will not show it")
                continue
            name = self.file_name(media, used)
            used.add(name)
            text = text.replace(media_ref(digest), f"{PLUGINFILE}/{quote(name)}")
            file = ET.SubElement(holder, "file", {"name": name, "path": "/", "encoding": "base64"})
            file.text = base64.b64encode(media.data).decode("ascii")
        return text

    @staticmethod
    def file_name(media: Media, used: set[str]) -> str:
        name = posixpath.basename(media.name)
        if _SAFE_NAME.match(name) and name not in used:
            return name
        return f"{media.digest[:16]}{EXTENSIONS.get(media.mime, '')}"
