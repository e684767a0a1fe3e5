"""Shared stimuli as QTI documents: a passage, case or exhibit that several items point at.

QTI 3.0 keeps one in its own `qti-assessment-stimulus` document (a `qti-stimulus-body` of XHTML), listed
in the manifest as an `imsqti_stimulus_xmlv3p0` resource; each item that uses it has a
`qti-assessment-stimulus-ref` (identifier, href, title). QTI 2.2 has the same shape in camelCase
(`assessmentStimulus`, `stimulusBody`, `assessmentStimulusRef`), which `qti_xml.normalise` folds into one
vocabulary. Certify keeps the stimulus on each item that uses it (`Item.stimulus`: id, title, Markdown text).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # building trees only; parsing goes through defusedxml
from collections.abc import Mapping

from certify.interop.qti_links import Links, embed_images
from certify.interop.qti_write import clean, paragraphs_into, sub
from certify.interop.qti_xml import QTI3_NS, XSI_NS, Doc, children, to_text

STIMULUS_TYPES = ("imsqti_stimulus_xmlv2p2", "imsqti_stimulus_xmlv3p0", "imsqti_apipstimulus_xmlv2p2")
STIMULUS_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"


def stimulus_xml(stimulus: Mapping[str, str], identifier: str, links: Links) -> bytes:
    """The QTI 3.0 stimulus document for a Certify stimulus (its images as files `links` names)."""
    root = ET.Element("qti-assessment-stimulus")
    root.set("xmlns", QTI3_NS)
    root.set("xmlns:xsi", XSI_NS)
    root.set("xsi:schemaLocation", f"{QTI3_NS} {STIMULUS_XSD}")
    root.set("identifier", identifier)
    root.set("title", clean(stimulus.get("title") or identifier))
    body = sub(root, "qti-stimulus-body")
    paragraphs_into(body, stimulus["text"])
    embed_images(body, links)
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode()


def is_stimulus(doc: Doc) -> bool:
    """Whether a normalised document is a QTI 2.2 or 3.0 assessment stimulus."""
    return doc.root.tag == "assessment-stimulus" and bool(doc.version)


def stimulus_parts(doc: Doc) -> tuple[str, str, str]:
    """(identifier, title, Markdown text) of a normalised stimulus document; title "" when it repeats the id.

    Call it after the document's images were read (see `package_media`), so the text names them.
    """
    identifier = doc.root.get("identifier", "").strip()
    title = " ".join(doc.root.get("title", "").split())
    text = "\n\n".join(t for body in children(doc.root, "stimulus-body") if (t := to_text(body)))
    return identifier, "" if title == identifier else title, text
