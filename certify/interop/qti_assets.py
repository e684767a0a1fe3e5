"""What an item in a QTI package points at: its images, a shared stimulus, and content it includes.

`PackageAssets` holds one package's files and gathers what its items show: media by sha256 (for
`Bank.media`) and each stimulus document, read once however many items use it. `PackageAssets.hook(...)`
is what `qti_item_to_item` calls on an item document it has just parsed: it expands `xi:include`d
fragments in place (XInclude, as QTI 2.2 uses for shared content), reads the stimulus the item refers to
(`assessment-stimulus-ref`, or an included stimulus document), keeps the images, and returns the fields
to add to the item (`stimulus`) with a warning, naming the item, for everything it could not keep.
References it has handled are taken out of the document, so it compares equal to what Certify writes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from collections.abc import Mapping
from typing import Any

from certify.core.banks import ID_PATTERN
from certify.core.media import Media
from certify.core.source import Problem
from certify.interop.package_media import MediaReader
from certify.interop.qti_stimulus import is_stimulus, stimulus_parts
from certify.interop.qti_xml import REFUSED, Doc, normalise, parse_xml

XI_INCLUDE = "{http://www.w3.org/2001/XInclude}include"


class PackageAssets:
    """The files of one package and what its items showed from them."""

    def __init__(
        self,
        members: Mapping[str, bytes],
        filename: str,
        bank_id: str,
        stimulus_names: Mapping[str, Mapping[str, str]] | None = None,
        missing: str = "is not in the package",
    ) -> None:
        self.members = members
        self.filename = filename
        self.bank_id = bank_id
        self.names = stimulus_names or {}  # QTI identifier -> the Certify id and title it had (Certify's metadata)
        self.missing = missing  # why a file the package does not have was left out
        self.media: dict[str, Media] = {}
        self.reader = MediaReader(members, self.media, missing)
        self.stimuli: dict[str, dict[str, str] | None] = {}  # package path -> stimulus (None: unusable)
        self.refused: list[Problem] = []  # documents with entities or a DTD: they refuse the whole package

    def parse(self, path: str) -> tuple[Doc | None, list[Problem]]:
        """The document at `path`; one with entities or a DTD is noted in `refused` (and gives no problem here)."""
        doc, problems = parse_xml(self.members[path], f"{self.filename}/{path}")
        refused = [p for p in problems if p.message == REFUSED]
        if refused and not any(p.file == refused[0].file for p in self.refused):
            self.refused.append(refused[0])
        return doc, [p for p in problems if p.message != REFUSED]

    def hook(self, path: str, label_hint: str, fallback: str) -> ItemHook:
        """The hook for the item document at `path` (known as `label_hint`, else its identifier or `fallback`)."""
        return ItemHook(self, path, label_hint, fallback)

    def stimulus(self, path: str, label: str) -> tuple[dict[str, str] | None, list[str]]:
        """The stimulus in the document at `path`, read once; warnings the first time only."""
        if path in self.stimuli:
            return self.stimuli[path], []
        self.stimuli[path] = None
        doc, problems = self.parse(path)
        if doc is None:
            if not problems:
                return None, []  # refused: the package is
            return None, [f"{label}: its stimulus {path!r} cannot be read ({problems[0].message}); it was left out"]
        normalise(doc)
        if not is_stimulus(doc):
            return None, [f"{label}: {path!r} is not a QTI assessment stimulus; it was left out"]
        warnings = [message for _, message in self.reader.embed(doc, path, f"{label} (stimulus {path!r})")]
        identifier, title, text = stimulus_parts(doc)
        if not text:
            return None, [*warnings, f"{label}: its stimulus {path!r} has no text Certify can show; it was left out"]
        known = self.names.get(identifier, {})
        ident = str(known.get("id") or identifier)
        if not ID_PATTERN.match(ident):
            ident = f"{self.bank_id[:48]}-stimulus-{len(self.stimuli)}"
        found = {"id": ident, "title": str(known.get("title", title)), "text": text}
        self.stimuli[path] = found
        return found, warnings


class ItemHook:
    """Called with the item's parsed document; keeps the warnings it gave, which are noise if the item is skipped."""

    def __init__(self, package: PackageAssets, path: str, label_hint: str, fallback: str) -> None:
        self.package, self.path, self.label_hint, self.fallback = package, path, label_hint, fallback
        self.problems: list[Problem] = []

    def __call__(self, doc: Doc) -> tuple[dict[str, Any], list[Problem]]:
        fields, self.problems = _ItemLinks(self.package, self.path, doc, self.label_hint, self.fallback).attach()
        return fields, self.problems

    def keep(self, problems: list[Problem], item: object) -> list[Problem]:
        """`problems` less this hook's own when the item was not imported (its images do not matter then)."""
        if item is not None:
            return problems
        return [p for p in problems if not any(p is own for own in self.problems)]


class _ItemLinks:
    """One item document's includes, stimulus references and images (see the module's rule)."""

    def __init__(self, package: PackageAssets, path: str, doc: Doc, label_hint: str, fallback: str) -> None:
        self.package, self.path, self.doc = package, path, doc
        identifier = doc.root.get("identifier", "").strip()
        self.label = "item " + (label_hint or (identifier if ID_PATTERN.match(identifier) else fallback))
        self.parents = {child: parent for parent in doc.root.iter() for child in parent}
        self.stimuli: list[dict[str, str]] = []
        self.problems: list[Problem] = []

    def warn(self, message: str, element: ET.Element | None = None) -> None:
        item = self.label.removeprefix("item ")
        file = f"{self.package.filename}/{self.path}" if self.package.filename else self.path
        self.problems.append(Problem(file, self.doc.line(element), message, "warning", item=item))

    def attach(self) -> tuple[dict[str, Any], list[Problem]]:
        for include in list(self.doc.root.iter(XI_INCLUDE)):
            self.include(include)
        for reference in [e for e in self.doc.root.iter() if e.tag == "assessment-stimulus-ref"]:
            self.refer(reference, reference.get("href", ""), "stimulus")
            self.remove(reference)
        for element, warning in self.package.reader.embed(self.doc, self.path, self.label):
            self.warn(warning, element)
        if not self.stimuli:
            return {}, self.problems
        kept, *others = self.stimuli
        dropped = [s["id"] for s in others if s["id"] != kept["id"]]
        if dropped:
            message = f"{self.label}: Certify shows one stimulus per item; {kept['id']} is kept, {', '.join(dropped)}"
            self.warn(message + " left out", self.doc.root)
        return {"stimulus": kept}, self.problems

    def target(self, element: ET.Element, href: str, what: str) -> str:
        """The package path `href` names, or "" after warning why it cannot be read."""
        path, why = self.package.reader.locate(self.path, href)
        if why:
            self.warn(f"{self.label}: the {what} {href!r} it refers to {why}; it was left out", element)
            return ""
        return path

    def refer(self, element: ET.Element, href: str, what: str) -> None:
        path = self.target(element, href, what)
        if path:
            stimulus, warnings = self.package.stimulus(path, self.label)
            for warning in warnings:
                self.warn(warning, element)
            if stimulus is not None:
                self.stimuli.append(stimulus)

    def include(self, element: ET.Element) -> None:
        """Put an included fragment where the include is; an included stimulus becomes the item's stimulus."""
        href = element.get("href", "")
        path = self.target(element, href, "content")
        fragment = None
        if path:
            fragment, problems = self.package.parse(path)
            if fragment is None and problems:
                why = problems[0].message
                self.warn(
                    f"{self.label}: the content it includes from {href!r} cannot be read ({why}); left out", element
                )
        if fragment is not None:
            normalise(fragment)
            if is_stimulus(fragment):
                self.refer(element, href, "stimulus")
            else:
                for _, warning in self.package.reader.embed(fragment, path, self.label):
                    self.warn(warning, element)
                fragment.root.tail = element.tail
                parent = self.parents[element]
                parent.insert(list(parent).index(element), fragment.root)
                parent.remove(element)
                return
        self.remove(element)

    def remove(self, element: ET.Element) -> None:
        """Take an element out of the document, keeping the text that followed it."""
        parent = self.parents.get(element)
        if parent is None:
            return
        index = list(parent).index(element)
        if element.tail:
            if index:
                previous = parent[index - 1]
                previous.tail = (previous.tail or "") + element.tail
            else:
                parent.text = (parent.text or "") + element.tail
        parent.remove(element)
