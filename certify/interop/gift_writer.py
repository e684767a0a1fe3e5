"""A Certify Bank written as GIFT, with a `// certify: {json}` comment that makes re-import lossless.

See `certify.interop.gift` for the layout and the metadata fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from certify.core.banks import Bank, Item
from certify.core.source import Problem
from certify.core.stimulus import stimulus_source
from certify.interop.gift_meta import option_ids, write_metadata
from certify.interop.gift_parser import MARKER, WEIGHT

_SPECIAL = "~=#{}:"


def escape(text: str) -> str:
    """GIFT text for `text`: control characters and line breaks escaped, one line."""
    out = []
    for index, char in enumerate(text):
        if char in _SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\\":
            after = text[index + 1 : index + 2]
            # A backslash is literal unless it would escape what follows (or the delimiter after it).
            out.append("\\\\" if not after or after in _SPECIAL + "\\n\n" else "\\")
        else:
            out.append(char)
    return "".join(out)


def _piece(text: str) -> str:
    """Answer or feedback text; a text that starts like a format marker keeps it via an explicit marker."""
    escaped = escape(text)
    return f"[markdown]{escaped}" if MARKER.match(escaped) else escaped


def _answer(sign: str, text: str, rationale: str = "", weight: str = "") -> str:
    """One answer line; a text that starts like a %weight% gets an explicit weight."""
    if not weight and WEIGHT.match(text):
        weight = "100" if sign == "=" else "0"
    feedback = f"#{_piece(rationale)}" if rationale else ""
    return f"{sign}{f'%{weight}%' if weight else ''}{_piece(text)}{feedback}"


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _weight(percent: float) -> str:
    return f"{percent:.5f}".rstrip("0").rstrip(".")


class _Writer:
    def __init__(self, bank: Bank) -> None:
        self.file = bank.file or "<export>"
        self.problems: list[Problem] = []

    def warn(self, item: Item, message: str) -> None:
        self.problems.append(Problem(self.file, item.line, f"item {item.ref}: {message}", "warning"))

    def metadata(self, item: Item) -> dict[str, Any]:
        meta: dict[str, Any] = {"type": item.type, "competency": item.competency, "bloom": item.bloom}
        meta["status"] = item.status
        if item.title:
            meta["title"] = item.title
        if item.references:
            meta["references"] = list(item.references)
        if not item.shuffle:
            meta["shuffle"] = False
            self.warn(item, "`shuffle: false` cannot be expressed in GIFT; other platforms may shuffle the options")
        if item.allow_all_none:
            meta["allow_all_none"] = True
        if item.enemies:
            meta["enemies"] = list(item.enemies)
        if item.stimulus:
            meta["stimulus"] = stimulus_source(item.stimulus)
            self.warn(item, "GIFT has no shared stimulus: other platforms will not show its passage (Certify keeps it)")
        if item.status != "live":
            self.warn(item, f"status {item.status!r} cannot be expressed in GIFT; other platforms will use it as live")
        return meta

    def item(self, item: Item) -> list[str]:
        meta = self.metadata(item)
        body = item.body
        answers = getattr(self, item.type)(item, body, meta)
        lines = [write_metadata(meta), f"::{item.ref}::[markdown]{escape(item.stem)}{{"]
        return [*lines, *answers, f"####{_piece(item.rationale)}", "}", ""]

    def ids(self, ids: list[str], meta: dict[str, Any]) -> None:
        if ids != option_ids(len(ids)):
            meta["ids"] = ids

    def rationales(self, item: Item, rationales: list[str], meta: dict[str, Any]) -> None:
        if any(rationales):
            meta["rationales"] = rationales
            self.warn(item, "GIFT has no feedback per pair or step; other platforms will not show these rationales")

    def scoring(self, item: Item, body: Mapping[str, Any], meta: dict[str, Any], default: str) -> None:
        if body.get("scoring", default) != default:
            meta["scoring"] = body["scoring"]
            self.warn(item, f"scoring {body['scoring']!r} cannot be expressed in GIFT; other platforms will differ")

    def single_choice(self, item: Item, body: Mapping[str, Any], meta: dict[str, Any]) -> list[str]:
        self.ids([o["id"] for o in body["options"]], meta)
        # Partial credit is Moodle's `~%50%` weight: one `=` answer keeps the question single-answer.
        credit = body.get("credit", {})
        return [
            _answer(
                "=" if o["id"] == body["key"] else "~",
                o["text"],
                o["rationale"],
                _weight(credit[o["id"]] * 100) if o["id"] in credit else "",
            )
            for o in body["options"]
        ]

    def multiple_response(self, item: Item, body: Mapping[str, Any], meta: dict[str, Any]) -> list[str]:
        self.ids([o["id"] for o in body["options"]], meta)
        self.scoring(item, body, meta, "partial")
        # Partial credit: each keyed option is worth 1/k; each wrong one takes as much away.
        share = _weight(100 / len(body["key"]))
        return [
            _answer("~", o["text"], o["rationale"], share if o["id"] in body["key"] else f"-{share}")
            for o in body["options"]
        ]

    def true_false(self, item: Item, body: Mapping[str, Any], meta: dict[str, Any]) -> list[str]:
        # GIFT: {TRUE#feedback when answered wrongly#feedback when answered rightly}.
        wrong = f"#{_piece(body['wrong_rationale'])}" if body.get("wrong_rationale") else ""
        return [("TRUE" if body["key"] else "FALSE") + wrong]

    def short_answer(self, item: Item, body: Mapping[str, Any], meta: dict[str, Any]) -> list[str]:
        for flag, default in (("case_sensitive", False), ("collapse_whitespace", True)):
            if body.get(flag, default) != default:
                meta[flag] = body[flag]
                self.warn(item, f"`{flag}: {str(body[flag]).lower()}` cannot be expressed in GIFT")
        if body.get("patterns"):
            meta["patterns"] = list(body["patterns"])
            self.warn(item, "GIFT has no regular-expression patterns; other platforms will only accept the answers")
        if not body["accepted"]:
            self.warn(item, "no accepted answers, only patterns: other platforms cannot mark it")
        texts = [*body["accepted"], *(w["answer"] + w["rationale"] for w in body["wrong_answers"])]
        if any("->" in text for text in texts):
            self.warn(item, "an answer contains '->': GIFT readers such as Moodle may take it for a matching question")
        # A star in a Moodle short answer is a wildcard unless escaped.
        lines = [_answer("=", a.replace("*", "\\*")) for a in body["accepted"]]
        wrong = [_answer("=", w["answer"].replace("*", "\\*"), w["rationale"], "0") for w in body["wrong_answers"]]
        return lines + wrong

    def numeric(self, item: Item, body: Mapping[str, Any], meta: dict[str, Any]) -> list[str]:
        if body.get("unit"):
            meta["unit"] = body["unit"]
            self.warn(item, f"the unit {body['unit']!r} cannot be expressed in GIFT")
        if "min" in body:
            key = f"{_number(body['min'])}..{_number(body['max'])}"
        elif body["tolerance"]:
            key = f"{_number(body['value'])}:{_number(body['tolerance'])}"
        else:
            key = _number(body["value"])
        if not body["wrong_answers"]:
            return [f"#{key}"]
        wrong = [_answer("=", _number(w["answer"]), w["rationale"], "0") for w in body["wrong_answers"]]
        return ["#", f"={key}", *wrong]

    def matching(self, item: Item, body: Mapping[str, Any], meta: dict[str, Any]) -> list[str]:
        rows = [(p["id"], p["left"], p["right"], p["rationale"]) for p in body["pairs"]]
        rows += [(d["id"], "", d["text"], d["rationale"]) for d in body.get("distractors", [])]
        self.ids([r[0] for r in rows], meta)
        self.rationales(item, [r[3] for r in rows], meta)
        self.scoring(item, body, meta, "partial")
        return self.pairs(item, [(left, right) for _, left, right, _ in rows], meta)

    def ordering(self, item: Item, body: Mapping[str, Any], meta: dict[str, Any]) -> list[str]:
        self.warn(item, "GIFT has no ordering questions: other platforms will see a matching question (step -> place)")
        self.ids([o["id"] for o in body["options"]], meta)
        self.rationales(item, [o["rationale"] for o in body["options"]], meta)
        self.scoring(item, body, meta, "pairwise")
        return self.pairs(item, [(o["text"], str(n)) for n, o in enumerate(body["options"], start=1)], meta)

    def pairs(self, item: Item, rows: list[tuple[str, str]], meta: dict[str, Any]) -> list[str]:
        if any("->" in left for left, _ in rows):
            meta["prompts"] = [left for left, _ in rows]
            self.warn(item, "GIFT cannot hold '->' in a prompt: other platforms will see '- >'")
        lines = []
        for left, right in rows:
            prefix = "%100%" if WEIGHT.match(left) else ""
            lines.append(f"={prefix}{_piece(left.replace('->', '- >')) if left else ''} -> {escape(right)}")
        return lines


def bank_to_gift(bank: Bank) -> tuple[str, list[Problem]]:
    """The bank as GIFT text and warnings for what other platforms cannot represent."""
    writer = _Writer(bank)
    lines = [f"// Certify bank {bank.id}: {' '.join(bank.title.split())}", ""]
    competency = None
    for item in bank.items:
        if item.competency != competency:
            lines += [f"$CATEGORY: {item.competency}", ""]
            competency = item.competency
        lines += writer.item(item)
    return "\n".join(lines), writer.problems
