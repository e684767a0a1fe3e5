"""Outcome evidence for the simulated holders: outcome plans, follow-ups at 3 and 6 months, sponsor attestations
and disputes, and the success cases the programme team interviewed (issue 17).

Written straight to the outcome models, as the flow would have left them. Realistic rates: about a third of
holders never report; a sponsor answers about four reports in five; a holder who overclaims is usually
disputed. Most attested values moved toward the target, a few moved away. Everything follows the seed.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from certify.auth.models import User
from certify.certificates.models import Certificate
from certify.certificates.services import refresh_credential
from certify.demo.simulation.common import at_hour, days, seeded
from certify.demo.simulation.people import Person
from certify.extensions import db
from certify.outcomes.evidence import latest_attested
from certify.outcomes.models import FollowUp, OutcomePlan, SponsorLink, SponsorResponse, SuccessCase

ADMIN_EMAIL = "admin@example.org"
MONTHS = (3, 6)
NEVER_REPORTS = 0.33
SPONSOR_ANSWERS = 0.82
CONSENTS = 0.45


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    direction: str
    baseline: tuple[float, float]
    change: tuple[float, float]  # the target's change from the baseline, as a share of the baseline
    decimals: int
    objectives: tuple[str, ...]


METRICS = (
    Metric(
        "first-contact resolution",
        "%",
        "increase",
        (55, 68),
        (0.12, 0.22),
        0,
        (
            "Agents resolve billing queries on the first call using the decision guide",
            "Team leaders coach one recorded call per agent each week",
        ),
    ),
    Metric(
        "pick error rate",
        "errors per 1,000 picks",
        "decrease",
        (3.5, 6.0),
        (-0.45, -0.3),
        1,
        (
            "Pickers scan-confirm every location before picking",
            "Shift leads run the two-minute error huddle at the start of each shift",
        ),
    ),
    Metric(
        "win rate on qualified opportunities",
        "%",
        "increase",
        (18, 28),
        (0.2, 0.35),
        0,
        (
            "Account managers confirm the buyer's decision criteria before proposing",
            "Proposals quantify the client's business case",
        ),
    ),
    Metric(
        "time to competence for new agents",
        "days",
        "decrease",
        (55, 80),
        (-0.35, -0.2),
        0,
        (
            "New agents handle live calls from week two with a buddy",
            "Supervisors sign off each competency on the floor, not in class",
        ),
    ),
)
IMPLEMENTED = (
    "Rolled out the job aid and the coaching routine to both teams.",
    "Replaced the classroom day with practice on live cases and weekly coaching.",
    "Launched the redesigned onboarding with floor sign-offs.",
    "Put the checklist at the point of use and trained the team leads to coach to it.",
)
OBSTACLES = (
    "",
    "Peak season left no time in the schedule for coaching in the first month.",
    "The system change that the new process relies on was delayed by six weeks.",
    "Two team leads left; their replacements started late.",
)
ENABLERS = ("manager coaching", "job aid at the point of need", "sponsor reviewed the metric monthly")
BARRIERS = ("no time in the schedule", "system change delayed", "team leader turnover")
FIRST = ("Priya", "Tomasz", "Grace", "Mateo", "Aisha", "Liam", "Yuki", "Femi", "Ingrid", "Rafael")
LAST = ("Ramaswamy", "Nowak", "Achterberg", "Silva", "Okonkwo", "Brennan", "Tanaka", "Haddad", "Lund", "Costa")


@dataclass
class OutcomeTally:
    plans: int = 0
    reported: int = 0
    attested: int = 0
    disputed: int = 0
    consenting: int = 0
    reissued: int = 0
    success_cases: int = 0
    example: str = ""


def _round(value: float, decimals: int) -> float:
    return round(value, decimals)


def _plan(person: Person, certificate: Certificate, rng: random.Random) -> OutcomePlan:
    metric = rng.choice(METRICS)
    baseline = _round(rng.uniform(*metric.baseline), metric.decimals)
    target = _round(baseline * (1 + rng.uniform(*metric.change)), metric.decimals)
    if target == baseline:
        target = baseline + (1 if metric.direction == "increase" else -1) * 10**-metric.decimals
    sponsor = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return OutcomePlan(
        certificate_id=certificate.id,
        holder_id=person.user.id if person.user else certificate.holder_id,
        metric=metric.name,
        unit=metric.unit,
        direction=metric.direction,
        baseline=baseline,
        target=target,
        expected_by=(certificate.issued_at + days(183)).date(),
        sponsor_name=sponsor,
        sponsor_email=f"sponsor.{person.index}@{person.email.split('@')[1]}",
        objectives=list(metric.objectives),
        consent_public=rng.random() < CONSENTS,
        consent_changed_at=certificate.issued_at,
        created_at=certificate.issued_at,
    )


def _followups(
    plan: OutcomePlan, decimals: int, person: Person, now: datetime, rng: random.Random, tally: OutcomeTally
) -> None:
    reports = rng.random() >= NEVER_REPORTS
    answers = rng.random() < SPONSOR_ANSWERS / 0.95
    overclaims = person.index % 5 == 2  # one holder in five claims more than happened
    # Attainment at six months: most move toward the target; about one in six had a setback and moved away.
    final = rng.uniform(-0.5, -0.05) if rng.random() < 0.17 else rng.gauss(0.85, 0.4)
    for months in MONTHS:
        due = plan.created_at + days(round(months * 30.44))
        followup = FollowUp(plan=plan, months=months, due_at=due)
        db.session.add(followup)
        if due >= now:
            continue
        reported = at_hour(due + days(rng.uniform(0, 20)), rng)
        if not reports or rng.random() < 0.1 or reported >= now:
            followup.holder_reminders, followup.holder_reminded_at = 1, due + days(7)
            continue
        attainment = final * (months / 6) ** 0.6 + rng.gauss(0, 0.05)
        true_value = _round(plan.baseline + attainment * (plan.target - plan.baseline), decimals)
        claimed = true_value + (0.3 * (plan.target - plan.baseline) if overclaims else 0)
        followup.holder_value = _round(claimed, decimals)
        followup.implemented = rng.choice(IMPLEMENTED)
        followup.obstacles = rng.choice(OBSTACLES)
        followup.reported_at = reported
        followup.sponsor_requests, followup.sponsor_requested_at = 1, reported
        tally.reported += 1
        responded = at_hour(reported + days(rng.uniform(1, 12)), rng)
        token = hashlib.sha256(f"{plan.sponsor_email}:{months}:{rng.random()}".encode()).hexdigest()
        link = SponsorLink(token_hash=token, created_at=reported, expires_at=reported + days(14))
        if answers and rng.random() < 0.95 and responded < now:
            link.used_at = responded
            disputed = overclaims or rng.random() < 0.05  # the sponsor checks the figure
            rating = max(1, min(5, round(3 + 1.5 * attainment + rng.gauss(0, 0.6))))
            db.session.add(
                SponsorResponse(
                    followup=followup,
                    decision="disputed" if disputed else "attested",
                    value=true_value if not disputed or rng.random() < 0.6 else None,
                    behaviour_ratings={str(i): rating for i in range(len(plan.objectives))},
                    comment="The figure in the report does not match our dashboard." if disputed else "",
                    responded_at=responded,
                )
            )
        db.session.flush()
        link.followup_id = followup.id
        db.session.add(link)


def _success_cases(plans: list[OutcomePlan], admin: User | None, now: datetime, tally: OutcomeTally) -> None:
    """The Success Case Method's picks: the two most and the one least successful attested outcomes."""
    scored = [(outcome.attainment, plan) for plan in plans if (outcome := latest_attested(plan)) and outcome.attainment]
    scored.sort(key=lambda pair: (pair[0], pair[1].id))
    if len(scored) < 3:
        return
    picks = [("success", scored[-1][1], True), ("success", scored[-2][1], False), ("non_success", scored[0][1], True)]
    for kind, plan, interviewed in picks:
        case = SuccessCase(plan_id=plan.id, kind=kind, proposed_at=now - days(30))
        if interviewed:
            case.interviewed_at, case.interviewer_id = now - days(12), admin.id if admin else None
            if kind == "success":
                case.enablers, case.barriers = [ENABLERS[0], ENABLERS[1]], []
                case.notes = "The sponsor protected thirty minutes of coaching a week; agents kept the guide open."
            else:
                case.enablers, case.barriers = [], [BARRIERS[0], BARRIERS[1]]
                case.notes = "The new process waited on a system release; coaching slots were lost to peak season."
        db.session.add(case)
        tally.success_cases += 1


def record_outcomes(people: list[Person], now: datetime) -> list[str]:
    """Outcome plans and follow-ups for every simulated holder's first certificate; returns the summary lines."""
    tally = OutcomeTally()
    by_user = {p.user.id: p for p in people if p.user is not None}
    certificates = db.session.scalars(
        select(Certificate)
        .where(Certificate.holder_id.in_(by_user), Certificate.predecessor_id.is_(None))
        .order_by(Certificate.id)
    ).all()
    plans = []
    for certificate in certificates:
        person = by_user[certificate.holder_id]
        rng = seeded("outcomes", person.index)
        plan = _plan(person, certificate, rng)
        db.session.add(plan)
        decimals = next(m.decimals for m in METRICS if m.name == plan.metric)
        _followups(plan, decimals, person, now, rng, tally)
        plans.append(plan)
    db.session.flush()
    admin = db.session.scalar(select(User).where(User.email == ADMIN_EMAIL))
    for plan, certificate in zip(plans, certificates, strict=True):
        latest = [f.response for f in plan.followups if f.response is not None]
        if latest:
            decision = latest[-1].decision
            tally.attested += decision == "attested"
            tally.disputed += decision == "disputed"
        tally.consenting += plan.consent_public
        if plan.consent_public and refresh_credential(
            certificate, certificate.holder, "The holder agreed to show their attested outcome.", now
        ):
            tally.reissued += 1
            tally.example = tally.example or certificate.code
    _success_cases(plans, admin, now, tally)
    tally.plans = len(plans)
    lines = [
        f"outcome evidence: {tally.plans} outcome plans, {tally.reported} follow-up reports, "
        f"{tally.attested} attested and {tally.disputed} disputed by the sponsor, {tally.consenting} holders "
        f"consenting ({tally.reissued} credentials carry an attested outcome), {tally.success_cases} success cases"
    ]
    if tally.example:
        lines.append(f"  an attested outcome on a verification page: /verify/{tally.example}")
    return lines
