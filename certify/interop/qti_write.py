"""Writing one Certify item as a QTI 3.0 assessment item.

The XML carries what QTI can express (stem, options, correct response,
scoring, rationales as feedback, images, a link to a shared stimulus); everything
else travels in the package's Certify metadata (see `qti_package`). Stems stay
Markdown: each paragraph is a `<p>`, each line break a `<br/>`, each formula
(`<math>` in the text) MathML again. Scoring is a standard template where one
fits (partial credit as a mapping with map_response, single choice's per-option
credit included) and response processing of its own for a numeric tolerance or
range. Warnings name what other platforms will not see exactly as Certify scores it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # building trees only; parsing goes through defusedxml
from collections.abc import Callable, Iterable
from typing import Any

from certify.core.banks import Item
from certify.interop.qti_build import Identifiers, clean, lines_into, number, paragraphs_into, sub
from certify.interop.qti_links import Links, embed_images
from certify.interop.qti_numeric import write_rule
from certify.interop.qti_xml import QTI3_NS, XSI_NS

QTI3_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
MATCH_CORRECT, MAP_RESPONSE = TEMPLATES + "match_correct.xml", TEMPLATES + "map_response.xml"


def _choice(parent: ET.Element, tag: str, ident: str, text: str, rationale: str, **attrs: str) -> None:
    choice = sub(parent, tag, identifier=ident, **attrs)
    lines_into(choice, text)
    if rationale:
        feedback = sub(choice, "qti-feedback-inline", outcome_identifier="FEEDBACK", identifier=ident, show_hide="show")
        lines_into(feedback, rationale)


def _declare(root: ET.Element, cardinality: str, base_type: str, correct: Iterable[str]) -> ET.Element:
    declaration = sub(root, "qti-response-declaration", identifier="RESPONSE", cardinality=cardinality)
    declaration.set("base-type", base_type)
    values = list(correct)
    if values:
        holder = sub(declaration, "qti-correct-response")
        for value in values:
            sub(holder, "qti-value", value)
    return declaration


def _mapping(declaration: ET.Element, entries: list[tuple[str, float]], case_sensitive: bool | None = None) -> None:
    mapping = sub(declaration, "qti-mapping", lower_bound="0", upper_bound="1", default_value="0")
    for key, value in entries:
        entry = sub(mapping, "qti-map-entry", map_key=key, mapped_value=repr(float(value)))
        if case_sensitive is not None:
            entry.set("case-sensitive", "true" if case_sensitive else "false")


def _outcomes(root: ET.Element) -> None:
    for name, default in (("SCORE", "0"), ("MAXSCORE", "1")):
        outcome = sub(root, "qti-outcome-declaration", identifier=name, cardinality="single", base_type="float")
        sub(sub(outcome, "qti-default-value"), "qti-value", default)
    sub(root, "qti-outcome-declaration", identifier="FEEDBACK", cardinality="multiple", base_type="identifier")


def _flag(value: bool) -> str:
    return "true" if value else "false"


def item_xml(item: Item, identifier: str | None = None, links: Links | None = None) -> tuple[bytes, list[str]]:
    """The QTI 3.0 item document and warnings (plain sentences) about what other platforms lose.

    `links` says where the item's images and stimulus are in its package (see `qti_links`).
    """
    root = ET.Element("qti-assessment-item")
    root.set("xmlns", QTI3_NS)
    root.set("xmlns:xsi", XSI_NS)
    root.set("xsi:schemaLocation", f"{QTI3_NS} {QTI3_XSD}")
    root.set("identifier", identifier or Identifiers()("item", item.ref))
    root.set("title", clean(item.title or item.ref))
    root.set("adaptive", "false")
    root.set("time-dependent", "false")
    body = dict(item.body)
    ids = Identifiers()
    warnings: list[str] = []
    plan = _WRITERS[item.type](root, item, body, ids, warnings)
    _outcomes(root)
    # Declarations first, then the stimulus, body, response processing and feedback, as the schema orders them.
    if links is not None and links.stimulus is not None:
        ident, href, title = links.stimulus
        reference = sub(root, "qti-assessment-stimulus-ref", identifier=ident, href=href)
        if title:
            reference.set("title", clean(title))
    item_body = sub(root, "qti-item-body")
    paragraphs_into(item_body, item.stem)
    plan.interaction(item_body)
    if plan.processing is None:
        sub(root, "qti-response-processing", template=plan.template)
    else:
        plan.processing(sub(root, "qti-response-processing"))
    feedback = sub(root, "qti-modal-feedback", outcome_identifier="FEEDBACK", identifier="RATIONALE", show_hide="show")
    paragraphs_into(sub(feedback, "qti-content-body"), item.rationale)
    embed_images(item_body, links)
    embed_images(feedback, links)
    ET.indent(root, space="  ")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    return text.encode("utf-8"), warnings


class _Plan:
    """What a type writer decided: how to build the interaction, and the template (or rules) scoring it."""

    def __init__(
        self,
        template: str,
        build: Callable[[ET.Element], None],
        processing: Callable[[ET.Element], None] | None = None,
    ) -> None:
        self.template = template
        self.interaction = build
        self.processing = processing


def _choices_writer(root: ET.Element, item: Item, body: dict[str, Any], ids: Identifiers, warnings: list[str]) -> _Plan:
    options = body["options"]
    idents = {o["id"]: ids(o["id"], o["id"]) for o in options}
    single = item.type == "single_choice"
    keys = [body["key"]] if single else list(body["key"])
    declaration = _declare(root, "single" if single else "multiple", "identifier", [idents[k] for k in keys])
    template = MATCH_CORRECT
    if single and body.get("credit"):
        # The key earns 1, each credited option its fraction, any other choice 0: map_response gives the same.
        credit = body["credit"]
        _mapping(
            declaration,
            [
                (idents[o["id"]], 1.0 if o["id"] == keys[0] else credit[o["id"]])
                for o in options
                if o["id"] == keys[0] or o["id"] in credit
            ],
        )
        template = MAP_RESPONSE
    if not single and body.get("scoring", "partial") != "all_or_nothing":
        weight = 1 / len(keys)
        _mapping(declaration, [(idents[o["id"]], weight if o["id"] in keys else -weight) for o in options])
        template = MAP_RESPONSE
        if body.get("scoring") == "per_option":
            warnings.append("`per_option` scoring is exported as map_response partial credit (right minus wrong)")

    def build(item_body: ET.Element) -> None:
        interaction = sub(item_body, "qti-choice-interaction", response_identifier="RESPONSE")
        interaction.set("shuffle", _flag(item.shuffle))
        interaction.set("max-choices", "1" if single else "0")
        for option in options:
            _choice(interaction, "qti-simple-choice", idents[option["id"]], option["text"], option["rationale"])

    return _Plan(template, build)


def _true_false_writer(
    root: ET.Element, item: Item, body: dict[str, Any], ids: Identifiers, warnings: list[str]
) -> _Plan:
    key = "true" if body["key"] else "false"
    _declare(root, "single", "identifier", [key])

    def build(item_body: ET.Element) -> None:
        interaction = sub(item_body, "qti-choice-interaction", response_identifier="RESPONSE", shuffle="false")
        interaction.set("max-choices", "1")
        for ident, label in (("true", "True"), ("false", "False")):
            _choice(interaction, "qti-simple-choice", ident, label, "" if ident == key else body["wrong_rationale"])

    return _Plan(MATCH_CORRECT, build)


def _matching_writer(
    root: ET.Element, item: Item, body: dict[str, Any], ids: Identifiers, warnings: list[str]
) -> _Plan:
    pairs, distractors = body["pairs"], body.get("distractors") or []
    correct = [f"{ids(('L', p['id']), p['id'])} {ids(('R', p['id']), p['id'] + '_R')}" for p in pairs]
    for extra in distractors:
        ids(("R", extra["id"]), extra["id"])
    declaration = _declare(root, "multiple", "directedPair", correct)
    template = MATCH_CORRECT
    if body.get("scoring", "partial") == "partial":
        _mapping(declaration, [(value, 1 / len(pairs)) for value in correct])
        template = MAP_RESPONSE

    def build(item_body: ET.Element) -> None:
        interaction = sub(item_body, "qti-match-interaction", response_identifier="RESPONSE")
        interaction.set("shuffle", _flag(item.shuffle))
        interaction.set("max-associations", str(len(pairs)))
        lefts, rights = sub(interaction, "qti-simple-match-set"), sub(interaction, "qti-simple-match-set")
        for pair in pairs:
            _choice(lefts, "qti-simple-associable-choice", ids(("L", pair["id"]), ""), pair["left"], "", match_max="1")
        for pair in pairs:
            ident = ids(("R", pair["id"]), "")
            _choice(rights, "qti-simple-associable-choice", ident, pair["right"], pair["rationale"], match_max="1")
        for extra in distractors:
            ident = ids(("R", extra["id"]), "")
            _choice(rights, "qti-simple-associable-choice", ident, extra["text"], extra["rationale"], match_max="1")

    return _Plan(template, build)


def _ordering_writer(
    root: ET.Element, item: Item, body: dict[str, Any], ids: Identifiers, warnings: list[str]
) -> _Plan:
    options = body["options"]
    _declare(root, "ordered", "identifier", [ids(o["id"], o["id"]) for o in options])
    if body.get("scoring", "pairwise") != "all_or_nothing":
        warnings.append(f"`{body.get('scoring', 'pairwise')}` ordering credit is exported as all-or-nothing")

    def build(item_body: ET.Element) -> None:
        interaction = sub(item_body, "qti-order-interaction", response_identifier="RESPONSE", shuffle="true")
        for option in options:
            _choice(interaction, "qti-simple-choice", ids(option["id"], ""), option["text"], option["rationale"])

    return _Plan(MATCH_CORRECT, build)


def _text_entry(item_body: ET.Element, unit: str = "") -> None:
    paragraph = sub(item_body, "p")
    sub(paragraph, "qti-text-entry-interaction", response_identifier="RESPONSE")
    if unit:
        sub(paragraph, "span", unit, **{"class": "certify-unit"})


def _short_answer_writer(
    root: ET.Element, item: Item, body: dict[str, Any], ids: Identifiers, warnings: list[str]
) -> _Plan:
    accepted = list(dict.fromkeys(clean(a) for a in body["accepted"]))
    declaration = _declare(root, "single", "string", accepted[:1])
    template = MATCH_CORRECT
    if accepted:
        _mapping(declaration, [(answer, 1.0) for answer in accepted], body.get("case_sensitive", False))
        template = MAP_RESPONSE
    if body.get("patterns"):
        warnings.append("answer patterns (regular expressions) are kept for Certify only; other platforms ignore them")
    if not accepted:
        warnings.append("it has no accepted answers, only patterns, so other platforms cannot score it")
    return _Plan(template, _text_entry)


def _numeric_writer(root: ET.Element, item: Item, body: dict[str, Any], ids: Identifiers, warnings: list[str]) -> _Plan:
    # The correct response is the value, or a range's midpoint (what a platform shows as the answer);
    # the response processing accepts exactly what Certify does.
    value = (float(body["min"]) + float(body["max"])) / 2 if "min" in body else float(body["value"])
    _declare(root, "single", "float", [number(value)])
    unit = body.get("unit", "")
    exact = "min" not in body and not body.get("tolerance")
    processing = None if exact else (lambda element: write_rule(element, body, number))
    return _Plan(MATCH_CORRECT, lambda item_body: _text_entry(item_body, unit), processing)


_WRITERS = {
    "single_choice": _choices_writer,
    "multiple_response": _choices_writer,
    "true_false": _true_false_writer,
    "matching": _matching_writer,
    "ordering": _ordering_writer,
    "short_answer": _short_answer_writer,
    "numeric": _numeric_writer,
}
