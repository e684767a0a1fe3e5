"""MathML in QTI items: kept as `<math>` markup inside an item's Markdown, and written back as MathML.

On import a formula becomes one line of markup holding only what `certify.core.mathml` allows, with
whitespace normalised (MathML ignores the whitespace around token text) and the characters Markdown
would read as emphasis, code or links written as character references, so the formula reaches the page
as it was. On export each `<math>...</math>` in item text becomes a MathML element again.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # building trees only; parsing goes through defusedxml
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from certify.core.mathml import ATTRIBUTES, DROPPED, ELEMENTS, MATHML_NS

SEGMENT = re.compile(r"<math\b[^<>]*>.*?</math>", re.S)
_MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_[]"}
_MARKDOWN_CHARS = re.compile(r"[\\`*_\[\]]")


def name_of(element: ET.Element) -> str:
    """The MathML element name, or "" for anything outside MathML."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return name if namespace == MATHML_NS else ""
    return tag


def is_math(element: ET.Element) -> bool:
    """A `<math>` element, in the MathML namespace or (written carelessly) in none."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag in (f"{{{MATHML_NS}}}math", "math")


def _text(text: str | None) -> str:
    collapsed = " ".join((text or "").split())
    return _MARKDOWN_CHARS.sub(lambda m: _MARKDOWN[m.group()], escape(collapsed))


def _shown(element: ET.Element) -> list[ET.Element]:
    """The children drawn: an <maction> shows only its selected child, which is all Certify keeps."""
    kids = [child for child in element if isinstance(child.tag, str)]
    if name_of(element) != "maction":
        return kids
    try:
        selection = int(element.get("selection", "1"))
    except ValueError:
        selection = 1
    return kids[selection - 1 : selection] if 0 < selection <= len(kids) else kids[:1]


def _markup(element: ET.Element, out: list[str], lost: set[str]) -> None:
    name = name_of(element)
    if name in DROPPED or not name:
        lost.add(f"<{name or _local(element.tag)}>")
        return
    keep = name in ELEMENTS
    if keep:
        allowed = ATTRIBUTES[name]
        lost.update(_attribute_name(k) for k in element.attrib if k not in allowed)
        attrs = "".join(f" {k}={quoteattr(v)}" for k, v in sorted(element.attrib.items()) if k in allowed)
        out.append(f"<{name}{attrs}>")
    else:
        lost.add(f"<{name}>")  # unknown markup: its content stays, unwrapped
    # Whitespace beside child elements is layout; token text loses only its surrounding whitespace.
    out.append(_text(element.text))
    for child in _shown(element):
        _markup(child, out, lost)
        out.append(_text(child.tail))
    if keep:
        out.append(f"</{name}>")


def markup(element: ET.Element) -> str:
    """One `<math>` element as one line of allow-listed MathML markup for an item's Markdown."""
    out: list[str] = []
    _markup(element, out, set())
    return "".join(out)


def losses(root: ET.Element) -> list[str]:
    """What `markup` leaves out of the formulas under `root`: element and attribute names, sorted."""
    lost: set[str] = set()
    for math in (e for e in root.iter() if is_math(e)):
        _markup(math, [], lost)
    return sorted(lost)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else "comment"


def _attribute_name(key: str) -> str:
    if key.startswith("{"):
        namespace, _, name = key[1:].partition("}")
        return f"xlink:{name}" if namespace.endswith("/xlink") else name
    return key


def _parse(segment: str) -> ET.Element | None:
    source = segment.replace("<math", f'<math xmlns="{MATHML_NS}"', 1)
    try:
        parsed: ET.Element = fromstring(source, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        return None
    return parsed


def element(segment: str) -> ET.Element | None:
    """The MathML element for one `<math>...</math>` segment of item text, or None if it is not well formed.

    Only what `certify.core.mathml` allows is written, whatever the text holds. Tags come back without a
    namespace and the `<math>` element declares MathML as its default namespace, which is how the writer
    puts it inside a QTI document that declares QTI's the same way.
    """
    parsed = _parse(segment)
    cleaned = _parse(markup(parsed)) if parsed is not None and is_math(parsed) else None
    if cleaned is None:
        return None
    for node in cleaned.iter():
        node.tag = name_of(node)
        if node.text is not None:
            node.text = " ".join(node.text.split()) or None
        if node.tail is not None:
            node.tail = " ".join(node.tail.split()) or None
    cleaned.set("xmlns", MATHML_NS)
    return cleaned
