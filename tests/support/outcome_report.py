"""A hand-worked population for the programme impact report (issue 17), and its expected figures.

    plan holder cohort issued      metric (baseline -> target)  follow-ups (due in the past unless said)
    1    Ada    Acme   2025-01-10  FCR % 61 -> 74               3m: holder 70, sponsor attests 74; 6m: attests 70
    2    Ben    Acme   2025-02-01  pick errors 4.2 -> 2.0       3m: sponsor disputes (3.9); 6m: attests 3.1
    3    Cleo   Beta   2025-03-01  win rate % 20 -> 30          3m: attests 18 (moved away)
    4    Dev    Beta   2025-03-15  FCR % 50 -> 60               3m: holder reported 55, sponsor silent
    5    Eve    -      2025-04-01  FCR % 50 -> 60               3m: nobody answered (a non-respondent)
    6    Fay    -      2025-05-01  FCR % 50 -> 60               3m: sponsor disputes without a value
    7    Gus    Acme   2025-06-01  FCR % 50 -> 60               3m: due in 30 days (not followed up yet)
    -    Hal    -      2025-06-02  a certificate without a plan (never counted)

Outcomes (latest attested value): Ada 70 -> 9/13 = 0.6923, Ben 3.1 -> 0.5, Cleo 18 -> -0.2; 2 of 3 moved.
Success cases: Ada (success, interviewed), Ben (success, not yet), Cleo (non-success, interviewed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from certify.certificates.models import Certificate
from certify.database import utcnow
from certify.extensions import db
from certify.outcomes.models import FollowUp, OutcomePlan, SponsorResponse, SuccessCase
from certify.reports.models import Cohort, CohortMember

GREET = "Greets the caller by name"
RESOLVE = "Resolves billing queries on the first call"
QUALIFY = "Qualifies leads with the checklist"


@dataclass
class World:
    users: dict[str, int] = field(default_factory=dict)
    plans: dict[str, int] = field(default_factory=dict)
    serials: int = 0


def _certificate(world: World, holder: int, issued: date) -> Certificate:
    world.serials += 1
    cert = Certificate(
        serial=f"MID-2025-{world.serials:06d}",
        code=f"rep-{world.serials:032d}",
        holder_id=holder,
        issued_at=datetime(issued.year, issued.month, issued.day, 9, tzinfo=UTC),
        expires_at=datetime(2028, 1, 1, tzinfo=UTC),
    )
    db.session.add(cert)
    db.session.flush()
    return cert


def _plan(world: World, who: str, issued: date, metric: str, baseline: float, target: float, objectives=()):
    cert = _certificate(world, world.users[who], issued)
    plan = OutcomePlan(
        certificate_id=cert.id,
        holder_id=world.users[who],
        metric=metric,
        unit="%",
        direction="increase" if target > baseline else "decrease",
        baseline=baseline,
        target=target,
        expected_by=date(2026, 6, 30),
        sponsor_name=f"Sponsor of {who}",
        sponsor_email=f"sponsor.{who.lower()}@example.org",
        objectives=list(objectives),
    )
    db.session.add(plan)
    db.session.flush()
    world.plans[who] = plan.id
    return plan


def _followup(plan, months, due, holder_value=None, decision=None, value=None, ratings=None) -> FollowUp:
    follow = FollowUp(plan_id=plan.id, months=months, due_at=due)
    if holder_value is not None:
        follow.holder_value, follow.reported_at = holder_value, due + timedelta(days=2)
    db.session.add(follow)
    db.session.flush()
    if decision:
        db.session.add(
            SponsorResponse(
                followup_id=follow.id,
                decision=decision,
                value=value,
                behaviour_ratings=ratings or {},
                responded_at=due + timedelta(days=5),
            )
        )
        db.session.flush()
    return follow


@pytest.fixture
def impact_world(app, make_user) -> World:
    world = World()
    for name in ("Ada", "Ben", "Cleo", "Dev", "Eve", "Fay", "Gus", "Hal"):
        world.users[name] = make_user(name=name, email=f"{name.lower()}@example.org").id
    now = utcnow()
    past, later = now - timedelta(days=60), now - timedelta(days=10)
    with app.app_context():
        ada = _plan(world, "Ada", date(2025, 1, 10), "First-contact resolution", 61, 74, [GREET, RESOLVE])
        _followup(ada, 3, past, holder_value=70, decision="attested", value=74, ratings={"0": 5, "1": 4})
        _followup(ada, 6, later, holder_value=71, decision="attested", value=70, ratings={"0": 4, "1": 5})
        ben = _plan(world, "Ben", date(2025, 2, 1), "Pick errors per 1,000 lines", 4.2, 2.0, [GREET.lower()])
        _followup(ben, 3, past, holder_value=2.5, decision="disputed", value=3.9)
        _followup(ben, 6, later, decision="attested", value=3.1, ratings={"0": 2})
        cleo = _plan(world, "Cleo", date(2025, 3, 1), "Win rate", 20, 30, [QUALIFY])
        _followup(cleo, 3, past, decision="attested", value=18, ratings={"0": 3})
        dev = _plan(world, "Dev", date(2025, 3, 15), "First-contact resolution", 50, 60)
        _followup(dev, 3, past, holder_value=55)
        eve = _plan(world, "Eve", date(2025, 4, 1), "First-contact resolution", 50, 60)
        _followup(eve, 3, past)
        fay = _plan(world, "Fay", date(2025, 5, 1), "First-contact resolution", 50, 60)
        _followup(fay, 3, past, decision="disputed")
        gus = _plan(world, "Gus", date(2025, 6, 1), "First-contact resolution", 50, 60)
        _followup(gus, 3, now + timedelta(days=30))
        _certificate(world, world.users["Hal"], date(2025, 6, 2))
        acme, beta = Cohort(name="Acme", description=""), Cohort(name="Beta", description="")
        db.session.add_all([acme, beta])
        db.session.flush()
        for cohort, names in ((acme, ("Ada", "Ben", "Gus")), (beta, ("Cleo", "Dev"))):
            db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=world.users[n]) for n in names)
        interviewed = now - timedelta(days=3)
        db.session.add_all(
            [
                SuccessCase(
                    plan_id=ada.id,
                    kind="success",
                    interviewed_at=interviewed,
                    enablers=["Manager coaching", "Job aid"],
                    barriers=["Rota changes"],
                ),
                SuccessCase(plan_id=ben.id, kind="success"),
                SuccessCase(
                    plan_id=cleo.id,
                    kind="non_success",
                    interviewed_at=interviewed,
                    enablers=["job aid"],
                    barriers=["rota changes", "No time to practise"],
                ),
            ]
        )
        db.session.commit()
    return world
