"""A valid outcome plan as a candidate types it, and the same plan checked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from certify.database import utcnow


def plan_form(**overrides: Any) -> dict[str, str]:
    """Form fields (`plan-<name>`) of a contact centre's plan: first-contact resolution 61 % -> 74 %."""
    values = {
        "metric": "First-contact resolution",
        "unit": "%",
        "direction": "increase",
        "baseline": "61",
        "target": "74",
        "expected_by": (utcnow().date() + timedelta(days=200)).isoformat(),
        "sponsor_name": "Priya Raman",
        "sponsor_email": "priya.raman@example.com",
        "objectives": "Agents check the knowledge base before escalating\nAgents confirm the fix with the caller",
    }
    values.update({k: str(v) for k, v in overrides.items()})
    return {f"plan-{name}": value for name, value in values.items()}


def plan_raw(**overrides: Any) -> dict[str, object]:
    return {key.removeprefix("plan-"): value for key, value in plan_form(**overrides).items()}
