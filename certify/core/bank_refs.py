"""References between items across banks: ids unique everywhere, and enemies.

Item ids are unique across every bank, so an item names another by its id alone, wherever it lives.

Enemies are items that must never share a form, because one cues or gives away the answer to the
other (or they test the same thing in nearly the same words). An item declares them in its bank file
(`enemies: [RA-012, PA-003]`); a declaration on either side is enough, since the relation is symmetric
(`symmetric_enemies`). Every named item must exist: among the files validated together, or, when a
single file is imported, among the items already stored (`unknown_enemies`). `crowded_cells` finds the
blueprint cells whose live items, once no two enemies may share a form, are fewer than the cell asks for.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from certify.core.assessment_spec import AssessmentSpec
from certify.core.banks import Bank, Item
from certify.core.enemy_groups import enemy_capacity
from certify.core.source import Problem


def duplicate_refs(banks: Collection[Bank]) -> list[Problem]:
    """Item ids must be unique across every bank, not only within a file."""
    first: dict[str, Item] = {}
    owner: dict[str, Bank] = {}
    problems = []
    for bank in banks:
        for item in bank.items:
            if item.ref in first:
                problems.append(
                    Problem(
                        bank.file,
                        item.line,
                        f"item id {item.ref!r} is already used in {owner[item.ref].file}:{first[item.ref].line}",
                    )
                )
            else:
                first[item.ref], owner[item.ref] = item, bank
    return problems


def unknown_enemies(banks: Collection[Bank], known_refs: Collection[str] = ()) -> list[Problem]:
    """Every enemy named by an item of `banks` that is neither among their items nor in `known_refs`."""
    present = {item.ref for bank in banks for item in bank.items} | set(known_refs)
    return [
        Problem(
            bank.file,
            item.line,
            f"item {item.ref}: enemy {enemy!r} is not a known item id (check the spelling, or validate or "
            "import the file that holds it first)",
        )
        for bank in banks
        for item in bank.items
        for enemy in item.enemies
        if enemy not in present
    ]


def symmetric_enemies(declared: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Each item's enemies, whichever side declared them (an item absent from the result has none)."""
    closure: dict[str, set[str]] = {}
    for ref, enemies in declared.items():
        for enemy in enemies:
            if enemy != ref:
                closure.setdefault(ref, set()).add(enemy)
                closure.setdefault(enemy, set()).add(ref)
    return {ref: frozenset(enemies) for ref, enemies in closure.items()}


def crowded_cells(banks: Collection[Bank], assessments: Collection[AssessmentSpec]) -> list[Problem]:
    """Blueprint cells that enemies leave too small: fewer live items fit on one form than `count` asks for."""
    by_id = {bank.id: bank for bank in banks}
    enemies = symmetric_enemies({item.ref: item.enemies for bank in banks for item in bank.items})
    problems = []
    for spec in assessments:
        live = [item for slug in spec.banks if slug in by_id for item in by_id[slug].items if item.status == "live"]
        for cell in spec.blueprint:
            refs = [i.ref for i in live if (i.competency, i.bloom) == (cell.competency, cell.bloom)]
            linked = sorted(ref for ref in refs if enemies.get(ref, frozenset()) & set(refs))
            if not linked or len(refs) < cell.count:  # a plain shortfall is validation's to report
                continue
            fits = enemy_capacity(refs, enemies)
            if fits < cell.count:
                problems.append(
                    Problem(
                        spec.file,
                        0,
                        f"assessment {spec.slug}: blueprint cell {cell.competency}/{cell.bloom} needs {cell.count} "
                        f"items, but with enemies ({', '.join(linked)}) never together at most {fits} of its "
                        f"{len(refs)} live items fit on one form; add items to the cell or declare fewer enemies",
                    )
                )
    return problems
