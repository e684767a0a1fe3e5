"""Partial credit from a QTI `mapping` (what mapResponse scores), as Certify's scoring rules express it.

A mapping gives each response value a score (`mapEntry`), other values `defaultValue`, and the sum over
the values chosen is clamped to [`lowerBound`, `upperBound`]. Certify expresses credit as a fraction of
the item: single choice as per-option `credit`, multiple response as one of its scoring rules, short
answer as accepted answers. Each reader below returns what Certify keeps and sentences naming what it
could not keep, so the caller can warn about the item.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from certify.core.items import multiple_response

MAX_SUBSETS = 4096  # responses compared when fitting a multiple-response rule; enough for 12 options


@dataclass(frozen=True)
class Mapping:
    """A QTI mapping: entries by key, the default for other values and the bounds on the sum."""

    entries: dict[str, float] = field(default_factory=dict)
    sensitive: dict[str, bool] = field(default_factory=dict)
    default: float = 0.0
    lower: float | None = None
    upper: float | None = None

    def score(self, chosen: Iterable[str]) -> float:
        """What mapResponse gives for these response values (each distinct value counted once)."""
        total = sum(self.entries.get(value, self.default) for value in set(chosen))
        if self.lower is not None:
            total = max(total, self.lower)
        if self.upper is not None:
            total = min(total, self.upper)
        return total


def _fraction(value: float) -> str:
    return f"{value:.3g}"


def single_credit(
    option_ids: Sequence[str], correct: Sequence[str], mapping: Mapping
) -> tuple[str, dict[str, float], list[str]]:
    """The key, the per-option credit and the losses of a single-cardinality choice scored by its mapping.

    Raises ValueError when no option earns credit.
    """
    scores = {option: mapping.score([option]) for option in option_ids}
    best = max(scores.values())
    if best <= 0:
        raise ValueError("no choice earns credit in its mapping")
    warnings: list[str] = []
    tops = [option for option in option_ids if scores[option] == best]
    key = correct[0] if correct and correct[0] in tops else tops[0]
    if correct and correct[0] != key:
        warnings.append(
            f"its correct response {correct[0]} earns {scores[correct[0]]:g} but {key} earns {best:g}; "
            f"{key} is the key, as the mapping scores it"
        )
    for option in tops:
        if option != key:
            warnings.append(f"choice {option} earns full credit too; in Certify only the key {key} does")
    for option in option_ids:
        if scores[option] < 0:
            warnings.append(f"choice {option} costs {-scores[option]:g} in QTI; Certify gives it no credit")
    credit = {o: round(s / best, 7) for o, s in scores.items() if o != key and 0 < s < best}
    return key, credit, warnings


def _subsets(option_ids: Sequence[str], largest: int) -> list[tuple[str, ...]]:
    chosen: list[tuple[str, ...]] = []
    for size in range(1, largest + 1):
        for subset in itertools.combinations(option_ids, size):
            chosen.append(subset)
            if len(chosen) >= MAX_SUBSETS:
                return chosen
    return chosen


def multiple_rule(
    option_ids: Sequence[str], keys: Sequence[str], mapping: Mapping, max_choices: int
) -> tuple[str, list[str]]:
    """The multiple-response scoring rule nearest to the mapping, and a warning when it is not exact.

    Every response a candidate could give (up to `max_choices`, 0 for any number) is scored both ways;
    the rule with the smallest largest difference wins (partial first on ties). Raises ValueError when no
    response earns credit.
    """
    largest = max_choices if 0 < max_choices < len(option_ids) else len(option_ids)
    responses = _subsets(option_ids, largest)
    if tuple(keys) not in responses:
        responses.append(tuple(keys))
    best = max(mapping.score(response) for response in responses)
    if best <= 0:
        raise ValueError("no response earns credit in its mapping")
    options = [{"id": option, "text": option, "rationale": ""} for option in option_ids]
    fits: list[tuple[float, tuple[str, ...], str]] = []
    for rule in multiple_response.RULES:
        body = {"options": options, "key": list(keys), "scoring": rule}
        gaps = [(abs(mapping.score(r) / best - multiple_response.score(body, list(r))), r) for r in responses]
        worst, response = max(gaps, key=lambda gap: gap[0])
        fits.append((worst, response, rule))
    worst, response, rule = min(fits, key=lambda fit: fit[0])
    if worst <= 1e-9:
        return rule, []
    body = {"options": options, "key": list(keys), "scoring": rule}
    qti = mapping.score(response) / best
    certify = multiple_response.score(body, list(response))
    return rule, [
        f"no Certify scoring rule reproduces its mapping; the nearest, `{rule}`, differs by up to "
        f"{_fraction(worst)} of the credit (choosing {', '.join(response)} earns {_fraction(qti)} in QTI "
        f"and {_fraction(certify)} in Certify)"
    ]


def accepted_answers(correct: Sequence[str], mapping: Mapping) -> tuple[list[str], bool, list[str]]:
    """Accepted answers, case sensitivity and losses of a text entry scored by its mapping."""
    scores = {key: mapping.score([key]) for key in mapping.entries}
    best = max(scores.values(), default=0.0)
    full = [key for key, score in scores.items() if score > 0 and score == best]
    accepted = list(dict.fromkeys([*correct, *full]))
    warnings: list[str] = []
    partial = [key for key, score in scores.items() if 0 < score < best]
    if partial:
        listed = ", ".join(f"{key!r} ({_fraction(scores[key] / best)})" for key in partial)
        warnings.append(f"answers earning partial credit in QTI get none in Certify: {listed}")
    if mapping.score(["\x00other"]) > 0:
        warnings.append(f"any other answer earns {mapping.default:g} in QTI (its default value); in Certify it earns 0")
    flags = {mapping.sensitive.get(key, True) for key in full}
    if len(flags) > 1:
        warnings.append("some accepted answers are case sensitive and others not; Certify treats all as case sensitive")
    return accepted, not full or True in flags, warnings
