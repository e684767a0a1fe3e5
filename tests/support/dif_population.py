"""A population for the DIF tests, written straight into the tables (a thousand attempts in about a second).

A 22-item true/false pool; every attempt is presented 20 items drawn at random, so forms differ.
Responses follow a Rasch model, P(right) = 1 / (1 + exp(b - theta)), difficulties b evenly from -1.2 to 1.2.

* 500 reference and 500 focal candidates (the focal ones are the members of cohort "Focal"); the focal
  group is 0.2 logits less able on average (impact, which matching must not mistake for DIF).
* The PLANTED item is 1.6 logits harder for the focal group than for reference candidates of the same
  ability: DIF favouring the reference group.
* 40 further reference candidates sat with extra time (time multiplier 1.5): the "accommodation" focal
  group, too small for the default minimum of 100.
* 30 reference candidates retook the exam (a second scored attempt), and one attempt is still in progress:
  neither counts by default.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import insert, select, update

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.auth.models import User
from certify.database import utcnow
from certify.extensions import db
from certify.reports.models import Cohort, CohortMember

POOL, FORM = 22, 20
REFS = [f"D-{n:02d}" for n in range(1, POOL + 1)]
PLANTED = "D-07"
PLANTED_SHIFT = 1.6
N_REFERENCE, N_FOCAL, N_ACCOMMODATED, N_RETAKES = 500, 500, 40, 30
IMPACT = 0.2

BANK = "bank:\n  id: dif\n  title: DIF bank\n  competency: RA\nitems:\n" + "".join(
    f"  - id: {ref}\n    type: true_false\n    bloom: remember\n"
    f"    stem: Statement {n} about measurable performance.\n    key: {'true' if n % 2 else 'false'}\n"
    f"    wrong_rationale: Not so.\n    rationale: Statement {n} explained.\n"
    for n, ref in enumerate(REFS, start=1)
)
EXAM = """\
assessment:
  slug: difexam
  title: DIF exam
  kind: practice
  time_limit_minutes: 30
  review_policy: full
  banks: [dif]
  blueprint:
    RA: {remember: 20}
  cut_score: {percent: 60, method: informed_judgement, rationale: test}
  mastery: {default: 50}
"""


@dataclass
class Sitting:
    """One scored attempt as generated: who, which group, its percent and each presented item's 0/1 score."""

    user_index: int
    cohort_focal: bool
    accommodated: bool
    first: bool
    percent: float
    scores: dict[str, int]


@dataclass
class DifPopulation:
    sittings: list[Sitting] = field(default_factory=list)
    cohort_id: int = 0

    def first_sittings(self) -> list[Sitting]:
        return [s for s in self.sittings if s.first]


def _generate(seed: int) -> list[Sitting]:
    rng = random.Random(seed)
    difficulty = {ref: -1.2 + 2.4 * j / (POOL - 1) for j, ref in enumerate(REFS)}
    people = (
        [(False, False)] * N_REFERENCE + [(True, False)] * N_FOCAL + [(False, True)] * N_ACCOMMODATED
    )  # (cohort focal, accommodated)
    sittings = []
    for index, (focal, accommodated) in enumerate(people):
        theta = rng.gauss(-IMPACT if focal else 0.0, 1.0)
        for first in (True, False) if index < N_RETAKES else (True,):
            form = rng.sample(REFS, FORM)
            scores = {}
            for ref in form:
                b = difficulty[ref] + (PLANTED_SHIFT if focal and ref == PLANTED else 0.0)
                scores[ref] = int(rng.random() < 1.0 / (1.0 + math.exp(b - theta)))
            percent = round(100.0 * sum(scores.values()) / FORM, 2)
            sittings.append(Sitting(index, focal, accommodated, first, percent, scores))
    return sittings


def build_population(app, load_catalog, seed: int = 2024) -> DifPopulation:
    """Load the pool and exam, then write the generated attempts; returns what was generated."""
    load_catalog(("dif.yaml", BANK), ("difexam.yaml", EXAM))
    population = DifPopulation(_generate(seed))
    with app.app_context():
        exam = db.session.scalars(select(Assessment).where(Assessment.slug == "difexam")).one()
        versions = dict(db.session.execute(select(Item.ref, ItemVersion.id).join(Item).where(Item.ref.in_(REFS))).all())
        count = max(s.user_index for s in population.sittings) + 1
        users = [User(email=f"dif{n}@example.org", name=f"DIF candidate {n}") for n in range(count)]
        db.session.add_all(users)
        db.session.flush()
        now = utcnow()
        for first in (True, False):  # first attempts, then retakes: one open attempt per person at a time
            batch = [s for s in population.sittings if s.first is first]
            attempts = [
                Attempt(
                    user_id=users[s.user_index].id,
                    assessment_id=exam.id,
                    number=1 if first else 2,
                    seed=f"dif-{s.user_index}-{first}",
                    status="scored",
                    started_at=now - timedelta(hours=2),
                    deadline=now - timedelta(hours=1),
                    submitted_at=now - timedelta(hours=1),
                    time_multiplier=1.5 if s.accommodated else 1.0,
                    cut_score_id=exam.cut_scores[-1].id,
                )
                for s in batch
            ]
            db.session.add_all(attempts)
            db.session.flush()
            ids = [a.id for a in attempts]
            db.session.execute(update(Attempt).where(Attempt.id.in_(ids)).values(open_marker=None))
            db.session.execute(
                insert(AttemptItem),
                [
                    {"attempt_id": a, "position": p, "item_version_id": versions[ref], "credit": float(score)}
                    for a, s in zip(ids, batch, strict=True)
                    for p, (ref, score) in enumerate(s.scores.items(), start=1)
                ],
            )
            db.session.execute(
                insert(AttemptScore),
                [
                    {
                        "attempt_id": a,
                        "points": s.percent * FORM / 100,
                        "max_points": float(FORM),
                        "percent": s.percent,
                        "cut_percent": 60.0,
                        "passed": s.percent >= 60.0,
                        "competencies": [],
                    }
                    for a, s in zip(ids, batch, strict=True)
                ],
            )
        # An attempt still in progress (no score) is never analysed.
        open_attempt = Attempt(
            user_id=users[-1].id,
            assessment_id=exam.id,
            number=2,
            seed="open",
            deadline=now + timedelta(hours=1),
            cut_score_id=exam.cut_scores[-1].id,
        )
        db.session.add(open_attempt)
        db.session.flush()
        db.session.execute(
            insert(AttemptItem), [{"attempt_id": open_attempt.id, "position": 1, "item_version_id": versions[PLANTED]}]
        )
        cohort = Cohort(name="Focal", description="the focal group of the DIF tests")
        db.session.add(cohort)
        db.session.flush()
        focal_users = sorted({users[s.user_index].id for s in population.sittings if s.cohort_focal})
        db.session.execute(insert(CohortMember), [{"cohort_id": cohort.id, "user_id": u} for u in focal_users])
        db.session.commit()
        population.cohort_id = cohort.id
    return population
