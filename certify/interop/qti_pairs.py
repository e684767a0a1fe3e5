"""Reading match and associate interactions as Certify matching items.

Each correct pair becomes a pair (its prompt on the left, its response on the right); responses that
match no prompt become distractors. mapResponse partial credit is Certify's `partial` rule when the
mapping gives each right pair the same value and nothing for others; otherwise a warning says so.
"""

from __future__ import annotations

from typing import Any

from certify.interop.qti_credit import Mapping
from certify.interop.qti_interactions import Context, choices_of, shuffle_of
from certify.interop.qti_xml import children


def _pairs(ctx: Context, sources: list[dict[str, str]], targets: list[dict[str, str]]) -> dict[str, Any]:
    by_id = {o["id"]: o for o in sources + targets}
    chosen: dict[str, str] = {}
    for value in ctx.keyed():
        parts = value.split()
        if len(parts) != 2 or any(p not in by_id for p in parts):
            raise ctx.invalid(f"correct pair {value!r} does not name two choices of the interaction")
        left, right = parts
        if left in chosen:
            raise ctx.invalid(f"prompt {left!r} has more than one correct match; Certify pairs each prompt once")
        if right in chosen.values():
            raise ctx.invalid(f"response {right!r} is the correct match for two prompts; Certify needs one each")
        chosen[left] = right
    if len(chosen) < 2:
        raise ctx.invalid("a matching item needs at least two correct pairs")
    pairs = [
        {
            "id": source["id"],
            "left": source["text"],
            "right": by_id[chosen[source["id"]]]["text"],
            "rationale": by_id[chosen[source["id"]]]["rationale"] or source["rationale"],
        }
        for source in sources
        if source["id"] in chosen
    ]
    used = set(chosen) | set(chosen.values())
    unmatched = [s["id"] for s in sources if s["id"] not in used]
    if unmatched:
        raise ctx.invalid(f"prompt(s) {', '.join(unmatched)} have no correct match")
    distractors = [
        {"id": t["id"], "text": t["text"], "rationale": t["rationale"]} for t in targets if t["id"] not in used
    ]
    for source in (s for s in sources if s["id"] in chosen):
        target = by_id[chosen[source["id"]]]
        if source["rationale"] and target["rationale"]:
            ctx.warnings.append(
                f"the feedback of prompt {source['id']} was dropped: Certify keeps one rationale per pair "
                f"(the feedback of {target['id']})"
            )
    scoring = "all_or_nothing" if ctx.scoring == "match_correct" else "partial"
    mapping = ctx.scoring_mapping()
    if mapping is not None:
        _check_pair_mapping(ctx, [f"{left} {right}" for left, right in chosen.items()], mapping)
    return {
        "type": "matching",
        "pairs": pairs,
        "distractors": distractors,
        "scoring": scoring,
        "shuffle": shuffle_of(ctx, "simple-associable-choice"),
    }


def _check_pair_mapping(ctx: Context, correct: list[str], mapping: Mapping) -> None:
    """Certify's partial credit counts each right pair equally and takes nothing off for wrong ones."""
    values = {mapping.score([pair]) for pair in correct}
    others = [v for k, v in mapping.entries.items() if k not in correct]
    if len(values) > 1 or mapping.default or any(others):
        ctx.warnings.append(
            "its mapping weighs pairs unequally or scores other pairs; Certify gives each right pair an equal "
            "share and nothing for the others"
        )


def read_match(ctx: Context) -> dict[str, Any]:
    sets = children(ctx.interaction, "simple-match-set")
    if len(sets) != 2:
        raise ctx.invalid("a match interaction needs exactly two simple match sets")
    return _pairs(
        ctx, choices_of(ctx, "simple-associable-choice", sets[0]), choices_of(ctx, "simple-associable-choice", sets[1])
    )


def read_associate(ctx: Context) -> dict[str, Any]:
    choices = choices_of(ctx, "simple-associable-choice")
    firsts = {value.split()[0] for value in ctx.keyed() if value.split()}
    sources = [c for c in choices if c["id"] in firsts]
    return _pairs(ctx, sources, [c for c in choices if c["id"] not in firsts])
