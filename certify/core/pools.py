"""Pools kept apart (`banks lint`): each exam draws on banks of its own kind, and no item has a near-twin elsewhere.

A candidate who practises on an item, or meets it in a course knowledge check or the pre-test,
must not meet it (or a lightly reworded copy) again on the certification exam; and the pre-test
must not share items with practice, or learning gain measures rehearsal. So:

- an assessment of kind K draws only on banks whose purpose is K (certification, practice,
  diagnostic), and no bank is drawn on by assessments of two kinds;
- no two items in different pools (certification, practice, diagnostic, the course's knowledge
  checks) are near-twins (stem similarity at or above the threshold, `certify.core.similarity`);
- inside the certification pool, near-twins must be declared enemies (never on one form), or one
  of them rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from certify.core.assessment_spec import AssessmentSpec
from certify.core.banks import Bank, Item
from certify.core.similarity import NEAR_TWIN, Stem, Twin, near_twins
from certify.core.source import Problem

# The bank purpose each kind of assessment draws on.
POOL_OF_KIND = {"certification": "certification", "practice": "practice", "diagnostic": "diagnostic"}


def enemy_pairs(banks: Iterable[Bank]) -> set[frozenset[str]]:
    """Every declared enemy pair, whichever item declared it."""
    pairs: set[frozenset[str]] = set()
    for bank in banks:
        for item in bank.items:
            for other in item.enemies:
                pairs.add(frozenset((item.ref, other)))
    return pairs


def pool_problems(
    banks: Sequence[Bank], assessments: Sequence[AssessmentSpec], *, threshold: float = NEAR_TWIN
) -> list[Problem]:
    """Every breach of the pools' separation, each at the file and line to fix."""
    return [*_drawing_problems(banks, assessments), *_twin_problems(banks, threshold)]


def _drawing_problems(banks: Sequence[Bank], assessments: Sequence[AssessmentSpec]) -> list[Problem]:
    purpose = {bank.id: bank.purpose for bank in banks}
    kinds_of: dict[str, set[str]] = {}
    problems = []
    for spec in assessments:
        wanted = POOL_OF_KIND.get(spec.kind)
        for bank_id in spec.banks:
            kinds_of.setdefault(bank_id, set()).add(spec.kind)
            found = purpose.get(bank_id)
            if wanted and found is not None and found != wanted:
                problems.append(
                    Problem(
                        spec.file,
                        1,
                        f"assessment {spec.slug} ({spec.kind}) draws on bank {bank_id}, whose purpose is {found}: "
                        f"a {spec.kind} exam draws only on {wanted} banks",
                    )
                )
    for bank_id, kinds in sorted(kinds_of.items()):
        if len(kinds) > 1:
            files = sorted({s.file for s in assessments if bank_id in s.banks})
            problems.append(
                Problem(
                    files[0],
                    1,
                    f"bank {bank_id} is drawn on by {' and '.join(sorted(kinds))} exams ({', '.join(files)}): "
                    "each kind of exam needs a pool of its own",
                )
            )
    return problems


def _twin_problems(banks: Sequence[Bank], threshold: float) -> list[Problem]:
    items: dict[str, tuple[Bank, Item]] = {}
    stems = []
    for bank in banks:
        for item in bank.items:
            if item.status == "retired":
                continue
            items[item.ref] = (bank, item)
            stems.append(Stem(item.ref, bank.purpose, item.stem))
    enemies = enemy_pairs(banks)
    problems = []
    for twin in near_twins(stems, threshold=threshold):
        first_bank, first = items[twin.first.ref]
        if twin.first.group != twin.second.group:
            problems.append(_problem(first_bank, first, twin, threshold, _across(twin)))
        elif twin.first.group == "certification" and frozenset((twin.first.ref, twin.second.ref)) not in enemies:
            problems.append(
                _problem(
                    first_bank,
                    first,
                    twin,
                    threshold,
                    "declare them enemies (so they never share a form) or rewrite one as a different decision",
                )
            )
    return problems


def _across(twin: Twin) -> str:
    return (
        f"the {twin.first.group} and {twin.second.group} pools must share no near-twin: rewrite one in a different "
        "case (a knowledge check should test transfer to a new case, not the exam's item)"
    )


def _problem(bank: Bank, item: Item, twin: Twin, threshold: float, advice: str) -> Problem:
    return Problem(
        bank.file,
        item.line,
        f"item {twin.first.ref} and item {twin.second.ref} ({twin.second.group}) are near-twins "
        f"(stem similarity {twin.similarity:.2f}, threshold {threshold:.2f}): {advice}",
    )
