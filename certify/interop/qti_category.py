"""The category of an item in a content package, from its resource's LOM metadata.

Platforms that file items under a subject or outcome say so in the manifest: an IEEE LOM (or IMS
metadata 1.2) `classification` whose `taxonPath` names the taxa from the broadest down, or a `general`
`keyword`. The category is that path joined with "/" (its last segment or the whole may name a
competency, see `certify.core.imports.competency_for`), else the first keyword, else "".
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml

from certify.interop.qti_xml import local


def _named(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local(child.tag) == name]


def _words(element: ET.Element) -> str:
    """The text of a LOM language string (`string` in LOM, `langstring` in IMS metadata 1.2), or plain text."""
    strings = [child for child in element if local(child.tag) in ("string", "langstring")]
    texts = [s.text for s in strings] if strings else [element.text]
    return next((" ".join(text.split()) for text in texts if text and text.strip()), "")


def resource_category(resource: ET.Element) -> str:
    """The category a manifest `<resource>` gives its item, or ""."""
    metadata = next((child for child in resource if local(child.tag) == "metadata"), None)
    if metadata is None:
        return ""
    # IMS metadata 1.2 spells it `taxonpath`, IEEE LOM `taxonPath`.
    for path in (e for e in metadata.iter() if local(e.tag).casefold() == "taxonpath"):
        taxa = [_words(entry) for taxon in _named(path, "taxon") for entry in _named(taxon, "entry")]
        if any(taxa):
            return "/".join(taxon for taxon in taxa if taxon)
    for keyword in (e for e in metadata.iter() if local(e.tag) == "keyword"):
        if words := _words(keyword):
            return words
    return ""
