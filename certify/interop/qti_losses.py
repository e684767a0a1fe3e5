"""What a QTI item brings that a Certify item keeps (a rationale from feedback) and what it cannot keep.

Feedback becomes the rationale (modal feedback and feedback blocks, those named like a rationale first)
or an option's rationale (inline feedback inside a choice); any other feedback, media, rubric blocks,
scripts and MathML outside the allow-list are named here, so the importer can warn about each item.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml

from certify.interop.qti_mathml import losses as math_losses
from certify.interop.qti_xml import DROPPED_MARK, children, to_text

FEEDBACK = ("modal-feedback", "feedback-block", "feedback-inline")
_RATIONALE_IDS = frozenset({"rationale", "general", "correct", "solution", "response_correct", "feedback_correct"})
_DROPPED = {
    "rubric-block": "rubric block (guidance for scorers or tutors)",
    "object": "embedded object",
    "audio": "audio",
    "video": "video",
    "iframe": "embedded page",
    "script": "script",
    "style": "style sheet",
    "template-inline": "template value",
    "template-block": "template block",
}
EXCERPT = 60


def rationale_of(root: ET.Element, body: ET.Element) -> tuple[str, set[int]]:
    """The rationale the item's feedback gives, and the feedback elements it came from."""
    feedback = children(root, "modal-feedback") + list(body.iter("feedback-block"))
    preferred = [f for f in feedback if f.get("identifier", "").strip().casefold() in _RATIONALE_IDS]
    chosen = preferred or feedback
    return "\n\n".join(t for f in chosen if (t := to_text(f))), {id(f) for f in chosen}


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def _outermost_feedback(element: ET.Element) -> list[ET.Element]:
    found: list[ET.Element] = []
    for child in element:
        if child.tag in FEEDBACK:
            found.append(child)
        else:
            found.extend(_outermost_feedback(child))
    return found


def feedback_losses(root: ET.Element, used: set[int]) -> list[str]:
    """A sentence for each piece of feedback that found no place in the item."""
    lost = []
    for feedback in _outermost_feedback(root):
        text = to_text(feedback)
        if id(feedback) in used or not text:
            continue
        name = feedback.get("identifier", "").strip()
        label = f"{feedback.tag} {name!r}" if name else feedback.tag
        lost.append(f'its {label} ("{excerpt(text)}") has no place in Certify and was dropped')
    return lost


def content_losses(root: ET.Element, body: ET.Element) -> list[str]:
    """Sentences naming the content Certify's text cannot hold: media, rubric blocks, scripts, MathML extras."""
    found = sorted(
        {e.tag for e in body.iter() if e.tag in _DROPPED and not e.get(DROPPED_MARK)},  # a package named it already
        key=list(_DROPPED).index,
    )
    lost = [f"its {_DROPPED[tag]} was dropped: Certify items hold text, formulas and images" for tag in found]
    extras = math_losses(root)
    if extras:
        lost.append(f"its formulas lose {', '.join(extras)}, which Certify does not keep")
    return lost
