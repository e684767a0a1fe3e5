"""Enemy groups: sets of items of which a form may hold at most one.

A bank file may list them beside its items:

    enemy_groups:
      - [IS-007, OB-007]
      - [PA-020, PA-021, PA-022]

Each group is expanded onto its members in that file: every member there gets every other member in
its `enemies`, so the stored items carry the relation and the exporters keep it item by item. A group
may name items of other banks, but at most one: two members both outside the file would not be kept
apart by it (declare that group in their bank instead). Whether every member exists is checked across
banks, like any enemy (certify.core.bank_refs).

`enemy_capacity` is what `banks lint` uses to tell when enemies empty a blueprint cell: the most items of a
cell a form can take with no two enemies in it, against the `count` the blueprint asks for.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
EXACT_LIMIT = 24  # items with enemies in one cell searched exhaustively; more is estimated greedily


def parse_groups(raw: Any, local_refs: Collection[str]) -> tuple[list[tuple[str, ...]], list[str]]:
    """The groups (members in order, without repeats) and, per problem, a message (empty when all is well)."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], ["`enemy_groups` must be a list of groups, each a list of item ids, such as [[RA-012, PA-003]]"]
    groups, problems = [], []
    for number, group in enumerate(raw, start=1):
        label = f"enemy group {number}"
        if not isinstance(group, list) or not all(isinstance(r, str) and ID_PATTERN.match(r) for r in group):
            problems.append(f"{label} must be a list of item ids, such as [RA-012, PA-003]")
            continue
        members = tuple(dict.fromkeys(group))
        if len(members) < 2:
            problems.append(f"{label} needs at least two different item ids")
            continue
        outside = [r for r in members if r not in local_refs]
        if len(outside) > 1:
            problems.append(
                f"{label} names {len(outside)} items outside this file ({', '.join(outside)}); at most one may "
                "live elsewhere, so declare the group in the bank that holds the others"
            )
            continue
        groups.append(members)
    return groups, problems


def expand(groups: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    """Each member's enemies from the groups (every other member), in order of appearance."""
    found: dict[str, dict[str, None]] = {}
    for group in groups:
        for ref in group:
            mine = found.setdefault(ref, {})
            for other in group:
                if other != ref:
                    mine[other] = None
    return {ref: list(others) for ref, others in found.items()}


def _independent(nodes: list[str], edges: Mapping[str, Collection[str]]) -> int:
    """The largest number of `nodes` with no two joined (exact branch and bound on small sets)."""
    if not nodes:
        return 0
    first, rest = nodes[0], nodes[1:]
    neighbours = set(edges.get(first, ()))
    if not neighbours & set(rest):  # joined to nothing left: taking it never costs anything
        return 1 + _independent(rest, edges)
    taking = 1 + _independent([n for n in rest if n not in neighbours], edges)
    return max(taking, _independent(rest, edges))


def _greedy(nodes: list[str], edges: Mapping[str, Collection[str]]) -> int:
    left, taken = set(nodes), 0
    while left:
        node = min(sorted(left), key=lambda n: len(set(edges.get(n, ())) & left))
        taken += 1
        left -= {node, *edges.get(node, ())}
    return taken


def enemy_capacity(cell_refs: Collection[str], enemies: Mapping[str, Collection[str]]) -> int:
    """The most items of a cell one form can hold with no two of them enemies (`enemies` symmetric).

    Exact when at most EXACT_LIMIT of the cell's items have enemies in it; beyond that a greedy count,
    which can only understate the capacity (so a problem may be reported that a cleverer draw avoids).
    """
    inside = set(cell_refs)
    edges = {ref: [o for o in enemies.get(ref, ()) if o in inside and o != ref] for ref in inside}
    linked = sorted(ref for ref, others in edges.items() if others)
    free = len(inside) - len(linked)
    if len(linked) <= EXACT_LIMIT:
        return free + _independent(linked, edges)
    return free + _greedy(linked, edges)
