"""Building QTI 3.0 XML from Certify's text: valid identifiers, and text with line breaks and formulas.

Item text is Markdown with formulas as `<math>` markup; in QTI each line break becomes `<br/>` and each
formula a MathML element (only what `certify.core.mathml` allows), in paragraphs split on blank lines.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # building trees only; parsing goes through defusedxml
from collections.abc import Hashable

from certify.interop.qti_mathml import SEGMENT
from certify.interop.qti_mathml import element as math_element

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class Identifiers:
    """Valid, unique QTI identifiers for arbitrary Certify ids (kept as they are when already valid)."""

    def __init__(self) -> None:
        self.assigned: dict[Hashable, str] = {}
        self.used: set[str] = set()

    def __call__(self, key: Hashable, wanted: str) -> str:
        if key in self.assigned:
            return self.assigned[key]
        base = wanted if _NCNAME.match(wanted) else "ID_" + re.sub(r"[^A-Za-z0-9_.-]", "_", wanted)
        candidate, number = base, 2
        while candidate in self.used:
            candidate, number = f"{base}_{number}", number + 1
        self.used.add(candidate)
        self.assigned[key] = candidate
        return candidate


def clean(text: str) -> str:
    """Text without the control characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _append(parent: ET.Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _lines(parent: ET.Element, text: str) -> None:
    lines = text.split("\n")
    _append(parent, lines[0])
    for line in lines[1:]:
        ET.SubElement(parent, "br").tail = line


def lines_into(parent: ET.Element, text: str) -> None:
    """Text with `<br/>` for each line break and MathML for each formula (in a paragraph, choice or feedback)."""
    text, start = clean(text), 0
    for match in SEGMENT.finditer(text):
        math = math_element(match.group())
        if math is not None:  # markup that is not well-formed MathML stays text
            _lines(parent, text[start : match.start()])
            parent.append(math)
            start = match.end()
    _lines(parent, text[start:])


def paragraphs_into(parent: ET.Element, text: str) -> None:
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines_into(sub(parent, "p"), paragraph.strip("\n"))
