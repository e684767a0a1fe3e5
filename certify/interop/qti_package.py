"""QTI content packages: a zip with imsmanifest.xml, one XML document per item, its stimuli and media.

Writing (`write_qti3_package`) gives a QTI 3.0 package that validates against the QTI 3.0 and IMS CP
schemas: items under `items/`, each distinct shared stimulus once under `stimuli/`, each image the items
show once under `media/<sha256>.<ext>`, and Certify's metadata in a companion file (see `qti_manifest`).
It is deterministic: fixed timestamps and order, so the same bank always gives the same bytes.

Reading (`read_qti_package`) takes QTI 2.1, 2.2 and 3.0 packages as other platforms export them. Each
resource is read for what it is (see `_kind`); anything not imported is a warning, and an item whose
file is missing or unusable is a skip for that item, never the end of the package. Only a document it
reads (manifest, item, stimulus, included fragment) with entities or a DTD refuses the whole package.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Collection, Mapping
from typing import Any

from certify.core.banks import ID_PATTERN, PURPOSES, Bank, Item
from certify.core.imports import NEEDS_RATIONALE, rationale_warning, skip
from certify.core.source import Problem
from certify.interop.package_media import member_path
from certify.interop.qti_assets import PackageAssets
from certify.interop.qti_category import resource_category
from certify.interop.qti_export import package_files
from certify.interop.qti_links import media_in
from certify.interop.qti_manifest import CertifyMetadata, legacy_extension, read_metadata, resources_of
from certify.interop.qti_read import in_package, qti_item_to_item
from certify.interop.qti_stimulus import STIMULUS_TYPES
from certify.interop.qti_xml import local, parse_xml
from certify.interop.zipsafe import open_zip

ITEM_TYPES = (
    *("imsqti_item_xmlv2p0", "imsqti_item_xmlv2p1", "imsqti_item_xmlv2p2", "imsqti_item_xmlv3p0"),
    *("imsqti_apipitem_xmlv2p1", "imsqti_apipitem_xmlv2p2"),
)
STANDARD_TEMPLATES = frozenset({"match_correct", "map_response", "map_response_point"})
_ASSETS = ("webcontent", "associatedcontent/", "css", "pls", "controlfile", "resourcemetadata/", "resourceextmetadata/")
_EPOCH = (1980, 1, 1, 0, 0, 0)


def write_qti3_package(bank: Bank) -> tuple[bytes, list[Problem]]:
    """A QTI 3.0 content package for the bank, and warnings about what other platforms cannot represent."""
    files, problems = package_files(bank)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, content, compresslevel=9)
    return buffer.getvalue(), problems


def _kind(kind: str) -> str:
    """What a resource type is to the reader: item, stimulus, test, template, outcomes, fragment, qti12, asset."""
    if kind in ITEM_TYPES:
        return "item"
    if kind in STIMULUS_TYPES:
        return "stimulus"
    for prefix, name in (
        ("imsqti_test", "test"),
        ("imsqti_section", "test"),
        ("imsqti_rptemplate", "template"),
        ("imsqti_resprocessing", "template"),
        ("imsqti_outcomes", "outcomes"),
        ("imsqti_fragment", "fragment"),
        ("imsqti_xmlv1p2", "qti12"),
    ):
        if kind.startswith(prefix):
            return name
    return "asset" if kind.startswith(_ASSETS) else "unknown"


def _note(resource_id: str, kind: str, what: str, href: str) -> str:
    """The warning for a resource that is not imported ("" when it needs none)."""
    if what == "test":
        return f"resource {resource_id}: assessment tests and sections are not imported, only their items"
    if what == "template":
        name = posixpath.splitext(posixpath.basename(href))[0]
        if name in STANDARD_TEMPLATES:
            return ""  # Certify scores by the standard templates' rules already
        return (
            f"resource {resource_id}: Certify does not run response-processing templates from a package "
            f"({href or kind}); items that use one are scored from their correct response or mapping"
        )
    if what == "outcomes":
        return (
            f"resource {resource_id}: shared outcome declarations ({kind}) are not imported; Certify scores each item"
        )
    if what == "qti12":
        return (
            f"resource {resource_id}: a QTI 1.2 document inside a QTI 2/3 package is not imported; "
            "import QTI 1.2 exports (Canvas, Blackboard) as packages of their own"
        )
    if what == "unknown":
        return (
            f"resource {resource_id}: {kind or 'a resource without a type'} is not something Certify imports; ignored"
        )
    return ""


class _Reading:
    """One package being read: its files, metadata, and what has been found so far."""

    def __init__(self, filename: str, members: Mapping[str, bytes], manifest: str, bank_id: str) -> None:
        self.filename, self.members, self.manifest, self.bank_id = filename, members, manifest, bank_id
        self.where = f"{filename}/{manifest}"
        self.items: list[tuple[Item, str, list[Problem]]] = []  # each item, the file it came from, its warnings
        self.problems: list[Problem] = []
        self.metadata = CertifyMetadata()
        self.assets = PackageAssets(members, filename, bank_id)

    def path_of(self, href: str) -> str:
        """The package path a manifest href names ("" when it names none inside the package)."""
        path, why = member_path(self.manifest, href)
        return "" if why else path

    def extension(self, resource: Any, path: str) -> Mapping[str, Any] | None:
        ident = resource.get("identifier", "")
        found = self.metadata.items.get(ident) if ident in self.metadata.items else legacy_extension(resource, "item")
        if found is None or isinstance(found, dict):
            return found
        message = found if isinstance(found, str) else "Certify metadata is not a JSON object"
        self.problems.append(Problem(f"{self.filename}/{path}", 1, f"{message}; it is ignored", "warning"))
        return None


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
    """A bank from a QTI 2.1/2.2/3.0 content package (zip bytes); (None, problems) when nothing is usable.

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
    reading = _Reading(filename, members, manifests[0], bank_id)
    doc, manifest_problems = parse_xml(members[reading.manifest], reading.where)
    if doc is None:
        return None, manifest_problems
    reading.metadata, metadata_problems = read_metadata(doc, members, reading.manifest, filename)
    reading.problems.extend(metadata_problems)
    reading.assets.names = reading.metadata.stimuli
    header = reading.metadata.bank or legacy_extension(
        next((m for m in doc.root if local(m.tag) == "metadata"), doc.root.makeelement("x", {})), "bank"
    )
    stimuli: dict[str, str] = {}
    position = 0
    for resource in resources_of(doc):
        kind, ident = resource.get("type", "").strip(), resource.get("identifier", "?")
        href = resource.get("href") or next((f.get("href", "") for f in resource if local(f.tag) == "file"), "")
        what = _kind(kind)
        if what == "stimulus" and reading.path_of(href):
            stimuli[reading.path_of(href)] = ident
        note = _note(ident, kind, what, href)
        if note:
            reading.problems.append(Problem(reading.where, doc.line(resource), note, "warning"))
        if what != "item":
            continue
        position += 1
        path = reading.path_of(href)
        if not path or path not in members:
            reason = f"its item file {href!r} is not in the package" if href else "it names no item file"
            reading.problems.append(skip(reading.where, doc.line(resource), f"resource {ident}", reason))
            continue
        _read_item(reading, resource, path, competencies, default_competency, default_bloom, position, category_map)
    for path, ident in stimuli.items():
        if path not in reading.assets.stimuli:
            message = f"resource {ident}: the stimulus {path!r} is used by no item in the package; not imported"
            reading.problems.append(Problem(reading.where, 0, message, "warning"))
    if position == 0:
        reading.problems.append(Problem(reading.where, 1, "the manifest lists no QTI 2.x or 3.0 items"))
    return _finish(bank_id, title, filename, reading, header if isinstance(header, Mapping) else {})


def _read_item(
    reading: _Reading,
    resource: Any,
    path: str,
    competencies: Collection[str],
    default_competency: str,
    default_bloom: str,
    position: int,
    category_map: Mapping[str, str] | None = None,
) -> None:
    extension = reading.extension(resource, path)
    hint = extension.get("id") if extension is not None and isinstance(extension.get("id"), str) else ""
    fallback = f"{reading.bank_id}-{position:03d}"
    hook = reading.assets.hook(path, hint, fallback)
    item, problems = qti_item_to_item(
        reading.members[path],
        f"{reading.filename}/{path}",
        competencies=competencies,
        default_competency=default_competency,
        default_bloom=default_bloom,
        ref_fallback=fallback,
        extension=extension,
        category=resource_category(resource),
        category_map=category_map,
        attach=hook,
    )
    # Inside a package an unusable item document leaves that item out, not the package (entities still refuse it).
    name = hint or f"resource {resource.get('identifier', '?')}"
    problems = in_package(hook.keep(problems, item), name)
    reading.problems.extend(problems)
    if item is not None:
        reading.items.append((item, f"{reading.filename}/{path}", problems))


def _check_bank(bank_id: str, filename: str) -> list[Problem]:
    if ID_PATTERN.match(bank_id):
        return []
    return [Problem(filename, 0, f"bank id {bank_id!r} is not a simple identifier")]


def _finish(
    bank_id: str, title: str, filename: str, reading: _Reading, header: Mapping[str, Any]
) -> tuple[Bank | None, list[Problem]]:
    items, problems = [], [*reading.problems, *reading.assets.refused]
    seen: set[str] = set()
    for item, file, own in reading.items:
        if item.ref in seen:
            # The copy left out says only that; what it would have lost is not the kept item's loss.
            problems = [p for p in problems if not any(p is mine for mine in own)]
            reason = "its id is used twice in the package; the first one is kept"
            problems.append(skip(file, item.line, item.ref, reason))
            continue
        seen.add(item.ref)
        items.append(item)
    if not items and not any(p.severity == "error" for p in problems):
        problems.append(Problem(filename, 0, "no item could be imported"))
    if any(p.severity == "error" for p in problems):
        return None, problems
    without = sum(1 for item in items if item.rationale == NEEDS_RATIONALE)
    if without:
        problems.append(rationale_warning(filename, without, "QTI"))
    purpose = header.get("purpose") if header.get("purpose") in PURPOSES else "certification"
    description = str(header.get("description") or "")
    media = {digest: reading.assets.media[digest] for digest in sorted(_shown(items)) if digest in reading.assets.media}
    return Bank(bank_id, title, str(purpose), tuple(items), filename, description, media=media), problems


def _shown(items: list[Item]) -> set[str]:
    """The media the kept items name (a skipped item's images are not kept)."""
    return {digest for item in items for digest in media_in([item.content()])}


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
    """A one-item bank from a single QTI item document (no package: images inside it only as data: URIs)."""
    problems = _check_bank(bank_id, filename)
    if problems:
        return None, problems
    reading = _Reading(filename, {}, "", bank_id)
    assets = PackageAssets({}, "", bank_id, missing="is not in this file (import the whole package to keep it)")
    hook = assets.hook(filename, "", f"{bank_id}-001")
    item, problems = qti_item_to_item(
        data,
        filename,
        competencies=competencies,
        default_competency=default_competency,
        default_bloom=default_bloom,
        ref_fallback=f"{bank_id}-001",
        category_map=category_map,
        attach=hook,
    )
    reading.problems, reading.assets = hook.keep(problems, item), assets
    reading.items = [(item, filename, reading.problems)] if item else []
    return _finish(bank_id, title, filename, reading, {})
