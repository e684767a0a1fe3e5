"""QTI content packages: a zip with imsmanifest.xml and one XML document per item.

Certify's own data rides in the manifest, under the namespace
`https://certify.invalid/qti-ext`: `<certify:bank>` in the manifest metadata
(purpose, description) and `<certify:item>` in each resource's metadata (the
item's YAML source fields as JSON). Other platforms ignore it; Certify uses it
to re-import its own exports exactly. Writing is deterministic: fixed
timestamps and order, so the same bank always gives the same bytes.
"""

from __future__ import annotations

import io
import json
import posixpath
import xml.etree.ElementTree as ET  # building trees only; parsing goes through defusedxml
import zipfile
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import unquote

from certify.core.banks import ID_PATTERN, PURPOSES, Bank, Item, item_to_source
from certify.core.imports import NEEDS_RATIONALE, rationale_warning, skip
from certify.core.source import Problem
from certify.interop.qti_category import resource_category
from certify.interop.qti_read import in_package, qti_item_to_item
from certify.interop.qti_write import Identifiers, item_xml
from certify.interop.qti_xml import EXT_NS, XSI_NS, local, parse_xml
from certify.interop.zipsafe import open_zip

CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
ITEM_TYPES = ("imsqti_item_xmlv2p0", "imsqti_item_xmlv2p1", "imsqti_item_xmlv2p2", "imsqti_item_xmlv3p0")
EXT_VERSION = "1"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _manifest(bank: Bank, entries: list[tuple[str, str, Item]]) -> bytes:
    root = ET.Element("manifest")
    for name, value in (("xmlns", CP_NS), ("xmlns:xsi", XSI_NS), ("xmlns:certify", EXT_NS)):
        root.set(name, value)
    root.set("xsi:schemaLocation", f"{CP_NS} {CP_XSD}")
    root.set("identifier", "MANIFEST-" + Identifiers()("bank", bank.id))
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "QTI Package")
    _sub(metadata, "schemaversion", "3.0.0")
    bank_data = {"id": bank.id, "title": bank.title, "purpose": bank.purpose, "description": bank.description}
    _sub(metadata, "certify:bank", _json(bank_data), version=EXT_VERSION)
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    for identifier, href, item in entries:
        resource = _sub(resources, "resource", identifier="RES-" + identifier, type="imsqti_item_xmlv3p0", href=href)
        _sub(_sub(resource, "metadata"), "certify:item", _json(item_to_source(item)), version=EXT_VERSION)
        _sub(resource, "file", href=href)
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode()


def write_qti3_package(bank: Bank) -> tuple[bytes, list[Problem]]:
    """A QTI 3.0 content package for the bank, and warnings about what other platforms cannot represent."""
    identifiers = Identifiers()
    files: list[tuple[str, bytes]] = []
    entries: list[tuple[str, str, Item]] = []
    problems: list[Problem] = []
    for item in bank.items:
        identifier = identifiers(item.ref, item.ref)
        href = f"items/{identifier}.xml"
        document, warnings = item_xml(item, identifier)
        problems.extend(Problem(bank.file, item.line, f"item {item.ref}: {w}", "warning") for w in warnings)
        files.append((href, document))
        entries.append((identifier, href, item))
    files.insert(0, ("imsmanifest.xml", _manifest(bank, entries)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, content, compresslevel=9)
    return buffer.getvalue(), problems


def _extension(resource: ET.Element, name: str) -> Mapping[str, Any] | str | None:
    """The JSON object in a <certify:NAME> element, None when absent, or an error message."""
    for element in resource.iter(f"{{{EXT_NS}}}{name}"):
        if element.get("version") != EXT_VERSION:
            return f"Certify metadata version {element.get('version')!r} is not supported"
        try:
            data = json.loads(element.text or "")
        except (ValueError, RecursionError) as exc:
            return f"Certify metadata is not valid JSON ({exc})"
        return data if isinstance(data, dict) else "Certify metadata is not a JSON object"
    return None


def _check_bank(bank_id: str, filename: str) -> list[Problem]:
    if ID_PATTERN.match(bank_id):
        return []
    return [Problem(filename, 0, f"bank id {bank_id!r} is not a simple identifier")]


def _finish(
    bank_id: str, title: str, filename: str, items: list[Item], problems: list[Problem], header: Mapping[str, Any]
) -> tuple[Bank | None, list[Problem]]:
    """The bank of the items read (skips and warnings kept), or None when an error stops the file."""
    kept: dict[str, Item] = {}
    for item in items:
        if item.ref in kept:
            problems.append(skip(filename, 0, item.ref, "its id is used twice in the package; the first is kept"))
        else:
            kept[item.ref] = item
    items = list(kept.values())
    if not items and not any(p.severity == "error" for p in problems):
        problems.append(Problem(filename, 0, "no item could be imported"))
    if any(p.severity == "error" for p in problems):
        return None, problems
    without = sum(1 for item in items if item.rationale == NEEDS_RATIONALE)
    if without:
        problems.append(rationale_warning(filename, without, "QTI"))
    purpose = header.get("purpose") if header.get("purpose") in PURPOSES else "certification"
    description = str(header.get("description") or "")
    return Bank(bank_id, title, str(purpose), tuple(items), filename, description), problems


def read_qti_package(
    data: bytes,
    filename: str,
    *,
    competencies: Collection[str],
    bank_id: str,
    title: str,
    default_competency: str = "",
    default_bloom: str = "understand",
    category_map: Mapping[str, str] | None = None,
) -> tuple[Bank | None, list[Problem]]:
    """A bank from a QTI 2.1/2.2/3.0 content package (zip bytes); (None, problems) on an error.

    An item that cannot be imported (even an unreadable item file) is a skip naming it; the rest import.
    """
    problems = _check_bank(bank_id, filename)
    members, zip_problems = open_zip(data, filename)
    problems.extend(zip_problems)
    if problems:
        return None, problems
    manifests = sorted((name for name in members if posixpath.basename(name) == "imsmanifest.xml"), key=len)
    if not manifests or manifests[0].count("/") > 1:
        return None, [Problem(filename, 0, "the package has no imsmanifest.xml at its top level")]
    manifest_name = manifests[0]
    doc, manifest_problems = parse_xml(members[manifest_name], f"{filename}/{manifest_name}")
    if doc is None:
        return None, manifest_problems
    header = _extension(next((m for m in doc.root if local(m.tag) == "metadata"), ET.Element("x")), "bank")
    items: list[Item] = []
    position = 0
    for resources in (r for r in doc.root if local(r.tag) == "resources"):
        base = posixpath.dirname(manifest_name)
        for resource in (r for r in resources if local(r.tag) == "resource"):
            kind = resource.get("type", "")
            ident = resource.get("identifier", "?")
            if kind.startswith("imsqti_test") or kind.startswith("imsqti_section"):
                message = f"resource {ident}: assessment tests and sections are not imported, only their items"
                problems.append(Problem(f"{filename}/{manifest_name}", doc.line(resource), message, "warning"))
                continue
            if kind.startswith("imsqti") and kind not in ITEM_TYPES:
                message = f"resource {ident}: {kind} is not supported; use QTI 2.1, 2.2 or 3.0"
                problems.append(Problem(f"{filename}/{manifest_name}", doc.line(resource), message))
                continue
            if kind not in ITEM_TYPES:
                continue  # images, stylesheets and other assets
            position += 1
            href = resource.get("href") or next((f.get("href", "") for f in resource if local(f.tag) == "file"), "")
            path = posixpath.normpath(posixpath.join(base, unquote(href))) if href else ""
            if not href or path not in members:
                message = f"its item file {href!r} is not in the package"
                problems.append(skip(f"{filename}/{manifest_name}", doc.line(resource), ident, message))
                continue
            extension = _extension(resource, "item")
            if isinstance(extension, str):
                problems.append(Problem(f"{filename}/{path}", 1, f"{extension}; it is ignored", "warning"))
                extension = None
            item, item_problems = qti_item_to_item(
                members[path],
                f"{filename}/{path}",
                competencies=competencies,
                default_competency=default_competency,
                default_bloom=default_bloom,
                ref_fallback=f"{bank_id}-{position:03d}",
                extension=extension,
                category=resource_category(resource),
                category_map=category_map,
            )
            problems.extend(in_package(item_problems, ident))
            if item is not None:
                items.append(item)
    if position == 0 and not problems:
        problems.append(Problem(f"{filename}/{manifest_name}", 1, "the manifest lists no QTI items"))
    return _finish(bank_id, title, filename, items, problems, header if isinstance(header, dict) else {})


def read_qti_xml(
    data: bytes,
    filename: str,
    *,
    competencies: Collection[str],
    bank_id: str,
    title: str,
    default_competency: str = "",
    default_bloom: str = "understand",
    category_map: Mapping[str, str] | None = None,
) -> tuple[Bank | None, list[Problem]]:
    """A one-item bank from a single QTI item document (no manifest, so no Certify metadata)."""
    problems = _check_bank(bank_id, filename)
    if problems:
        return None, problems
    item, problems = qti_item_to_item(
        data,
        filename,
        competencies=competencies,
        default_competency=default_competency,
        default_bloom=default_bloom,
        ref_fallback=f"{bank_id}-001",
        category_map=category_map,
    )
    return _finish(bank_id, title, filename, [item] if item else [], problems, {})
