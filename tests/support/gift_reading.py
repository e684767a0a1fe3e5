"""Reading GIFT in the interop tests: one bank from a text, with the problems sorted by kind."""

from __future__ import annotations

from typing import Any

from certify.core.banks import Bank, Item
from certify.interop.gift import gift_to_bank

COMPETENCIES = {"RA": "Results alignment", "EV": "Evaluation and impact", "AD": "Assessment design"}


def import_gift(text: str, **options: Any) -> tuple[Bank | None, list]:
    options.setdefault("competencies", COMPETENCIES)
    options.setdefault("default_competency", "RA")
    return gift_to_bank(text, "quiz.gift", bank_id="quiz", title="Quiz", **options)


def one_item(text: str, **options: Any) -> tuple[Item, list]:
    bank, problems = import_gift(text, **options)
    assert bank is not None, problems
    assert len(bank.items) == 1
    return bank.items[0], problems


def warnings_of(problems: list) -> list[str]:
    return [p.message for p in problems if p.severity == "warning"]


def skips_of(problems: list) -> list[tuple[int, str, str]]:
    return [(p.line, p.item, p.message) for p in problems if p.severity == "skip"]
