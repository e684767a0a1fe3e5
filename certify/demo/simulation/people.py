"""The simulated population: cohorts, candidates (names, abilities, registration dates), staff and their accounts."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from certify.auth.models import User, UserRole
from certify.core.eligibility import add_years
from certify.demo.simulation.common import HISTORY_DAYS, SIM_DOMAIN, at_hour, days, seeded
from certify.extensions import db
from certify.reports.models import Cohort, CohortMember

RETAKE_GAIN = 0.25
COMPETENCY_GAIN = {"RA": 1.1, "PA": 1.0, "SS": 0.9, "OB": 1.2, "AD": 1.0, "IS": 1.1, "EV": 0.7, "CP": 0.9}


@dataclass(frozen=True)
class CohortSpec:
    name: str
    description: str
    share: float  # of the simulated candidates
    ability: float  # mean ability before the course
    gain: float  # added to the mean course gain
    completion: float  # chance of finishing the course
    intakes: tuple[int, ...] = ()  # days before today that an intake registered; empty: rolling enrolment


COHORTS = (
    CohortSpec(
        "Northwind Health",
        "Clinical educators and L&D staff of a hospital group, enrolled in three intakes.",
        0.25,
        0.35,
        0.15,
        0.85,
        (510, 330, 150),
    ),
    CohortSpec(
        "Harbour Bank",
        "The learning team of a retail bank: a pilot group three years ago, then two intakes.",
        0.2,
        0.1,
        0.0,
        0.8,
        (420, 230),
    ),
    CohortSpec(
        "Riverside Council",
        "Local-government trainers funded by a workforce grant.",
        0.15,
        -0.4,
        -0.1,
        0.65,
        (380, 100),
    ),
    CohortSpec("Open enrolment", "People who registered on their own.", 0.4, -0.1, 0.0, 0.72),
)
PILOT_COHORT = "Harbour Bank"

_FIRST_NAMES = """
    Aisha Alejandro Amelia Anders Bianca Caleb Chen Chiara Daniel Dmitri Elena Emeka Fatou Felix Hannah
    Hiroshi Ines Isaac Jamal Joanna Kai Kavya Lars Layla Lucas Maya Mateo Nadia Niamh Oliver Omar Paula
    Rafael Rania Rosa Ruben Sakura Samuel Sofia Tariq Theo Uma Valentina Victor Wen Yara Yusuf Zainab
    Zoe Ibrahim
"""
_LAST_NAMES = """
    Abara Andersen Baptiste Becker Bianchi Chowdhury Costa Dang Delgado Eriksen Fischer Fofana Garcia
    Gill Haddad Hughes Ivanova Jensen Kaur Khan Kowalski Larsen Lopez MacLeod Mbeki Moreau Murphy
    Nakamura Novak Nunes Obi Olsen Park Patel Quinn Rahman Rossi Santos Schmidt Silva Singh Suzuki Tan
    Torres Usman Varga Walsh Wong Yilmaz Zhou
"""
FIRST_NAMES, LAST_NAMES = tuple(_FIRST_NAMES.split()), tuple(_LAST_NAMES.split())


@dataclass(frozen=True)
class StaffSpec:
    key: str
    name: str
    roles: frozenset[str]
    severity: float  # added to the true level; positive = lenient
    noise: float  # standard deviation of their levels around it
    drift: float = 0.0  # change in severity per year


STAFF = (
    StaffSpec("assessor1", "Ingrid Halvorsen", frozenset({"assessor"}), 0.0, 0.25),
    StaffSpec("assessor2", "Marcus Bell", frozenset({"assessor"}), 0.4, 0.25),  # lenient
    StaffSpec("assessor3", "Yuki Sato", frozenset({"assessor"}), -0.4, 0.25),  # severe
    StaffSpec("assessor4", "Fatima Rahman", frozenset({"assessor"}), 0.1, 0.2),
    StaffSpec("assessor5", "Diego Alvarez", frozenset({"assessor"}), 0.3, 0.25, drift=-0.6),  # grows severe
    StaffSpec("assessor6", "Chloe Dubois", frozenset({"assessor"}), 0.0, 0.55),  # inconsistent
    StaffSpec("adjudicator1", "Helen Ward", frozenset({"adjudicator"}), 0.0, 0.3),
)
OTHER_REVIEWER = StaffSpec("", "", frozenset(), 0.0, 0.3)  # anyone else who is allocated a simulated portfolio


@dataclass
class Person:
    """One simulated candidate and what has happened to them so far."""

    index: int
    name: str
    email: str
    cohort: CohortSpec
    registered: datetime
    theta: float
    gain: float
    offsets: dict[str, float]
    rng: random.Random
    pilot: bool = False
    expiry_days: int = 0  # pilots: days from today until their certificate expires
    user: User | None = None
    course_done: datetime | None = None
    exam_passed: datetime | None = None

    def ability(self, competency: str, attempt: int) -> float:
        """Ability in a competency before the course (attempt 0) or at the n-th certification attempt."""
        base = self.theta + self.offsets.get(competency, 0.0)
        if attempt == 0:
            return base
        return base + self.gain * COMPETENCY_GAIN.get(competency, 1.0) + RETAKE_GAIN * (attempt - 1)

    def mean_ability(self) -> float:
        return sum(self.ability(code, 1) for code in COMPETENCY_GAIN) / len(COMPETENCY_GAIN)


def create_people(total: int, now: datetime) -> list[Person]:
    rng = seeded("population")
    pilots = min(total // 10, max(2, total // 50))
    names = [(f, s) for f in FIRST_NAMES for s in LAST_NAMES]
    rng.shuffle(names)
    used: Counter[str] = Counter()
    people = []
    for index in range(total):
        first, last = names[index % len(names)]
        local = f"{first}.{last}".lower()
        used[local] += 1
        email = f"{local}{used[local] if used[local] > 1 else ''}@{SIM_DOMAIN}"
        own = seeded("person", index)
        pilot = index < pilots
        if pilot:
            cohort = next(c for c in COHORTS if c.name == PILOT_COHORT)
            expiry_days = own.randrange(15, 85)
            issued = add_years((now + days(expiry_days)).date(), -3)
            registered = datetime.combine(issued, now.timetz()) - days(130)
            theta = 0.7 + own.gauss(0, 0.2)
        else:
            cohort = rng.choices(COHORTS, [c.share for c in COHORTS])[0]
            expiry_days = 0
            if cohort.intakes:
                registered = now - days(own.choice(cohort.intakes) - own.uniform(0, 12))
            else:
                registered = now - days(max(1.0, HISTORY_DAYS * own.random() ** 1.3))  # more of them lately
            theta = own.gauss(cohort.ability - 0.5, 1.0)
        people.append(
            Person(
                index=index,
                name=f"{first} {last}",
                email=email,
                cohort=cohort,
                registered=at_hour(registered, own),
                theta=theta,
                gain=max(0.0, own.gauss(1.3 + cohort.gain, 0.4)),
                offsets={code: own.gauss(0, 0.35) for code in COMPETENCY_GAIN},
                rng=own,
                pilot=pilot,
                expiry_days=expiry_days,
            )
        )
    people.sort(key=lambda p: p.registered)
    return people


def create_accounts(people: list[Person]) -> dict[str, User]:
    """Candidates, the simulated assessors and adjudicator, and the cohorts; returns the staff by key."""
    users = []
    for person in people:
        person.user = User(email=person.email, name=person.name, password_hash=None, created_at=person.registered)
        person.user.role_rows = [UserRole(role="candidate", granted_at=person.registered)]
        users.append(person.user)
    hired = min(p.registered for p in people) - days(60)
    staff = {}
    for spec in STAFF:
        user = User(email=f"{spec.key}@{SIM_DOMAIN}", name=spec.name, password_hash=None, created_at=hired)
        user.role_rows = [UserRole(role=role, granted_at=hired) for role in sorted(spec.roles)]
        staff[spec.key] = user
        users.append(user)
    db.session.add_all(users)
    db.session.flush()
    members = []
    for spec in COHORTS:
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == spec.name))
        if cohort is None:
            cohort = Cohort(name=spec.name, description=spec.description, created_at=hired)
            db.session.add(cohort)
            db.session.flush()
        members += [
            {"cohort_id": cohort.id, "user_id": p.user.id} for p in people if p.cohort is spec and p.user is not None
        ]
    if members:
        db.session.execute(insert(CohortMember), members)
    return staff
