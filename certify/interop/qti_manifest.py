"""The manifest of a QTI 3.0 content package, and where Certify keeps what QTI cannot hold.

`imsmanifest.xml` follows the QTI 3.0 profile of IMS CP 1.2 and nothing else: the bank's title and
description as LOM in the manifest metadata, and per resource its files (an item's own XML first, then
the media it shows) and dependencies (the stimulus it refers to). Certify's own data rides in a companion
file, `certify-metadata.json`, listed as an `associatedcontent/learning-application-resource`:

    {"format": "certify-qti-metadata", "version": 1,
     "bank": {"id", "title", "purpose", "description"},
     "items": {<item resource identifier>: <the item's YAML source fields, less its stimulus>},
     "stimuli": {<stimulus QTI identifier>: {"id", "title"}}}

Other platforms ignore it; Certify uses it to re-import its own exports exactly. Packages written before
it existed kept the same JSON in the manifest (`<certify:bank>`, `<certify:item>` in the namespace
`https://certify.invalid/qti-ext`); `legacy_extension` still reads them.
"""

from __future__ import annotations

import json
import posixpath
import xml.etree.ElementTree as ET  # building trees only; parsing goes through defusedxml
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from certify.core.source import Problem
from certify.interop.qti_write import clean
from certify.interop.qti_xml import EXT_NS, XSI_NS, Doc, local

CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
LOM_NS = "http://ltsc.ieee.org/xsd/LOM"
LOM_XSD = "https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/imsmd_loose_v1p3p2.xsd"
METADATA_FILE = "certify-metadata.json"
METADATA_TYPE = "associatedcontent/learning-application-resource"
METADATA_FORMAT = "certify-qti-metadata"
METADATA_VERSION = 1
LEGACY_VERSION = "1"  # the `version` attribute of the old in-manifest elements


@dataclass(frozen=True)
class Resource:
    """One resource of the manifest as written: its files in order and the resources it depends on."""

    identifier: str
    type: str
    files: tuple[str, ...]
    dependencies: tuple[str, ...] = ()
    title: str = ""  # LOM general/title, when the resource has one worth naming


@dataclass
class CertifyMetadata:
    """What Certify's companion file says (empty when the package has none)."""

    bank: Mapping[str, Any] = field(default_factory=dict)
    items: Mapping[str, Any] = field(default_factory=dict)
    stimuli: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = clean(text) if text is not None else None
    return element


def _lom(parent: ET.Element, title: str, description: str = "") -> None:
    general = _sub(_sub(parent, "lom:lom"), "lom:general")
    _sub(_sub(general, "lom:title"), "lom:string", title)
    if description:
        _sub(_sub(general, "lom:description"), "lom:string", description)


def manifest_xml(identifier: str, bank_title: str, description: str, resources: list[Resource]) -> bytes:
    """imsmanifest.xml for the package's resources, valid against the QTI 3.0 CP profile."""
    root = ET.Element("manifest")
    for name, value in (("xmlns", CP_NS), ("xmlns:lom", LOM_NS), ("xmlns:xsi", XSI_NS)):
        root.set(name, value)
    root.set("xsi:schemaLocation", f"{CP_NS} {CP_XSD} {LOM_NS} {LOM_XSD}")
    root.set("identifier", identifier)
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "QTI Package")
    _sub(metadata, "schemaversion", "3.0.0")
    _lom(metadata, bank_title, description)
    _sub(root, "organizations")
    listed = _sub(root, "resources")
    for resource in resources:
        element = _sub(listed, "resource", identifier=resource.identifier, type=resource.type, href=resource.files[0])
        if resource.title:
            _lom(_sub(element, "metadata"), resource.title)
        for href in resource.files:
            _sub(element, "file", href=href)
        for dependency in resource.dependencies:
            _sub(element, "dependency", identifierref=dependency)
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode()


def metadata_json(bank: Mapping[str, Any], items: Mapping[str, Any], stimuli: Mapping[str, Mapping[str, str]]) -> bytes:
    """The companion file's bytes (deterministic: the order given, ASCII only)."""
    document = {
        "format": METADATA_FORMAT,
        "version": METADATA_VERSION,
        "bank": dict(bank),
        "items": dict(items),
        "stimuli": {key: dict(value) for key, value in stimuli.items()},
    }
    return (json.dumps(document, ensure_ascii=True, separators=(",", ":")) + "\n").encode()


def resources_of(doc: Doc) -> list[ET.Element]:
    """Every <resource> of the manifest, in order."""
    return [r for group in doc.root if local(group.tag) == "resources" for r in group if local(r.tag) == "resource"]


def read_metadata(
    doc: Doc, members: Mapping[str, bytes], manifest: str, filename: str
) -> tuple[CertifyMetadata, list[Problem]]:
    """Certify's companion file, if the manifest lists one; a warning (and nothing) when it cannot be used."""
    base = posixpath.dirname(manifest)
    for resource in resources_of(doc):
        href = resource.get("href", "")
        if posixpath.basename(href) != METADATA_FILE:
            continue
        path = posixpath.normpath(posixpath.join(base, href))
        where = f"{filename}/{path}"
        if path not in members:
            return CertifyMetadata(), [
                Problem(where, 0, f"{METADATA_FILE} is listed but missing; it is ignored", "warning")
            ]
        try:
            data = json.loads(members[path])
        except (ValueError, RecursionError) as exc:
            return CertifyMetadata(), [
                Problem(where, 1, f"Certify metadata is not valid JSON ({exc}); it is ignored", "warning")
            ]
        problem = _shape(data)
        if problem:
            return CertifyMetadata(), [Problem(where, 1, f"Certify metadata {problem}; it is ignored", "warning")]
        stimuli = {k: v for k, v in data["stimuli"].items() if isinstance(v, dict)}
        return CertifyMetadata(data["bank"], data["items"], stimuli), []
    return CertifyMetadata(), []


def _shape(data: Any) -> str:
    """What is wrong with the companion file's shape ("" when nothing)."""
    if not isinstance(data, dict) or data.get("format") != METADATA_FORMAT:
        return "is not Certify's QTI metadata"
    if data.get("version") != METADATA_VERSION:
        return f"version {data.get('version')!r} is not supported"
    if not all(isinstance(data.get(name, {}), dict) for name in ("bank", "items", "stimuli")):
        return "has a `bank`, `items` or `stimuli` that is not a JSON object"
    data.setdefault("bank", {})
    data.setdefault("items", {})
    data.setdefault("stimuli", {})
    return ""


def legacy_extension(element: ET.Element, name: str) -> Mapping[str, Any] | str | None:
    """The JSON object in an old in-manifest <certify:NAME> element, None when absent, or an error message."""
    for found in element.iter(f"{{{EXT_NS}}}{name}"):
        if found.get("version") != LEGACY_VERSION:
            return f"Certify metadata version {found.get('version')!r} is not supported"
        try:
            data = json.loads(found.text or "")
        except (ValueError, RecursionError) as exc:
            return f"Certify metadata is not valid JSON ({exc})"
        return data if isinstance(data, dict) else "Certify metadata is not a JSON object"
    return None
