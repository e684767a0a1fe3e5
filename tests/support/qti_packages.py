"""Building and taking apart QTI content packages in tests: zips from file maps, and older package layouts."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping

METADATA = "certify-metadata.json"
_COMPANION = re.compile(rb"\s*<resource identifier=\"CERTIFY-METADATA\".*?</resource>", re.S)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: Mapping[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def edited(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The package with one member changed (the change must change something)."""
    files = members(data)
    new = change(files[name])
    assert new != files[name], f"the edit left {name} as it was"
    files[name] = new
    return rezip(files)


def edited_metadata(data: bytes, change: Callable[[dict], object]) -> bytes:
    """The package with Certify's companion file changed through its parsed JSON (`change` edits in place)."""

    def apply(raw: bytes) -> bytes:
        document = json.loads(raw)
        change(document)
        return json.dumps(document).encode()

    return edited(data, METADATA, apply)


def without_metadata(data: bytes) -> bytes:
    """The package as a platform that drops files it does not know would pass it on: no companion file."""
    files = members(data)
    del files[METADATA]
    files["imsmanifest.xml"] = _COMPANION.sub(b"", files["imsmanifest.xml"])
    return rezip(files)


def legacy_package(data: bytes) -> bytes:
    """The package as Certify wrote it before the companion file: its JSON inside the manifest's metadata."""
    files = members(data)
    document = json.loads(files.pop(METADATA))
    manifest = _COMPANION.sub(b"", files["imsmanifest.xml"]).decode()
    manifest = manifest.replace(
        'xmlns:lom="http://ltsc.ieee.org/xsd/LOM"', 'xmlns:certify="https://certify.invalid/qti-ext"'
    )
    manifest = re.sub(r"\s*<lom:lom>.*?</lom:lom>", "", manifest, flags=re.S)
    manifest = re.sub(r"\s*<metadata>\s*</metadata>", "", manifest)
    bank = json.dumps(document["bank"], separators=(",", ":"))
    manifest = manifest.replace(
        "</schemaversion>", f'</schemaversion>\n    <certify:bank version="1">{_escape(bank)}</certify:bank>', 1
    )
    for identifier, source in document["items"].items():
        item = _escape(json.dumps(source, separators=(",", ":")))
        opening = re.search(rf'<resource identifier="{identifier}"[^>]*>', manifest)
        assert opening, identifier
        extension = f'\n      <metadata><certify:item version="1">{item}</certify:item></metadata>'
        manifest = manifest[: opening.end()] + extension + manifest[opening.end() :]
    files["imsmanifest.xml"] = manifest.encode()
    return rezip(files)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
