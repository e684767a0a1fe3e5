"""Which response processing scores a QTI item: a standard template (by name, never fetched) or its own rules.

The standard templates are named by URI (QTI 2.1/2.2
`http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response`, QTI 3
`https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml`) or by a `templateLocation`
path ending in the same name; only the name matters. Custom processing is read for what it does: a
`mapResponse` means mapped partial credit, a `match` against the correct response means all or nothing,
comparisons of a number are read by `qti_numeric`. Operators Certify does not read are named, so the
item can be reported as scored differently.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from dataclasses import dataclass, field

from certify.interop.qti_xml import children

TEMPLATES = ("match_correct", "map_response", "map_response_point")
# Elements of response processing whose meaning Certify reads (anything else is reported).
READ = frozenset(
    {
        *("response-processing", "response-condition", "response-if", "response-else-if", "response-else"),
        *("set-outcome-value", "base-value", "variable", "correct", "null", "is-null", "and"),
        *("match", "map-response", "map-response-point", "equal", "equal-rounded", "gte", "gt", "lte", "lt"),
    }
)


@dataclass
class Processing:
    """How the item is scored: `kind` is match_correct, map_response, map_response_point, custom or none."""

    kind: str
    element: ET.Element | None = None
    template: str = ""  # the template's name when one is used
    unread: list[str] = field(default_factory=list)  # operators of custom processing Certify ignores

    @property
    def custom(self) -> bool:
        return self.element is not None and not self.template


def template_name(reference: str) -> str:
    """The standard template a URI or path names ("match_correct"...), or "" when it names none."""
    path = re.split(r"[?#]", reference.strip())[0].rstrip("/")
    name = path.rsplit("/", 1)[-1].lower().removesuffix(".xml")
    return name if name in TEMPLATES else ""


def processing_of(root: ET.Element) -> tuple[Processing, list[str]]:
    """The item's response processing, and warnings about a template Certify does not know."""
    element = next(iter(children(root, "response-processing")), None)
    if element is None:
        return Processing("none"), []
    reference = (element.get("template") or element.get("template-location") or "").strip()
    if reference:
        name = template_name(reference)
        if name:
            return Processing(name, element, name), []
        if not len(element):
            warning = f"its response processing template {reference!r} is not a standard one; scored as match_correct"
            return Processing("match_correct", element, "match_correct"), [warning]
    tags = {e.tag for e in element.iter() if isinstance(e.tag, str)}
    unread = sorted(tags - READ)
    if "map-response" in tags:
        kind = "map_response"
    elif "map-response-point" in tags:
        kind = "map_response_point"
    elif "match" in tags and "correct" in tags:
        kind = "match_correct"
    else:
        kind = "custom" if len(element) else "none"
    return Processing(kind, element, unread=unread), []
