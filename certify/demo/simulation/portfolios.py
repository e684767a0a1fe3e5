"""Portfolios, as a sequence of events: submissions, calibrated assessors, reviews, adjudication, resubmissions."""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from sqlalchemy import select

from certify.auth.models import User, UserRole
from certify.demo.simulation.common import HISTORY_DAYS, SIM_DOMAIN, Tally, at_hour, days, seeded
from certify.demo.simulation.people import OTHER_REVIEWER, STAFF, Person
from certify.extensions import db
from certify.portfolios import services as portfolios
from certify.review.models import Allocation, AnchorPortfolio
from certify.review.reviewing import record_calibration, submit_review
from certify.review.services import get_rubric

# How much harder (negative) or easier each rubric criterion is than a portfolio's overall quality.
CRITERION_SHIFT = {"KPM": 0.25, "CAUSE": 0.0, "SOLUTION": 0.05, "OBJECTIVES": 0.1}
CRITERION_SHIFT |= {"ASSESSMENT": -0.05, "PRACTICE": 0.1, "EVALUATION": -0.3, "PARTNERSHIP": 0.0}


class Reviews:
    """Portfolio submissions and reviews, processed in the order they happen."""

    def __init__(self, people: list[Person], staff: Mapping[str, User], now: datetime, tally: Tally) -> None:
        self.now, self.tally = now, tally
        self.rng = seeded("reviews")
        self.events: list[tuple[datetime, int, str, Any]] = []
        self.order = count()
        self.profiles = {user.id: spec for spec in STAFF for key, user in staff.items() if key == spec.key}
        self.quality: dict[int, dict[str, float]] = {}  # version id -> true level per criterion
        self.owner: dict[int, Person] = {}  # version id -> candidate
        self.scheduled: set[int] = set()
        self.decisions: dict[int, tuple[bool, datetime]] = {}  # person index -> latest decision
        self.anchors = {a.slug: a for a in db.session.scalars(select(AnchorPortfolio))}
        rubric = get_rubric()
        assert rubric is not None, "the portfolio rubric is not loaded"
        self.criteria = {c.code: c for c in rubric.criteria}
        self.drift_from = now - days(HISTORY_DAYS)  # severity drifts over the eighteen months
        for person in people:
            if person.exam_passed is None or not (person.pilot or person.rng.random() < 0.6):
                continue
            delay = 12.0 if person.pilot else 7 + person.rng.gammavariate(2, 10)
            quality = 3.75 if person.pilot else 2.8 + 0.4 * person.mean_ability() + person.rng.gauss(0, 0.45)
            self._at(at_hour(person.exam_passed + days(delay), person.rng), "submit", (person, quality))

    def _at(self, when: datetime, kind: str, payload: Any) -> None:
        heapq.heappush(self.events, (when, next(self.order), kind, payload))

    def run(self) -> None:
        while self.events:
            when, _, kind, payload = heapq.heappop(self.events)
            if when > self.now - timedelta(hours=1):
                continue  # has not happened yet: stays waiting for the candidate or the assessor
            if kind == "submit":
                self._submit(when, *payload)
            else:
                self._review(when, payload)

    def _sections(self, person: Person, levels: Mapping[str, float]) -> dict[str, str]:
        sections = {}
        for code, level in levels.items():
            slug = "anchor-weak" if level < 2.5 else "anchor-proficient" if level < 3.5 else "anchor-exemplary"
            anchor = self.anchors.get(slug) or next(iter(self.anchors.values()))
            # The opening of the anchor's section (kept short: every version is rendered and sanitised).
            blocks = str(anchor.sections.get(code, "")).split("\n\n")[: 2 + person.rng.randrange(2)]
            sections[code] = "\n\n".join([f"_Project for {person.cohort.name}, by {person.name}._", *blocks])
        return sections

    def _submit(self, when: datetime, person: Person, quality: float) -> None:
        user = person.user
        assert user is not None
        levels = {code: quality + CRITERION_SHIFT.get(code, 0.0) + person.rng.gauss(0, 0.3) for code in self.criteria}
        portfolio = portfolios.portfolio_for(user)
        if portfolio.draft_seq == 0:
            portfolio.created_at = when - days(person.rng.uniform(3, 20))
        portfolios.save_draft(user, self._sections(person, levels), portfolio.draft_seq + 1, when)
        version = portfolios.submit(user, when)
        self.quality[version.id], self.owner[version.id] = levels, person
        self.tally.portfolio_versions += 1
        self._schedule_new(version.id, when)

    def _schedule_new(self, version_id: int, when: datetime) -> None:
        for allocation in db.session.scalars(
            select(Allocation).where(Allocation.version_id == version_id, Allocation.status == "allocated")
        ):
            if allocation.id in self.scheduled:
                continue
            self.scheduled.add(allocation.id)
            allocation.allocated_at = when
            delay = 0.5 + self.rng.gammavariate(2, 3 if allocation.role == "adjudicator" else 4)
            self._at(when + days(delay), "review", allocation.id)

    def _levels(self, assessor_id: int, truth: Mapping[str, float], when: datetime) -> dict[str, int]:
        profile = self.profiles.get(assessor_id, OTHER_REVIEWER)
        years = max(0.0, (when - self.drift_from).days / 365)
        bias = profile.severity + profile.drift * years
        return {
            code: min(4, max(1, round(value + bias + self.rng.gauss(0, profile.noise))))
            for code, value in truth.items()
        }

    def _review(self, when: datetime, allocation_id: int) -> None:
        allocation = db.session.get(Allocation, allocation_id)
        if allocation is None or allocation.status != "allocated":
            return
        assessor = db.session.get(User, allocation.assessor_id)
        assert assessor is not None
        levels = self._levels(assessor.id, self.quality[allocation.version_id], when)
        comments = {code: str(self.criteria[code].descriptors.get(str(level), "")) for code, level in levels.items()}
        weak = [self.criteria[code].title.lower() for code, level in levels.items() if level < 3]
        overall = (
            "Meets the standard on every criterion."
            if not weak
            else "Not yet at the standard: " + "; ".join(weak) + "."
        )
        resolution = submit_review(assessor, allocation, levels, comments, overall, when)
        self.tally.reviews += 1
        self._schedule_new(allocation.version_id, when)  # an adjudicator, after a disagreement
        if resolution is None:
            return
        person = self.owner[allocation.version_id]
        self.decisions[person.index] = (resolution.passed, when)
        self.tally.adjudicated += allocation.role == "adjudicator"
        if resolution.passed:
            self.tally.portfolios_passed += 1
            return
        self.tally.portfolios_failed += 1
        if person.rng.random() < 0.6:  # revises and resubmits, a little better
            quality = sum(self.quality[allocation.version_id].values()) / len(self.criteria) + 0.5
            self._at(when + days(21 + person.rng.gammavariate(2, 10)), "submit", (person, quality))


@contextmanager
def only_simulated_reviewers() -> Iterator[None]:
    """Keep the demo's own assessors out of allocation while the simulation runs (their queues stay as the
    demo left them): they count as inactive inside this block, in this transaction only."""
    others = db.session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_(("assessor", "adjudicator")), User.active, User.email.not_like(f"%@{SIM_DOMAIN}"))
        .distinct()
    ).all()
    for user in others:
        user.active = False
    try:
        yield
    finally:
        for user in others:
            user.active = True
        db.session.flush()


def calibrate(staff: Mapping[str, User], when: datetime) -> None:
    references = {
        a.slug: {k: int(v) for k, v in a.reference_levels.items()} for a in db.session.scalars(select(AnchorPortfolio))
    }
    for user in staff.values():
        record_calibration(user, references, when)
