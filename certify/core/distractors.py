"""Distractor analysis: who chose each option of a choice item, overall and in the upper and lower groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DistractorRow:
    """How often one option was chosen, overall and in the upper and lower groups (shares in [0, 1])."""

    option: str
    is_key: bool
    count: int
    share: float | None
    upper_share: float | None
    lower_share: float | None
    never_chosen: bool
    attracts_upper: bool  # a wrong option the upper group picks more often than the lower group


def distractor_rows(
    options: Sequence[str],
    key: Sequence[str],
    choices: Sequence[tuple[str, ...] | None],
    upper_mask: Sequence[bool],
    lower_mask: Sequence[bool],
) -> tuple[DistractorRow, ...]:
    """One row per option of an item, from the choices of the candidates presented it (aligned with the masks)."""
    slot = {option: k for k, option in enumerate(options)}
    overall, upper, lower = [0] * len(slot), [0] * len(slot), [0] * len(slot)
    for choice, is_upper, is_lower in zip(choices, upper_mask, lower_mask, strict=True):
        if not choice:
            continue
        for option in choice if len(choice) == 1 else set(choice):
            k = slot.get(option)
            if k is None:
                continue
            overall[k] += 1
            if is_upper:
                upper[k] += 1
            elif is_lower:
                lower[k] += 1
    n, n_upper, n_lower = len(upper_mask), sum(upper_mask), sum(lower_mask)
    rows = []
    for option, k in slot.items():
        is_key = option in key
        upper_share = upper[k] / n_upper if n_upper else None
        lower_share = lower[k] / n_lower if n_lower else None
        attracts = not is_key and upper_share is not None and lower_share is not None and upper_share > lower_share
        rows.append(
            DistractorRow(
                option=option,
                is_key=is_key,
                count=overall[k],
                share=overall[k] / n if n else None,
                upper_share=upper_share,
                lower_share=lower_share,
                never_chosen=n > 0 and overall[k] == 0,
                attracts_upper=attracts,
            )
        )
    return tuple(rows)
