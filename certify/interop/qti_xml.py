"""QTI XML plumbing: safe parsing, one vocabulary for QTI 2.x and 3.0, and XHTML to text.

Every document is parsed with defusedxml with DTDs forbidden, so entity
expansion, external entities and DOCTYPEs are refused. After `normalise`,
QTI 2.x camelCase names (`choiceInteraction`, `maxChoices`) and QTI 3.0
kebab-case names (`qti-choice-interaction`, `max-choices`) both read as
`choice-interaction` / `max-choices`, so the readers handle one vocabulary.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # building trees only; parsing goes through defusedxml
from collections.abc import Callable
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from certify.core.source import Problem
from certify.interop.qti_mathml import is_math, markup

QTI_NAMESPACES = {
    "http://www.imsglobal.org/xsd/imsqti_v2p0": "2.0",
    "http://www.imsglobal.org/xsd/imsqti_v2p1": "2.1",
    "http://www.imsglobal.org/xsd/imsqti_v2p2": "2.2",
    "http://www.imsglobal.org/xsd/imsqtiasi_v3p0": "3.0",
}
QTI3_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
EXT_NS = "https://certify.invalid/qti-ext"
MEDIA_MARK = f"{{{EXT_NS}}}media"  # set on an <img> whose file a package reader stored (value: its sha256)
DROPPED_MARK = f"{{{EXT_NS}}}dropped"  # set on media a package reader dropped and already warned about
MAX_DEPTH = 200
REFUSED = "XML with entities or a DTD is refused"

_BLOCK = frozenset(
    {
        *("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "address"),
        *("ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "caption"),
        *("figure", "figcaption", "section", "article", "header", "footer", "aside", "nav"),
        *("prompt", "content-body"),
    }
)
_SKIP = frozenset(
    {
        *("feedback-inline", "feedback-block", "modal-feedback", "rubric-block", "template-inline", "template-block"),
        *("stylesheet", "object", "audio", "video", "script", "style"),
    }
)
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}
LINE, PARA, BLANK = "\x01", "\x02", "\x04"
_ALT_SPECIAL = re.compile(r"[\[\]\\]")  # escaped in a Markdown image's alt text
_ALT_ESCAPE = r"\\\g<0>"


@dataclass
class Doc:
    """A parsed document and the source line of each element."""

    root: ET.Element
    lines: dict[int, int] = field(default_factory=dict)
    version: str = ""

    def line(self, element: ET.Element | None) -> int:
        return self.lines.get(id(element), 1) if element is not None else 1


class _LineBuilder(ET.TreeBuilder):
    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.lines: dict[int, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber if self.parser else 0
        return element


def parse_xml(data: bytes, filename: str) -> tuple[Doc | None, list[Problem]]:
    """Parse untrusted XML; (None, [problem]) for malformed XML, DTDs, entities or absurd nesting."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        return None, [Problem(filename, 1, REFUSED)]
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 1
        message = re.sub(r": line \d+, column \d+$", "", str(exc))
        return None, [Problem(filename, line, f"malformed XML at line {line}: {message}")]
    except (LookupError, ValueError) as exc:  # the declaration names an encoding Python does not know
        return None, [
            Problem(filename, 1, f"the XML declaration names an encoding that cannot be read ({exc}); save it as UTF-8")
        ]
    if _depth(root) > MAX_DEPTH:
        return None, [Problem(filename, 1, f"XML is nested more than {MAX_DEPTH} levels deep")]
    return Doc(root, builder.lines), []


def _depth(root: ET.Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in element)
    return deepest


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def kebab(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).lower()


def normalise(doc: Doc) -> None:
    """Rename QTI elements and attributes in place to one kebab-case vocabulary without prefixes."""
    root_ns = namespace(doc.root.tag)
    doc.version = QTI_NAMESPACES.get(root_ns, "")
    if not doc.version and not root_ns:
        doc.version = "3.0" if doc.root.tag.startswith("qti-") else "2.x"
    for element in doc.root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        ns = namespace(element.tag)
        if ns in QTI_NAMESPACES or ns in ("", XHTML_NS):
            name = local(element.tag)
            element.tag = name[4:] if name.startswith("qti-") else kebab(name)
            element.attrib = {(k if k.startswith("{") else kebab(k)): v for k, v in element.attrib.items()}


def children(element: ET.Element, tag: str) -> list[ET.Element]:
    return [child for child in element if child.tag == tag]


def first(element: ET.Element | None, tag: str) -> ET.Element | None:
    return None if element is None else next((child for child in element.iter(tag)), None)


def canonical(element: ET.Element) -> tuple[object, ...]:
    """A comparable form: tags, unqualified attributes and whitespace-collapsed text."""
    attrs = tuple(sorted((k, v) for k, v in element.attrib.items() if not k.startswith("{")))
    kids = tuple(canonical(child) for child in element if isinstance(child.tag, str))
    return (element.tag, attrs, " ".join((element.text or "").split()), kids, " ".join((element.tail or "").split()))


Hook = Callable[[ET.Element, list[str]], bool]


def _render(element: ET.Element, out: list[str], hook: Hook | None, numbered: list[int] | None) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if is_math(element):
        out.append(markup(element))  # kept as MathML, not flattened to its letters
        out.append(element.tail or "")
        return
    if not tag or tag in _SKIP or "certify-unit" in element.get("class", "").split():
        out.append(element.tail or "")
        return
    if hook is None or not hook(element, out):
        if tag == "br":
            out.append(LINE)
        elif tag == "img":
            alt = " ".join(element.get("alt", "").split())
            digest = element.get(MEDIA_MARK)
            if digest:
                escaped = _ALT_SPECIAL.sub(_ALT_ESCAPE, alt)
                out.append(f"![{escaped}](media:{digest})")
            else:
                out.append(f"[image: {alt}]" if alt else "[image]")
        else:
            block = tag in _BLOCK
            mark = _EMPHASIS.get(tag, "")
            out.append(PARA if block else mark)
            if tag == "li":
                if numbered is not None:
                    numbered[0] += 1
                out.append(f"{numbered[0]}. " if numbered is not None else "- ")
            text = element.text or ""
            out.append(text.replace("\n", LINE).replace(" ", "\x03") if tag == "pre" else text)
            inner = [0] if tag == "ol" else (None if tag == "ul" else numbered)
            for child in element:
                _render(child, out, hook, inner)
            out.append(PARA if block else mark)
    out.append(element.tail or "")


def render_into(element: ET.Element, out: list[str], hook: Hook | None = None) -> None:
    """Render an element's content (not the element itself) into `out`, for hooks that recurse."""
    out.append(element.text or "")
    for child in element:
        _render(child, out, hook, None)


def to_text(element: ET.Element | None, hook: Hook | None = None) -> str:
    """XHTML content as Markdown-ish text: paragraphs kept, tags stripped, emphasis as ** and *.

    `hook(element, out)` may render an element itself (returning True), for
    example to put the blank "____" where an inline interaction sits.
    """
    if element is None:
        return ""
    out: list[str] = []
    render_into(element, out, hook)
    collapsed = re.sub(r"\s+", " ", "".join(out)).replace("\x03", " ")
    paragraphs = []
    for paragraph in collapsed.split(PARA):
        text = "\n".join(part.strip() for part in paragraph.split(LINE)).strip()
        if text == BLANK:
            continue  # an inline interaction alone in its paragraph needs no blank in the stem
        if text:
            paragraphs.append(text.replace(BLANK, "____"))
    return "\n\n".join(paragraphs)
