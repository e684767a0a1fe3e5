"""Numeric answers in QTI response processing: which numbers earn credit, read and written.

QTI compares a number with `equal` (toleranceMode exact, absolute or relative; the tolerance is "t" or
"t0 t1"), `equalRounded` (significant figures or decimal places) or bounds (`gte`/`lte`). Certify's
numeric item accepts a value within an absolute tolerance, or a range [min, max]; every QTI rule above
becomes one of those exactly (a relative tolerance becomes the range it allows). What cannot (an
excluded bound, a partial-credit branch, an unknown operator) is reported to the caller as a sentence.

`equal` is read as the QTI specification defines it: the second operand must lie within the tolerance
around the first. With the correct value first, the range is around it; with the response first, the
range holds every response around which the correct value would lie (the same for symmetric absolute
tolerances, a little wider above for relative ones).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # building trees only; parsing goes through defusedxml
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

_BRANCHES = ("response-if", "response-else-if")
_BOUNDS = ("gte", "gt", "lte", "lt")


class Unreadable(ValueError):
    """A rule Certify cannot turn into a tolerance or a range."""


def _tidy(value: float) -> float:
    """Twelve significant digits: 150 * 0.95 is 142.5, not 142.49999999999997."""
    return float(f"{value:.12g}")


def _number(text: str | None) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise Unreadable(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise Unreadable(f"{text!r} is not a finite number")
    return value


class _Rule:
    """Reads one condition into the closed interval of responses it accepts."""

    def __init__(self, response: str, correct: float | None, warnings: list[str]) -> None:
        self.response, self.correct, self.warnings = response, correct, warnings

    def operand(self, element: ET.Element) -> float | None:
        """The number an operand stands for, or None for the candidate's response."""
        if element.tag == "variable" and element.get("identifier") == self.response:
            return None
        if element.tag == "correct" and element.get("identifier") == self.response and self.correct is not None:
            return self.correct
        if element.tag == "base-value":
            return _number(element.text)
        raise Unreadable(f"it compares the answer with <{element.tag}>")

    def operands(self, condition: ET.Element) -> tuple[float | None, float | None]:
        kids = [child for child in condition if isinstance(child.tag, str)]
        if len(kids) != 2:
            raise Unreadable(f"<{condition.tag}> does not compare two values")
        first, second = self.operand(kids[0]), self.operand(kids[1])
        if (first is None) == (second is None):
            raise Unreadable(f"<{condition.tag}> does not compare the answer with a number")
        return first, second

    def interval(self, condition: ET.Element) -> tuple[float, float, float]:
        """(low, high, centre) of the responses `condition` accepts."""
        tag = condition.tag
        if tag in ("match", "equal") and condition.get("tolerance-mode", "exact") == "exact":
            first, second = self.operands(condition)
            value = first if first is not None else second
            assert value is not None
            return value, value, value
        if tag == "equal":
            return self.tolerance(condition)
        if tag == "equal-rounded":
            first, second = self.operands(condition)
            value = first if first is not None else second
            assert value is not None
            return (*rounded_interval(value, condition), value)
        if tag in _BOUNDS or tag == "and":
            return self.bounds([condition] if tag in _BOUNDS else list(condition))
        raise Unreadable(f"it scores the answer with <{tag}>")

    def tolerance(self, condition: ET.Element) -> tuple[float, float, float]:
        first, second = self.operands(condition)
        mode = condition.get("tolerance-mode", "exact")
        parts = (condition.get("tolerance") or "").split()
        if mode not in ("absolute", "relative") or len(parts) not in (1, 2):
            raise Unreadable(f"its tolerance mode {mode!r} with tolerance {condition.get('tolerance')!r}")
        below, above = _number(parts[0]), _number(parts[-1])
        if below < 0 or above < 0:
            raise Unreadable("its tolerance is negative")
        for name in ("include-lower-bound", "include-upper-bound"):
            if condition.get(name, "true").strip() == "false":
                self.warnings.append(f"its tolerance excludes a bound ({name}); Certify includes both bounds")
        centre = first if first is not None else second
        assert centre is not None
        if first is not None:  # the range is around the correct value
            low, high = _around(first, mode, below, above)
            return low, high, centre
        # The range is around the response: accept every response whose range holds the correct value.
        if mode == "absolute":
            return centre - above, centre + below, centre
        if below >= 100:
            raise Unreadable(f"a relative tolerance of {below}% below has no upper limit")
        if centre == 0:
            return 0.0, 0.0, 0.0
        ends = (centre / (1 + above / 100), centre / (1 - below / 100))
        return _tidy(min(ends)), _tidy(max(ends)), centre

    def bounds(self, conditions: list[ET.Element]) -> tuple[float, float, float]:
        low, high = -math.inf, math.inf
        for condition in conditions:
            if condition.tag not in _BOUNDS:
                raise Unreadable(f"it combines <{condition.tag}> with bounds")
            first, second = self.operands(condition)
            # Put the response on the left: 150 >= answer is answer <= 150.
            tag = (
                condition.tag if first is None else {"gte": "lte", "gt": "lt", "lte": "gte", "lt": "gt"}[condition.tag]
            )
            bound = second if first is None else first
            assert bound is not None
            if tag in ("gt", "lt"):
                self.warnings.append(f"its bound {bound:g} is excluded ({tag}); Certify includes both bounds")
            if tag in ("gte", "gt"):
                low = max(low, bound)
            else:
                high = min(high, bound)
        if not (math.isfinite(low) and math.isfinite(high)) or low > high:
            raise Unreadable("its bounds do not enclose a range")
        centre = self.correct if self.correct is not None and low <= self.correct <= high else (low + high) / 2
        return low, high, centre


def _around(value: float, mode: str, below: float, above: float) -> tuple[float, float]:
    if mode == "absolute":
        return value - below, value + above
    ends = (value * (1 - below / 100), value * (1 + above / 100))
    return _tidy(min(ends)), _tidy(max(ends))


def rounded_interval(value: float, condition: ET.Element) -> tuple[float, float]:
    """The responses that round like `value` (half up), to significant figures or decimal places."""
    mode = condition.get("rounding-mode", "significantFigures")
    try:
        figures = int((condition.get("figures") or "").strip())
        exact = Decimal(repr(value))
    except (ValueError, InvalidOperation):
        raise Unreadable(f"its rounding to {condition.get('figures')!r} figures") from None
    if mode == "decimalPlaces" and figures >= 0:
        step = Decimal(1).scaleb(-figures)
        rounded = exact.quantize(step, rounding=ROUND_HALF_UP)
        half_below = half_above = step / 2
    elif mode == "significantFigures" and figures >= 1:
        if exact == 0:
            return 0.0, 0.0
        exponent = exact.copy_abs().adjusted() - figures + 1
        rounded = exact.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
        exponent = rounded.copy_abs().adjusted() - figures + 1  # 99.96 rounds up to 100., one digit longer
        half_above = Decimal(1).scaleb(exponent) / 2
        # Just below a power of ten the numbers have one more digit, so the gap below is ten times finer.
        power = rounded.copy_abs() == Decimal(1).scaleb(rounded.copy_abs().adjusted())
        half_below = half_above / 10 if power else half_above
        if rounded < 0:
            half_below, half_above = half_above, half_below
    else:
        raise Unreadable(f"its rounding mode {mode!r} with {figures} figures")
    return _tidy(float(rounded - half_below)), _tidy(float(rounded + half_above))


def _score(actions: list[ET.Element]) -> float | None:
    """The SCORE a branch sets: a number, infinity for MAXSCORE (full credit), None when it sets none."""
    for action in actions:
        if action.tag == "set-outcome-value" and action.get("identifier") == "SCORE":
            values = [v for v in action if isinstance(v.tag, str)]
            if len(values) != 1:
                return None
            if values[0].tag == "base-value":
                return _number(values[0].text)
            names = {v.get("identifier") for v in values[0].iter("variable")}
            return math.inf if "MAXSCORE" in names else None
    return None


def read_rule(processing: ET.Element, response: str, correct: float | None) -> tuple[dict[str, Any], list[str]]:
    """The numeric fields (`value` and `tolerance`, or `range`) of custom response processing, and warnings.

    Raises Unreadable when no branch that gives credit compares the response in a way Certify reads.
    """
    warnings: list[str] = []
    rule = _Rule(response, correct, warnings)
    branches: list[tuple[float, ET.Element]] = []
    for branch in (e for e in processing.iter() if e.tag in _BRANCHES):
        kids = [child for child in branch if isinstance(child.tag, str)]
        score = _score(kids[1:]) if kids else None
        if kids and score is not None and score > 0:
            branches.append((score, kids[0]))
    if not branches:
        raise Unreadable("no branch of its response processing gives credit")
    best = max(score for score, _ in branches)
    full = [condition for score, condition in branches if score == best]
    for score, condition in branches:
        if score < best:
            share = f"{score:g} of {best:g}" if math.isfinite(best) else f"{score:g}, less than full credit"
            warnings.append(f"a partial-credit branch (<{condition.tag}> earning {share}) was dropped")
    low, high, centre = rule.interval(full[0])
    if len(full) > 1:
        warnings.append(f"{len(full) - 1} more full-credit condition(s) were dropped; only the first is kept")
    if low == high == centre:
        return {"value": centre, "tolerance": 0.0}, warnings
    # Bounds stay a range, as does a relative tolerance; a symmetric absolute one is a tolerance.
    ranged = full[0].tag in ("and", *_BOUNDS) or full[0].get("tolerance-mode") == "relative"
    if not ranged and math.isclose(centre - low, high - centre, rel_tol=1e-9, abs_tol=1e-12):
        return {"value": centre, "tolerance": _tidy(high - centre)}, warnings
    return {"range": [low, high]}, warnings


def _sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})


def write_rule(processing: ET.Element, body: Mapping[str, Any], number: Callable[[float], str]) -> None:
    """QTI 3 response processing that accepts what the numeric body accepts (a tolerance or a range)."""
    condition = _sub(processing, "qti-response-condition")
    branch = _sub(condition, "qti-response-if")
    if "min" in body:
        both = _sub(branch, "qti-and")
        for tag, bound in (("qti-gte", body["min"]), ("qti-lte", body["max"])):
            compare = _sub(both, tag)
            _sub(compare, "qti-variable", identifier="RESPONSE")
            _sub(compare, "qti-base-value", base_type="float").text = number(float(bound))
    else:
        tolerance = number(float(body["tolerance"]))
        equal = _sub(branch, "qti-equal", tolerance_mode="absolute", tolerance=f"{tolerance} {tolerance}")
        _sub(equal, "qti-variable", identifier="RESPONSE")
        _sub(equal, "qti-correct", identifier="RESPONSE")
    otherwise = _sub(condition, "qti-response-else")
    for holder, score in ((branch, "1"), (otherwise, "0")):
        outcome = _sub(holder, "qti-set-outcome-value", identifier="SCORE")
        _sub(outcome, "qti-base-value", base_type="float").text = score
