"""The demo accounts, one or more of each role, with passwords published in README.md (never in production)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from certify.auth import services as accounts
from certify.auth.models import User
from certify.demo.course import complete_course


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    roles: frozenset[str]
    password: str


DEMO_ACCOUNTS = (
    DemoAccount("admin@example.org", "Dana Okafor", frozenset({"admin"}), "Orchard-Lantern-42"),
    DemoAccount("assessor@example.org", "Sam Lindqvist", frozenset({"assessor"}), "Granite-Meadow-17"),
    DemoAccount("assessor2@example.org", "Grace Mensah", frozenset({"assessor"}), "Juniper-Canal-35"),
    DemoAccount("adjudicator@example.org", "Tomas Varga", frozenset({"assessor", "adjudicator"}), "Saffron-Beacon-51"),
    DemoAccount("candidate@example.org", "Priya Natarajan", frozenset({"candidate"}), "Harbour-Violet-63"),
    DemoAccount("learner@example.org", "Leo Martins", frozenset({"candidate"}), "Copper-Willow-28"),
    DemoAccount("amara@example.org", "Amara Osei", frozenset({"candidate"}), "Pebble-Orchid-74"),
    DemoAccount("jonas@example.org", "Jonas Weber", frozenset({"candidate"}), "Thistle-Harbor-86"),
    DemoAccount("mei@example.org", "Mei Tanaka", frozenset({"candidate"}), "Lantern-Quarry-19"),
    DemoAccount("panel1@example.org", "Ines Duarte", frozenset({"assessor"}), "Meadow-Signal-58"),
    DemoAccount("panel2@example.org", "Kwame Boateng", frozenset({"assessor"}), "Cobalt-Harvest-27"),
)
# The first demo candidate has finished the course (so both exams can be tried at once);
# the second starts from the beginning.
COURSE_DONE = "candidate@example.org"


def seed_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; returns those created."""
    created = []
    for demo in DEMO_ACCOUNTS:
        if accounts.find_user_by_email(demo.email) is None:
            user = accounts.create_user(
                None, name=demo.name, email=demo.email, roles=set(demo.roles), password=demo.password
            )
            if demo.email == COURSE_DONE:
                complete_course(user)
            created.append(demo)
    return created


def demo_users(emails: Sequence[str]) -> list[User] | None:
    """The demo accounts with these emails, in order; None when any is missing (the demo was not seeded)."""
    found = [accounts.find_user_by_email(email) for email in emails]
    return None if any(user is None for user in found) else [user for user in found if user is not None]
