"""Item-writing guidelines checked across a bank (`banks lint`).

Based on the published item-writing guidance: no "all/none of the above"
unless an item allows it, the key's position balanced, negative words
emphasised, the key not habitually the longest option, every option with a
rationale.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from certify.core.banks import Bank, Item
from certify.core.source import Problem

ALL_NONE = re.compile(r"\b(all|none)\s+of\s+the\s+above\b", re.IGNORECASE)
NEGATIVE = re.compile(r"\b(not|except)\b", re.IGNORECASE)
EMPHASISED_NEGATIVE = re.compile(r"(\*\*|__)(NOT|EXCEPT)(\*\*|__)")
CHOICE_TYPES = ("single_choice", "multiple_response")


@dataclass(frozen=True)
class LintRules:
    key_position_tolerance: float = 0.10  # share of keys at each position: 1/k ± this
    min_items_for_position_check: int = 10
    longest_key_max_share: float = 0.40


def _question_sentence(stem: str) -> str:
    """The part of the stem that asks: its last sentence or line."""
    text = stem.strip()
    parts = [p for p in re.split(r"(?<=[.!?:])\s+|\n+", text) if p.strip()]
    return parts[-1] if parts else text


def _item_problems(bank: Bank, item: Item) -> list[Problem]:
    problems = []

    def warn(message: str) -> None:
        problems.append(Problem(bank.file, item.line, f"item {item.ref}: {message}"))

    choices = item.kind.choices(item.body)
    if not item.allow_all_none and any(ALL_NONE.search(c.text) for c in choices):
        warn('"all/none of the above" option; rewrite it, or set `allow_all_none: true` with a reason')
    question = _question_sentence(item.stem)
    plain = EMPHASISED_NEGATIVE.sub("", question)
    if NEGATIVE.search(plain):
        word = NEGATIVE.search(plain).group(1).upper()  # type: ignore[union-attr]
        warn(f"negative question: emphasise it as **{word}** (bold capitals)")
    if item.type == "true_false":
        if not item.body.get("wrong_rationale"):
            warn("missing `wrong_rationale` (why the other answer is wrong)")
    elif item.type == "matching":
        missing = [p["id"] for p in item.body["pairs"] if not p.get("rationale")]
        missing += [d["id"] for d in item.body.get("distractors", []) if not d.get("rationale")]
        if missing:
            warn(f"pairs or distractors without a rationale: {', '.join(missing)}")
    else:
        missing = [c.id for c in choices if not c.rationale]
        if missing:
            warn(f"options without a rationale: {', '.join(missing)}")
    return problems


def _key_is_longest(item: Item) -> bool:
    choices = item.kind.choices(item.body)
    keyed = set(item.kind.key_ids(item.body))
    lengths = sorted(((len(c.text), c.id) for c in choices), reverse=True)
    if len(lengths) < 2 or lengths[0][0] == lengths[1][0]:
        return False
    return lengths[0][1] in keyed


def lint_bank(bank: Bank, rules: LintRules | None = None) -> list[Problem]:
    """Every guideline breach in a bank, item by item and across the bank."""
    rules = rules or LintRules()
    active = [item for item in bank.items if item.status != "retired"]
    problems: list[Problem] = []
    for item in active:
        problems.extend(_item_problems(bank, item))

    by_count: dict[int, list[int]] = defaultdict(list)
    for item in active:
        if item.type == "single_choice":
            ids = [o["id"] for o in item.body["options"]]
            by_count[len(ids)].append(ids.index(item.body["key"]))
    for count, positions in sorted(by_count.items()):
        if len(positions) < rules.min_items_for_position_check:
            continue
        tally = Counter(positions)
        expected = 1 / count
        for position in range(count):
            share = tally[position] / len(positions)
            if abs(share - expected) > rules.key_position_tolerance:
                problems.append(
                    Problem(
                        bank.file,
                        bank.line,
                        f"key position unbalanced: in {len(positions)} single-choice items with {count} options, "
                        f"{share:.0%} are keyed at option {position + 1} (aim for {expected:.0%} ± "
                        f"{rules.key_position_tolerance:.0%})",
                    )
                )

    choice_items = [item for item in active if item.type in CHOICE_TYPES]
    if choice_items:
        longest = [item for item in choice_items if _key_is_longest(item)]
        share = len(longest) / len(choice_items)
        if share > rules.longest_key_max_share:
            problems.append(
                Problem(
                    bank.file,
                    bank.line,
                    f"the key is the longest option in {share:.0%} of choice items (at most "
                    f"{rules.longest_key_max_share:.0%}); e.g. {', '.join(i.ref for i in longest[:5])}",
                )
            )
    return problems


def lint_banks(banks: Sequence[Bank], rules: LintRules | None = None) -> list[Problem]:
    return [problem for bank in banks for problem in lint_bank(bank, rules)]
