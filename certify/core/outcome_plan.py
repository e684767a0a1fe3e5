"""Checking an outcome plan: the key performance metric a design targets, as the candidate types it.

A plan names the metric, its unit and the direction that counts as better, the baseline and the target
(the target must lie beyond the baseline in that direction), the date the target is expected (after today),
the sponsor who can attest the value (name and a real email address), and 1 to 6 objectives: the job
behaviours a Level-3 evaluation will rate. Every problem is reported against its field, in plain words.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email

PLAN_FIELDS = (
    "metric",
    "unit",
    "direction",
    "baseline",
    "target",
    "expected_by",
    "sponsor_name",
    "sponsor_email",
    "objectives",
)
DIRECTIONS = ("increase", "decrease")
LIMITS = {"metric": 200, "unit": 40, "sponsor_name": 120, "sponsor_email": 254}
MAX_OBJECTIVES, MAX_OBJECTIVE_CHARS = 6, 200
MAX_MAGNITUDE = 1e12  # no performance metric needs more; it keeps inf-like input out


@dataclass(frozen=True)
class PlanCheck:
    """The checked plan (JSON-ready: numbers as floats, the date in ISO form) or the problems, by field."""

    plan: dict[str, Any] | None
    errors: dict[str, str] = field(default_factory=dict)


def parse_number(raw: object, label: str) -> tuple[float | None, str | None]:
    """A finite number from a form field (a decimal comma is accepted), or a message naming the field."""
    text = str(raw if raw is not None else "").strip().replace(",", ".").replace(" ", "")
    if not text:
        return None, f"Enter the {label} as a number."
    try:
        value = float(text)
    except ValueError:
        return None, f"The {label} must be a number, such as 61 or 4.5 (got {str(raw).strip()[:40]!r})."
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        return None, f"The {label} must be an ordinary number of at most 12 digits."
    return value, None


def parse_date(raw: object, label: str) -> tuple[date | None, str | None]:
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None, f"Enter the {label} (YYYY-MM-DD)."
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, f"The {label} must be a real date written YYYY-MM-DD (got {text[:40]!r})."


def checked_email(raw: object) -> tuple[str | None, str | None]:
    """The normalised address, as account forms check it (certify.auth.forms.checked_email), or the problem."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None, "Enter the sponsor's email address."
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, f"Enter a valid email address for the sponsor: {exc}"
    return result.normalized.lower(), None


def objective_lines(raw: object) -> list[str]:
    """One objective per line; blank lines and list markers ignored."""
    lines = [str(line) for line in raw] if isinstance(raw, list) else str(raw or "").splitlines()
    cleaned = (line.strip().lstrip("-*•").strip() for line in lines)
    return [line for line in cleaned if line]


def is_blank(raw: Mapping[str, object]) -> bool:
    """Nothing typed in any field (an older portfolio, or a candidate who has not started the plan)."""
    return not any(str(raw.get(name) or "").strip() for name in PLAN_FIELDS if name != "direction")


def check_plan(raw: Mapping[str, object], today: date) -> PlanCheck:
    """Check every field of a plan as typed; `today` decides whether the expected date is in the future."""
    errors: dict[str, str] = {}
    texts = {name: str(raw.get(name) or "").strip() for name in ("metric", "unit", "sponsor_name")}
    if not texts["metric"]:
        errors["metric"] = "Name the metric your design targets, such as first-contact resolution."
    for name, text in texts.items():
        if len(text) > LIMITS[name]:
            errors[name] = f"Keep the {name.replace('_', ' ')} to {LIMITS[name]} characters (it has {len(text)})."
    if not texts["sponsor_name"] and "sponsor_name" not in errors:
        errors["sponsor_name"] = "Name the sponsor who can attest the metric's value."
    direction = str(raw.get("direction") or "").strip()
    if direction not in DIRECTIONS:
        errors["direction"] = "Choose whether the metric should increase or decrease."
    baseline, problem = parse_number(raw.get("baseline"), "baseline")
    if problem:
        errors["baseline"] = problem
    target, problem = parse_number(raw.get("target"), "target")
    if problem:
        errors["target"] = problem
    if baseline is not None and target is not None and direction in DIRECTIONS:
        if target == baseline:
            errors["target"] = "The target must differ from the baseline."
        elif direction == "increase" and target < baseline:
            errors["target"] = "The metric should increase, so the target must be above the baseline."
        elif direction == "decrease" and target > baseline:
            errors["target"] = "The metric should decrease, so the target must be below the baseline."
    expected, problem = parse_date(raw.get("expected_by"), "date the target is expected")
    if problem:
        errors["expected_by"] = problem
    elif expected is not None and expected <= today:
        errors["expected_by"] = f"The date the target is expected must be after today ({today.isoformat()})."
    email, problem = checked_email(raw.get("sponsor_email"))
    if problem:
        errors["sponsor_email"] = problem
    elif email is not None and len(email) > LIMITS["sponsor_email"]:
        errors["sponsor_email"] = "The sponsor's email address is too long."
    objectives = objective_lines(raw.get("objectives"))
    if not objectives:
        errors["objectives"] = "List at least one objective: a job behaviour the design should change."
    elif len(objectives) > MAX_OBJECTIVES:
        errors["objectives"] = f"List at most {MAX_OBJECTIVES} objectives, one a line (there are {len(objectives)})."
    elif any(len(line) > MAX_OBJECTIVE_CHARS for line in objectives):
        errors["objectives"] = f"Keep each objective to {MAX_OBJECTIVE_CHARS} characters: a short line."
    if errors:
        return PlanCheck(None, errors)
    assert baseline is not None and target is not None and expected is not None and email is not None
    plan = {
        "metric": texts["metric"],
        "unit": texts["unit"],
        "direction": direction,
        "baseline": baseline,
        "target": target,
        "expected_by": expected.isoformat(),
        "sponsor_name": texts["sponsor_name"],
        "sponsor_email": email,
        "objectives": objectives,
    }
    return PlanCheck(plan)


def draft_values(raw: Mapping[str, object]) -> dict[str, str]:
    """The plan's fields as text to keep in a draft: only known fields, each cut to a sane length."""
    values = {}
    for name in PLAN_FIELDS:
        value = raw.get(name)
        text = "\n".join(str(v) for v in value) if isinstance(value, list) else str(value or "")
        values[name] = text[:2000]
    return values


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; a day the month lacks becomes its last day (31 Aug + 6 -> 28 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
