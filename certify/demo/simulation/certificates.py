"""Certificates, issued at the monthly certification board, and renewals by a few pilot holders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select

from certify.auth.models import User
from certify.certificates.issuing import issue_all
from certify.certificates.lifecycle import log_activity, renew
from certify.certificates.models import Certificate
from certify.core.eligibility import add_years
from certify.demo.simulation.common import SIM_DOMAIN, Tally, days
from certify.demo.simulation.people import Person
from certify.extensions import db

ADMIN_EMAIL = "admin@example.org"
ACTIVITIES = (
    "Conference: Association for Talent Development international conference",
    "Course: advanced evaluation methods (Phillips ROI)",
    "Mentored two candidates through their design portfolios",
    "Published a case study on performance consulting",
    "Workshop: facilitating stakeholder partnership",
)


def _board_day(decided: datetime) -> datetime:
    """Certificates are issued at the monthly certification board: the first weekday of the next month."""
    day = (decided + days(3)).replace(day=1, hour=10, minute=0, second=0, microsecond=0) + days(32)
    day = day.replace(day=1)
    while day.weekday() >= 5:
        day += days(1)
    return day


def issue_certificates(
    people: list[Person], decisions: Mapping[int, tuple[bool, datetime]], now: datetime, tally: Tally
) -> None:
    admin = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
    if admin is None:
        raise RuntimeError(f"the demo admin {ADMIN_EMAIL} is missing; seed the demo accounts first")
    batches: dict[datetime, list[User]] = defaultdict(list)
    by_index = {p.index: p for p in people}
    for index, (passed, decided) in decisions.items():
        person = by_index[index]
        if not passed or person.user is None:
            continue
        day = _board_day(decided)
        if person.pilot:  # issued so that it expires soon (three years of validity)
            planned = datetime.combine(add_years((now + days(person.expiry_days)).date(), -3), now.timetz())
            day = planned if planned > decided + days(1) else decided + days(2)
        if day < now - timedelta(hours=1):
            batches[day].append(person.user)
    for day in sorted(batches):
        group = batches[day]
        issued, skipped = issue_all(admin, day, workers=2 if len(group) >= 60 else 1, candidates=group)
        tally.certificates += len(issued)
        tally.skipped.extend(skipped)
    pilots = [p for p in people if p.pilot and p.user is not None]
    renewing = pilots[: min(2, len(pilots) // 2)]
    for person in renewing:
        assert person.user is not None
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.holder_id == person.user.id, Certificate.predecessor_id.is_(None))
        )
        if certificate is None:
            continue
        renewal = now - days(person.rng.uniform(2, 8))
        for number, title in enumerate(person.rng.sample(ACTIVITIES, 4)):
            day = (certificate.issued_at + days(150 + 220 * number + person.rng.uniform(0, 60))).date()
            log_activity(person.user, title, min(day, renewal.date()), person.rng.randrange(10, 16), renewal)
        renew(admin, certificate, renewal)
        tally.renewed += 1
    tally.expiring = len(
        [
            c
            for c in db.session.scalars(
                select(Certificate)
                .join(User, User.id == Certificate.holder_id)
                .where(User.email.like(f"%@{SIM_DOMAIN}"), Certificate.status == "active")
            )
            if now < c.expires_at <= now + days(90)
            and db.session.scalar(select(Certificate.id).where(Certificate.predecessor_id == c.id)) is None
        ]
    )
