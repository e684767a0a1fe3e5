"""One QTI 1.2 `<item>` as the type-specific fields of a Certify item.

Which reader applies is chosen in certify.interop.qti12_kinds. The key comes from the response conditions
that earn credit. Each reader returns our YAML source fields (`type`, `options`, `key`, ...) for
`parse_item` to validate, or raises `Skip` with the reason the item cannot come along.

Scoring rules chosen to match the source platform:

* Canvas "multiple answers" (classic quizzes) splits the points among the correct answers, adds a share for
  each correct answer chosen and takes one off for each wrong answer chosen, never below zero: Certify's
  multiple-response `partial` rule. Blackboard's "multiple answer" is all or nothing unless the item allows
  partial credit (`bbmd_partialcredit`), then `partial` too.
* Matching earns a share per correct pair on both platforms (`partial`).
* Canvas fill-in-the-blank ignores case; Blackboard's does when its `varequal` says `case="No"` (its default).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # type names only; parsing goes through defusedxml
from dataclasses import dataclass, field
from typing import Any

from certify.interop.qti12_xml import RESPONSES, Condition, Feedback, Texts, is_answer_part, number

FULL = 1 - 1e-9


class Skip(Exception):
    """The item cannot become a Certify item; the message says why."""


@dataclass
class Parts:
    """One item's XML and what has been read from it so far."""

    item: ET.Element
    flavour: str
    meta: dict[str, str]
    conditions: list[Condition]
    feedback: dict[str, Feedback]
    texts: Texts
    used: set[str] = field(default_factory=set)  # feedback idents given a place
    notes: list[str] = field(default_factory=list)  # what was lost, for warnings

    def presentation(self) -> ET.Element:
        found = self.item.find("presentation")
        if found is None:
            raise Skip("it has no <presentation> (nothing to show a candidate)")
        return found

    def stem(self) -> str:
        return self.texts.of(self.presentation(), is_answer_part)

    def lids(self) -> list[ET.Element]:
        return list(self.presentation().iter("response_lid"))

    def option_feedback(self, ident: str) -> str:
        for key in (f"{ident}_fb", ident):
            if key in self.feedback:
                self.used.add(key)
                return self.feedback[key].text
        return ""

    def options(self, lid: ET.Element) -> list[dict[str, str]]:
        options: list[dict[str, str]] = []
        for number_, label in enumerate(lid.iter("response_label"), start=1):
            ident = label.get("ident", "").strip()
            if not ident:
                raise Skip(f"answer {number_} has no ident")
            if any(o["id"] == ident for o in options):
                raise Skip(f"two answers share the ident {ident!r}")
            text = self.texts.of(label)
            if not text:
                raise Skip(f"answer {number_} has no text")
            options.append({"id": ident, "text": text, "rationale": self.option_feedback(ident)})
        if not options:
            raise Skip("it offers no answers to choose from")
        return options

    def rewarding(self, lid: ET.Element | None = None) -> list[tuple[Condition, list[str]]]:
        """Conditions that earn credit, each with the values it requires of `lid` (or of any response)."""
        ident = lid.get("ident", "").strip() if lid is not None else ""
        alone = len(self.lids()) <= 1
        found = []
        for condition in self.conditions:
            if condition.rewards:
                values = [m.value for m in condition.equals if alone or not ident or m.respident == ident]
                found.append((condition, values))
        return found

    def partial_credit(self) -> bool:
        return self.meta.get("bbmd_partialcredit", "").strip().casefold() == "true"


def _single_lid(parts: Parts) -> ET.Element:
    lids = parts.lids()
    if len(lids) != 1:
        raise Skip(f"it has {len(lids)} answer lists; this question type has one")
    return lids[0]


def _true_false(options: list[dict[str, str]]) -> bool:
    return len(options) == 2 and sorted(o["text"].strip().casefold() for o in options) == ["false", "true"]


def read_choice(parts: Parts) -> dict[str, Any]:
    lid = _single_lid(parts)
    options = parts.options(lid)
    ids = [o["id"] for o in options]
    keys: list[str] = []
    credit: dict[str, float] = {}
    for condition, values in parts.rewarding(lid):
        if len(values) != 1 or not values[0]:
            continue
        if values[0] not in ids:
            raise Skip(f"its scoring names an answer that is not there ({values[0]!r})")
        share = 1.0 if condition.credit is None else condition.credit
        if share >= FULL:
            keys.append(values[0])
        else:
            credit[values[0]] = max(credit.get(values[0], 0.0), round(share, 7))
    keys = list(dict.fromkeys(keys))
    if not keys:
        raise Skip("no answer is marked correct")
    if len(keys) > 1:
        raise Skip(f"{len(keys)} answers earn full credit; a single-choice item has one key")
    credit.pop(keys[0], None)
    keyed = next(o for o in options if o["id"] == keys[0])
    if _true_false(options) and not credit:
        wrong = next(o for o in options if o is not keyed)
        return {
            "type": "true_false",
            "key": keyed["text"].strip().casefold() == "true",
            "wrong_rationale": wrong["rationale"],
            "_key_feedback": keyed["rationale"],
        }
    fields: dict[str, Any] = {"type": "single_choice", "options": options, "key": keys[0]}
    if credit:
        fields["credit"] = credit
    return _with_shuffle(parts, lid, fields)


def _with_shuffle(parts: Parts, lid: ET.Element, fields: dict[str, Any]) -> dict[str, Any]:
    render = lid.find("render_choice")
    if render is not None and render.get("shuffle", "").strip().casefold() == "no":
        fields["shuffle"] = False
    return fields


def read_multiple(parts: Parts) -> dict[str, Any]:
    lid = _single_lid(parts)
    options = parts.options(lid)
    ids = {o["id"] for o in options}
    found = parts.rewarding(lid)
    keyed = list(dict.fromkeys(value for _condition, values in found for value in values))
    unknown = [value for value in keyed if value not in ids]
    if unknown:
        raise Skip(f"its scoring names answers that are not there ({', '.join(unknown)})")
    if not keyed:
        raise Skip("no answer is marked correct")
    if parts.flavour == "canvas" or (parts.flavour == "blackboard" and parts.partial_credit()):
        scoring = "partial"
    elif parts.flavour == "blackboard":
        scoring = "all_or_nothing"
    else:  # one condition per answer adds credit: partial; one condition for the whole set: all or nothing
        scoring = "partial" if len(found) > 1 else "all_or_nothing"
    return _with_shuffle(
        parts, lid, {"type": "multiple_response", "options": options, "key": keyed, "scoring": scoring}
    )


def read_text(parts: Parts) -> dict[str, Any]:
    if parts.lids() or not list(parts.presentation().iter("response_str")):
        raise Skip("it has no single text box to type the answer in")
    accepted = []
    sensitive = False
    for condition, _values in parts.rewarding():
        for match in condition.equals:
            if match.value:
                accepted.append(match.value)
                sensitive = sensitive or match.case_sensitive
    if not accepted:
        raise Skip("it has no accepted answer")
    return {"type": "short_answer", "accepted": list(dict.fromkeys(accepted)), "case_sensitive": sensitive}


def _numeric_key(condition: Condition) -> dict[str, Any] | None:
    values = [v for m in condition.equals if (v := number(m.value)) is not None]
    lows = [bound for bound, _inclusive in condition.lower]
    highs = [bound for bound, _inclusive in condition.upper]
    if lows and highs:
        low, high = min(lows), max(highs)
        if low > high:
            return None
        if values and low <= values[0] <= high:
            value = values[0]
            if math.isclose(value - low, high - value, rel_tol=1e-6, abs_tol=1e-12):
                return {"value": value, "tolerance": round(high - value, 12)}
        return {"range": [low, high]}
    if values and not lows and not highs:
        return {"value": values[0], "tolerance": 0.0}
    return None


def _describe(key: dict[str, Any]) -> str:
    if "range" in key:
        return f"{key['range'][0]:g} to {key['range'][1]:g}"
    return f"{key['value']:g} ± {key['tolerance']:g}" if key["tolerance"] else f"{key['value']:g}"


def read_number(parts: Parts) -> dict[str, Any]:
    if parts.lids():
        raise Skip("it has answer lists where a number is expected")
    keys = [key for condition, _values in parts.rewarding() if (key := _numeric_key(condition)) is not None]
    if not keys:
        raise Skip("no correct number or range could be read from its scoring")
    unique = list({repr(sorted(k.items())): k for k in keys}.values())
    if len(unique) > 1:
        others = "; ".join(_describe(k) for k in unique[1:])
        parts.notes.append(
            f"it accepts {len(unique)} answers and a Certify numeric item one: {_describe(unique[0])} was kept, "
            f"{others} dropped"
        )
    return {"type": "numeric", **unique[0]}


def _parent_map(root: ET.Element) -> dict[int, ET.Element]:
    return {id(child): parent for parent in root.iter() for child in parent}


def _prompt(parts: Parts, lid: ET.Element, parents: dict[int, ET.Element]) -> str:
    own = parts.texts.of(lid, lambda e: e.tag.startswith("render_"))
    if own:
        return own
    parent = parents.get(id(lid))  # Blackboard: the prompt is a sibling flow of the answer list
    return parts.texts.of(parent, lambda e: e is lid or e.tag in RESPONSES) if parent is not None else ""


def _right_texts(parts: Parts, lid: ET.Element, right_block: ET.Element | None) -> dict[str, str]:
    labels = list(lid.iter("response_label"))
    if right_block is not None:  # Blackboard: the n-th answer of every list is the n-th text of the right block
        rights = [parts.texts.of(flow) for flow in right_block if flow.tag == "flow"]
        return {label.get("ident", "").strip(): rights[n] for n, label in enumerate(labels) if n < len(rights)}
    return {label.get("ident", "").strip(): parts.texts.of(label) for label in labels}


def read_matching(parts: Parts) -> dict[str, Any]:
    lids = parts.lids()
    if len(lids) < 2:
        raise Skip("a matching question needs at least two prompts")
    presentation = parts.presentation()
    right_block = next((f for f in presentation.iter("flow") if f.get("class") == "RIGHT_MATCH_BLOCK"), None)
    parents = _parent_map(presentation)
    pairs: list[dict[str, str]] = []
    rights_seen: dict[str, None] = {}
    for number_, lid in enumerate(lids, start=1):
        left = _prompt(parts, lid, parents)
        rights = _right_texts(parts, lid, right_block)
        rights_seen.update({text: None for text in rights.values() if text})
        chosen = [v for _condition, values in parts.rewarding(lid) for v in values if v in rights]
        if not left:
            raise Skip(f"prompt {number_} has no text")
        if len(set(chosen)) != 1:
            raise Skip(f"prompt {left!r} has {len(set(chosen))} correct matches; Certify pairs each prompt once")
        answer = lid.get("ident", "").strip().removeprefix("response_")
        pairs.append({"id": f"p{number_}", "left": left, "right": rights[chosen[0]]})
        pairs[-1]["rationale"] = parts.option_feedback(answer)
    used = {pair["right"] for pair in pairs}
    extra = [text for text in rights_seen if text not in used]
    listed = parts.meta.get("matching_answer_incorrect_matches", "")
    extra += [line.strip() for line in listed.splitlines() if line.strip() and line.strip() not in used]
    distractors = [{"id": f"d{n}", "text": text} for n, text in enumerate(dict.fromkeys(extra), start=1)]
    return {"type": "matching", "pairs": pairs, "distractors": distractors, "scoring": "partial"}


def read_ordering(parts: Parts) -> dict[str, Any]:
    lid = _single_lid(parts)
    options = parts.options(lid)
    found = parts.rewarding(lid)
    order = found[0][1] if found else []
    if sorted(order) != sorted(o["id"] for o in options):
        raise Skip("its correct order does not list every answer exactly once")
    by_id = {o["id"]: o for o in options}
    scoring = "positional" if parts.partial_credit() else "all_or_nothing"
    return {"type": "ordering", "options": [by_id[ident] for ident in order], "scoring": scoring}
