"""When a statistic rests on enough data to be read against a target.

Reliability (alpha/KR-20), its SEM, decision consistency and the item flags are all computed from
whatever attempts exist, but on a handful of attempts they swing wildly: two attempts can give an
alpha of -0.8. Below a minimum n the reports keep the figure (exports, JSON) and say it is not yet
interpretable and why, the way the agreement report marks a kappa from few pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_ATTEMPTS = 30  # attempts before reliability, SEM and decision consistency are judged against a target
MIN_ITEM_N = 30  # attempts presented an item before its difficulty and discrimination flags mean anything


@dataclass(frozen=True)
class SampleSize:
    """How many observations a figure rests on, and how many it needs."""

    n: int
    min_n: int

    @property
    def interpretable(self) -> bool:
        return self.n >= self.min_n

    @property
    def note(self) -> str:
        """Why the figure is not read yet ("" once it is): 'not yet interpretable: 2 attempts, at least 30 needed'."""
        if self.interpretable:
            return ""
        return f"not yet interpretable: {self.n} attempt{'' if self.n == 1 else 's'}, at least {self.min_n} needed"


def sample_note(n: int, min_n: int) -> str:
    """The note for `n` observations against a minimum of `min_n` ("" when enough)."""
    return SampleSize(n, min_n).note
