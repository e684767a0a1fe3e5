"""Which bank format a file is, decided by its content; the file name's extension only breaks ties.

Platforms name their exports loosely: Moodle downloads GIFT as `.txt` (the extension Aiken uses too),
Canvas and TAO both ship `.zip` packages of different QTI versions, and any of the XML formats may arrive as
`.xml`. So the bytes decide: a zip by its members, XML by its document element, text by the shapes only
one format has (GIFT's answer braces, Aiken's `ANSWER:` lines, our YAML's `bank:` mapping).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

LABELS = {
    "yaml": "Certify YAML",
    "gift": "GIFT",
    "aiken": "Aiken",
    "moodle_xml": "Moodle XML",
    "qti12": "QTI 1.2",
    "qti_item": "QTI 2.x/3.0 item",
    "qti_package": "QTI 2.x/3.0 content package",
    "qti12_package": "QTI 1.2 package (Canvas, Blackboard)",
    "unknown": "an unrecognised file",
}
# What each extension suggests when the content alone does not tell.
BY_EXTENSION = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".gift": "gift",
    ".txt": "aiken",
    ".xml": "qti_item",
    ".qti": "qti12",
    ".dat": "qti12",  # Blackboard's pool and test exports
    ".zip": "qti_package",
    ".imscc": "qti12_package",
}
_ROOTS = {
    "quiz": "moodle_xml",
    "questestinterop": "qti12",
    "assessmentItem": "qti_item",
    "qti-assessment-item": "qti_item",
}
_XML_HEAD = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<([A-Za-z_][\w.:-]*)", re.S)
_AIKEN_ANSWER = re.compile(r"^ANSWER:\s*[A-Za-z]\s*$", re.M)
_AIKEN_OPTION = re.compile(r"^[A-Za-z][.)]\s+\S", re.M)
_GIFT_BLOCK = re.compile(  # an answer block: braces holding =, ~, #, T/F or ->, or empty braces (an essay)
    r"(?<!\\)\{[^{}]*(?:[=~#]|\bT(?:RUE)?\b|\bF(?:ALSE)?\b|->)[^{}]*(?<!\\)\}|(?<!\\)\{\s*\}", re.S
)
_GIFT_MARKS = re.compile(r"^\s*(?:\$CATEGORY:|::[^:]*::)", re.M)
_YAML_BANK = re.compile(r"^bank:\s*$", re.M)


@dataclass(frozen=True)
class Detected:
    format: str  # a key of LABELS
    note: str  # how it was decided, for the preview and the command line

    @property
    def label(self) -> str:
        return LABELS[self.format]


def detect_format(filename: str, data: bytes) -> Detected:
    """The format of an uploaded bank file (see the module's rule)."""
    suffix = PurePath(filename).suffix.lower()
    hinted = BY_EXTENSION.get(suffix)
    found, why = _by_content(data)
    if found is None:
        if hinted is None:
            return Detected("unknown", "neither its content nor its extension names a bank format")
        return Detected(hinted, f"its content is not recognisable, so its extension {suffix} decides")
    if hinted is not None and hinted != found and suffix not in (".xml", ".zip"):
        return Detected(found, f"{why} (although its extension {suffix} suggests {LABELS[hinted]})")
    return Detected(found, why)


def _by_content(data: bytes) -> tuple[str | None, str]:
    if data[:4] == b"PK\x03\x04":
        return _package(data)
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    root = _XML_HEAD.match(head)
    if root is not None:
        name = root.group(1).decode("ascii", "replace").rsplit(":", 1)[-1]
        if name in _ROOTS:
            return _ROOTS[name], f"its XML document element is <{name}>"
        return None, f"its XML document element <{name}> is not one of a bank format"
    try:
        text = data[:200_000].decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "it is neither a zip package nor UTF-8 text"
    if _YAML_BANK.search(text) and re.search(r"^items:", text, re.M):
        return "yaml", "it is YAML with a `bank:` mapping and an `items:` list"
    blocks = len(_GIFT_BLOCK.findall(text))
    answers = len(_AIKEN_ANSWER.findall(text))
    if blocks and blocks >= answers:
        return "gift", "its questions have GIFT answer blocks in braces"
    if answers and _AIKEN_OPTION.search(text):
        return "aiken", "its questions end in `ANSWER:` lines after lettered options"
    if _GIFT_MARKS.search(text):
        return "gift", "it has GIFT titles or categories"
    return None, "its text has neither GIFT answer blocks nor Aiken `ANSWER:` lines"


def _holds_qti12(archive: zipfile.ZipFile, names: list[str]) -> bool:
    """Whether one of the first documents of a zip without a manifest is QTI 1.2 (the head of each is read)."""
    documents = [n for n in names if n.lower().endswith((".xml", ".dat", ".qti"))][:50]
    return any(_root_of(archive, name) == b"questestinterop" for name in documents)


def _root_of(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """A member's XML document element (local name), or None when it has none or cannot be read."""
    try:
        with archive.open(name) as handle:
            head = handle.read(4096)
    except Exception:  # a damaged member: the package reader reports it
        return None
    root = _XML_HEAD.match(head.lstrip(b"\xef\xbb\xbf"))
    return root.group(1).rsplit(b":", 1)[-1] if root is not None else None


def _package(data: bytes) -> tuple[str | None, str]:
    """A zip: QTI 1.2 (Canvas, Blackboard) or QTI 2.x/3.0, by what its manifest and documents declare."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except Exception:  # a damaged zip is the package reader's to report, with its reason
        return "qti_package", "it is a zip archive (a content package)"
    lowered = [n.lower() for n in names]
    if not any(PurePath(n).name == "imsmanifest.xml" for n in lowered):
        if _holds_qti12(archive, names):
            return "qti12_package", "its documents are QTI 1.2 (<questestinterop>), as Blackboard exports"
        return "qti_package", "it is a zip archive (a content package)"
    manifest = next(n for n in names if PurePath(n.lower()).name == "imsmanifest.xml")
    try:
        with archive.open(manifest) as handle:
            text = handle.read(262_144)
    except Exception:  # as above: detection never fails, the reader explains
        return "qti_package", "it is a content package"
    if re.search(rb"imsqti_xmlv1p2|imsqti_item_xmlv1p2|questestinterop", text) or any(
        n.endswith((".xml.qti", "assessment_meta.xml")) for n in lowered
    ):
        return "qti12_package", "its manifest lists QTI 1.2 assessments (as Canvas and Blackboard export)"
    return "qti_package", "its manifest lists QTI 2.x/3.0 resources"
