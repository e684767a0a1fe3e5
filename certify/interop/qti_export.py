"""The files of a QTI 3.0 package for a bank: manifest, Certify's metadata, items, stimuli and media.

Each item is `items/<identifier>.xml`. Each distinct stimulus (same id, title and text) is written once,
`stimuli/<identifier>.xml`, a resource its items depend on. Each image an item or stimulus names
(`media:<sha256>`) is written once, `media/<sha256>.<ext>`, from `Bank.media`, and listed as a file of
every resource that shows it; an image the bank does not carry is a warning and stays as text.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from typing import Any

from certify.core.bank_source import item_to_source
from certify.core.banks import Bank, Item
from certify.core.source import Problem
from certify.interop.package_media import IMAGE_TYPES
from certify.interop.qti_links import Links, media_in
from certify.interop.qti_manifest import METADATA_FILE, METADATA_TYPE, Resource, manifest_xml, metadata_json
from certify.interop.qti_stimulus import stimulus_xml
from certify.interop.qti_write import Identifiers, item_xml

_BUILT_IN_TYPES = mimetypes.MimeTypes()  # Python's own table only (not the machine's), so exports are the same anywhere


def _extension(mime: str) -> str:
    """The file extension for a media type (the usual one for images, else Python's table's, else "bin")."""
    return IMAGE_TYPES.get(mime) or (_BUILT_IN_TYPES.guess_extension(mime) or ".bin").lstrip(".")


class _Export:
    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.paths = {d: f"media/{d}.{_extension(m.mime)}" for d, m in bank.media.items()}
        self.links = {digest: "../" + path for digest, path in self.paths.items()}
        self.items = Identifiers()
        self.stimulus_ids = Identifiers()
        self.problems: list[Problem] = []
        self.documents: list[tuple[str, bytes]] = []
        self.stimulus_documents: list[tuple[str, bytes]] = []
        self.item_resources: list[Resource] = []
        self.stimulus_resources: list[Resource] = []
        self.item_metadata: dict[str, Any] = {}
        self.stimulus_metadata: dict[str, dict[str, str]] = {}
        self.written_stimuli: dict[tuple[str, str, str], tuple[str, str, str]] = {}
        self.shown: set[str] = set()

    def warn(self, item: Item, message: str) -> None:
        self.problems.append(
            Problem(self.bank.file, item.line, f"item {item.ref}: {message}", "warning", item=item.ref)
        )

    def media_files(self, item: Item, values: list[Any], what: str) -> tuple[str, ...]:
        """The package paths of the images named in `values`, warning about any the bank does not carry."""
        files = []
        for digest in media_in(values):
            if digest in self.paths:
                files.append(self.paths[digest])
                self.shown.add(digest)
            else:
                self.warn(
                    item,
                    f"{what} names the image media:{digest}, which the bank does not carry; "
                    "it stays as text in the package",
                )
        return tuple(files)

    def stimulus(self, item: Item, stimulus: Mapping[str, str]) -> tuple[str, str, str]:
        """(identifier, href from an item, title) of the item's stimulus, written the first time it is met."""
        key = (stimulus["id"], stimulus.get("title", ""), stimulus["text"])
        if key not in self.written_stimuli:
            identifier = self.stimulus_ids(key, stimulus["id"])
            href = f"stimuli/{identifier}.xml"
            files = self.media_files(item, [stimulus["text"]], f"its stimulus {stimulus['id']}")
            self.stimulus_documents.append((href, stimulus_xml(stimulus, identifier, Links(self.links))))
            resource = Resource(f"STIM-{identifier}", "imsqti_stimulus_xmlv3p0", (href, *files), title=key[1])
            self.stimulus_resources.append(resource)
            self.stimulus_metadata[identifier] = {"id": key[0], "title": key[1]}
            self.written_stimuli[key] = (identifier, "../" + href, key[1])
        return self.written_stimuli[key]

    def item(self, item: Item) -> None:
        identifier = self.items(item.ref, item.ref)
        href = f"items/{identifier}.xml"
        source = item_to_source(item)
        source.pop("stimulus", None)  # the stimulus travels as its own resource, its id and title in `stimuli`
        files = self.media_files(item, [source], "it")
        link, dependencies = None, ()
        if item.stimulus:
            link = self.stimulus(item, item.stimulus)
            dependencies = (f"STIM-{link[0]}",)
        document, warnings = item_xml(item, identifier, Links(self.links, link))
        for warning in warnings:
            self.warn(item, warning)
        self.documents.append((href, document))
        resource = Resource(f"RES-{identifier}", "imsqti_item_xmlv3p0", (href, *files), dependencies, item.title)
        self.item_resources.append(resource)
        self.item_metadata[resource.identifier] = source


def package_files(bank: Bank) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """The package's files in their fixed order, and warnings about what other platforms cannot represent."""
    export = _Export(bank)
    for item in bank.items:
        export.item(item)
    header = {"id": bank.id, "title": bank.title, "purpose": bank.purpose, "description": bank.description}
    companion = Resource("CERTIFY-METADATA", METADATA_TYPE, (METADATA_FILE,))
    resources = [*export.item_resources, *export.stimulus_resources, companion]
    manifest_id = "MANIFEST-" + Identifiers()("bank", bank.id)
    files = [
        ("imsmanifest.xml", manifest_xml(manifest_id, bank.title, bank.description, resources)),
        (METADATA_FILE, metadata_json(header, export.item_metadata, export.stimulus_metadata)),
        *export.documents,
        *export.stimulus_documents,
        *sorted((export.paths[d], bank.media[d].data) for d in export.shown),
    ]
    return files, export.problems
