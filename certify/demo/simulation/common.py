"""What the stages of the simulation share: where simulated people live, seeded randomness, dates, the tally."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

SIM_DOMAIN = "sim.example.org"
RANDOM_SEED = 20240607
HISTORY_DAYS = 540  # registrations spread over the last eighteen months


def seeded(*parts: object) -> random.Random:
    """A generator seeded from RANDOM_SEED and `parts`: the same parts give the same sequence."""
    return random.Random(":".join(map(str, (RANDOM_SEED, *parts))))  # noqa: S311 - demo data, not secrets


def days(value: float) -> timedelta:
    return timedelta(days=value)


def at_hour(moment: datetime, rng: random.Random, first: int = 8, last: int = 20) -> datetime:
    """The same day at a plausible working hour."""
    return moment.replace(hour=rng.randrange(first, last), minute=rng.randrange(60), second=rng.randrange(60))


@dataclass
class Tally:
    """What the stages did, counted for the summary line."""

    candidates: int = 0
    cohorts: int = 0
    diagnostics: int = 0
    course_completed: int = 0
    exam_attempts: int = 0
    exam_candidates: int = 0
    first_passed: int = 0
    passed: int = 0
    portfolio_versions: int = 0
    reviews: int = 0
    adjudicated: int = 0
    portfolios_passed: int = 0
    portfolios_failed: int = 0
    certificates: int = 0
    expiring: int = 0
    renewed: int = 0
    skipped: list[str] = field(default_factory=list)
