"""Reading a text entry interaction: a short answer (base type string) or a number (float or integer).

A short answer accepts its correct response and the answers its mapping scores in full. A number is
right at its correct value, within the tolerance or range its response processing allows (see
`qti_numeric`), or at the value its mapping scores in full.
"""

from __future__ import annotations

from typing import Any

from certify.interop.qti_credit import accepted_answers
from certify.interop.qti_interactions import Context, number_or_none
from certify.interop.qti_numeric import Unreadable, read_rule
from certify.interop.qti_xml import to_text


def _unit(ctx: Context) -> str:
    spans = (el for el in ctx.doc.root.iter("span") if "certify-unit" in el.get("class", "").split())
    return next((to_text(span) for span in spans), "")


def _numeric(ctx: Context) -> dict[str, Any]:
    mapping = ctx.scoring_mapping()
    correct = [v for v in (number_or_none(text) for text in ctx.correct()) if v is not None]
    fields: dict[str, Any]
    if mapping is not None and mapping.entries:
        scores = {key: mapping.score([key]) for key in mapping.entries}
        best = max(scores.values())
        full = [v for key, score in scores.items() if score == best > 0 and (v := number_or_none(key)) is not None]
        if not full:
            raise ctx.invalid("no number earns credit in its mapping")
        value = correct[0] if correct and correct[0] in full else full[0]
        others = [f"{v:g}" for v in full if v != value] + [
            f"{key} ({score / best:.3g})" for key, score in scores.items() if 0 < score < best
        ]
        if others:
            ctx.warnings.append(f"other numbers earning credit in QTI get none in Certify: {', '.join(others)}")
        fields = {"value": value, "tolerance": 0.0}
    elif not correct:
        raise ctx.invalid("the numeric item has no correct number")
    elif ctx.processing.custom and ctx.processing.element is not None:
        response = ctx.interaction.get("response-identifier", "").strip()
        ctx.rules_read = True
        try:
            fields, warnings = read_rule(ctx.processing.element, response, correct[0])
        except Unreadable as exc:
            ctx.warnings.append(f"its response processing cannot be read ({exc}); only {correct[0]:g} is accepted")
            fields = {"value": correct[0], "tolerance": 0.0}
        else:
            ctx.warnings.extend(warnings)
    else:
        fields = {"value": correct[0], "tolerance": 0.0}
    return {"type": "numeric", **fields, "unit": _unit(ctx)}


def read_text_entry(ctx: Context) -> dict[str, Any]:
    base_type = ctx.declaration.get("base-type", "string")
    if base_type in ("float", "integer"):
        return _numeric(ctx)
    if base_type != "string":
        raise ctx.invalid(f"text entry with base type {base_type!r} is not supported")
    mapping = ctx.scoring_mapping()
    if mapping is None:
        correct = ctx.correct()
        if not correct:
            raise ctx.invalid("the item has no correct answer")
        return {"type": "short_answer", "accepted": list(dict.fromkeys(correct)), "case_sensitive": True}
    accepted, case_sensitive, warnings = accepted_answers(ctx.correct(), mapping)
    if not accepted:
        raise ctx.invalid("the item has no correct answer")
    ctx.warnings.extend(warnings)
    return {"type": "short_answer", "accepted": accepted, "case_sensitive": case_sensitive}
