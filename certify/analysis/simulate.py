"""Generated demo data: a simulated population of candidates, so the measurement-quality reports have data.

`flask certify seed --demo --simulate N` calls `simulate(N)` once the demo accounts exist. The simulated
people go through the same code as real ones: starting an exam draws the form from the blueprint,
their answers are saved in the ids the page showed, submitting scores the attempt, portfolios are
allocated to calibrated assessors, reviewed, adjudicated and resolved, and certificates are issued and
renewed by the demo admin. Only what a learner creates by clicking through the course (lesson
progress, knowledge checks, completions) is inserted in bulk. Every date lies in the past, so the
dashboards show a history of about eighteen months (a small pilot intake three years ago holds
the certificates that are about to expire).

The response model, so the statistics can be read against it:

* A candidate has an ability theta ~ Normal(cohort mean - 0.5, 1) before the course, plus a deviation
  per competency ~ Normal(0, 0.35). The course adds a gain ~ Normal(1.3 + cohort gain, 0.4), never
  negative, scaled per competency (COMPETENCY_GAIN); each further exam attempt adds RETAKE_GAIN.
* An item version is answered correctly with probability c + (1 - c) / (1 + exp(-1.7 a (theta - b))):
  difficulty b and discrimination a come from a hash of the item's ref (b shifted by Bloom level),
  c is a guessing floor for choice items. A wrong answer is a plausible one (a distractor, a partly
  wrong set, steps swapped, wrong pairs, a known wrong number or word); about OMIT_RATE are left
  blank, more often by weaker candidates.
* FAULTY_ITEMS behave badly on purpose: one as if mis-keyed (strong candidates pick one distractor),
  one answered correctly by everyone who answers it, one by almost nobody. Item analysis should flag them
  "check the key", "too easy" and "too hard".
* Portfolio quality follows ability; each assessor adds a severity (one lenient, one severe, one
  drifting, one inconsistent) and noise, so the agreement report has something to show.

Random choices come from generators seeded from RANDOM_SEED, so two runs give the same data apart
from the dates, which are relative to the day of the run.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import count
from typing import Any, Literal

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.orm.attributes import set_committed_value

from certify.analysis.models import Cohort, CohortMember
from certify.assessments import attempts as attempt_service
from certify.assessments import starting
from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore, Response
from certify.assessments.attempts import AttemptRefused
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.auth.models import User, UserRole
from certify.certificates.issuing import issue_all
from certify.certificates.lifecycle import log_activity, renew
from certify.certificates.models import Certificate
from certify.core.delivery import Presentation, Shown, present
from certify.core.eligibility import add_years
from certify.core.items import numeric
from certify.course.models import (
    CourseCompletion,
    KnowledgeCheckAttempt,
    LessonProgress,
    Module,
    ModuleCompletion,
)
from certify.database import utcnow
from certify.extensions import db
from certify.outbox.models import OutboxMessage
from certify.portfolios import services as portfolios
from certify.review.models import Allocation, AnchorPortfolio
from certify.review.reviewing import record_calibration, submit_review
from certify.review.services import get_rubric

SIM_DOMAIN = "sim.example.org"
MAX_CANDIDATES = 5000
RANDOM_SEED = 20240607
HISTORY_DAYS = 540  # registrations spread over the last eighteen months
ADMIN_EMAIL = "admin@example.org"
DIAGNOSTIC, CERTIFICATION = "diagnostic", "mid-certification"

OMIT_RATE = 0.02
RETAKE_GAIN = 0.25
MAX_ATTEMPTS = 3
BLOOM_DIFFICULTY = {"remember": -0.6, "understand": -0.3, "apply": 0.1, "analyze": 0.4, "evaluate": 0.6}
GUESSING = {"single_choice": 0.2, "true_false": 0.35, "multiple_response": 0.05}
SECONDS_BY_BLOOM = {"remember": 35, "understand": 50, "apply": 70, "analyze": 85, "evaluate": 95, "create": 100}
COMPETENCY_GAIN = {"RA": 1.1, "PA": 1.0, "SS": 0.9, "OB": 1.2, "AD": 1.0, "IS": 1.1, "EV": 0.7, "CP": 0.9}
# Refs of certification items that behave badly on purpose (see the module docstring).
FAULTY_ITEMS = {"EV-040": "check the key", "OB-040": "too easy", "SS-041": "too hard"}

Outcome = Literal["right", "wrong", "lure", "omit"]
Chooser = Callable[[AttemptItem, ItemVersion], Outcome]


def seeded(*parts: object) -> random.Random:
    """A generator seeded from RANDOM_SEED and `parts`: the same parts give the same sequence."""
    return random.Random(":".join(map(str, (RANDOM_SEED, *parts))))  # noqa: S311 - demo data, not secrets


def _unit(*parts: object) -> float:
    """A number in [0, 1) fixed by `parts` (for properties that must not depend on call order)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:6], "big") / 2**48


# ---------------------------------------------------------------- answers, in the ids a page shows


def _authored_to_shown(presentation: Presentation, shown: Sequence[Shown]) -> dict[str, str]:
    return {presentation.id_map[s.id]: s.id for s in shown}


def _number(value: float) -> str:
    return format(value, ".10g")


def correct_answer(content: Mapping[str, Any], presentation: Presentation) -> Any:
    """The keyed answer to an item as its page would send it (shown ids, text for open answers)."""
    kind, body = content["type"], content["body"]
    options = _authored_to_shown(presentation, presentation.options)
    if kind == "single_choice":
        return options[body["key"]]
    if kind == "true_false":
        return options["true" if body["key"] else "false"]
    if kind == "multiple_response":
        return [options[k] for k in body["key"]]
    if kind == "ordering":
        return [options[o["id"]] for o in body["options"]]
    if kind == "matching":
        prompts = _authored_to_shown(presentation, presentation.prompts)
        responses = _authored_to_shown(presentation, presentation.responses)
        return {prompts[p["id"]]: responses[p["id"]] for p in body["pairs"]}
    if kind == "numeric":
        low, high = numeric.bounds(body)
        return _number((low + high) / 2)
    if kind == "short_answer":
        return body["accepted"][0] if body["accepted"] else None
    raise ValueError(f"unknown item type {kind!r}")


def wrong_answer(
    content: Mapping[str, Any], presentation: Presentation, rng: random.Random, *, lure: bool = False
) -> Any:
    """A plausible wrong answer (it never earns full credit); `lure` picks the first distractor every time."""
    kind, body = content["type"], content["body"]
    options = _authored_to_shown(presentation, presentation.options)
    if kind == "single_choice":
        distractors = [o["id"] for o in body["options"] if o["id"] != body["key"]]
        if lure:
            return options[distractors[0]]
        weights = [0.2 + 2 * _unit(content["stem"], d) for d in distractors]  # some distractors work better
        return options[rng.choices(distractors, weights)[0]]
    if kind == "true_false":
        return options["false" if body["key"] else "true"]
    slips = 1 + (rng.random() < 0.5) + (rng.random() < 0.25)  # how many things go wrong in a composite answer
    if kind == "multiple_response":
        keyed = list(body["key"])
        chosen = set(keyed)
        for _ in range(slips):  # each slip misses a keyed option or adds a wrong one: never back to the key
            missable = [k for k in keyed if k in chosen]
            addable = [o["id"] for o in body["options"] if o["id"] not in keyed and o["id"] not in chosen]
            if len(missable) > 1 and (not addable or rng.random() < 0.5):
                chosen.discard(rng.choice(missable))
            elif addable:
                chosen.add(rng.choice(addable))
        return [options[o["id"]] for o in body["options"] if o["id"] in chosen]
    if kind == "ordering":
        keyed = [o["id"] for o in body["options"]]
        order = list(keyed)
        for _ in range(slips):  # neighbouring steps swapped
            step = rng.randrange(len(order) - 1)
            order[step], order[step + 1] = order[step + 1], order[step]
        if order == keyed:  # two slips cancelled out
            order[0], order[-1] = order[-1], order[0]
        return [options[o] for o in order]
    if kind == "matching":
        prompts = _authored_to_shown(presentation, presentation.prompts)
        responses = _authored_to_shown(presentation, presentation.responses)
        given = {p["id"]: p["id"] for p in body["pairs"]}
        for missed in rng.sample(sorted(given), min(slips, len(given))):
            given[missed] = rng.choice(sorted(r for r in responses if r != missed))
        return {prompts[k]: responses[v] for k, v in given.items()}
    if kind == "numeric":
        low, high = numeric.bounds(body)
        known = [w["answer"] for w in body["wrong_answers"] if not low <= w["answer"] <= high]
        if known and rng.random() < 0.8:
            return _number(rng.choice(known))
        centre = (low + high) / 2
        guess = centre * rng.choice((10, 0.1, 3)) if centre else 10.0
        if low <= guess <= high:
            guess = high + 10 * (1 + abs(high))
        return _number(guess)
    if kind == "short_answer":
        known = [w["answer"] for w in body["wrong_answers"]]
        return rng.choice(known) if known else "not sure"
    raise ValueError(f"unknown item type {kind!r}")


def _seconds_on(version: ItemVersion, rng: random.Random) -> float:
    typical = SECONDS_BY_BLOOM.get(version.bloom, 60)
    return min(120.0, max(20.0, rng.lognormvariate(math.log(typical), 0.35)))


def answer_attempt(attempt: Attempt, choose: Chooser, rng: random.Random) -> datetime:
    """Work through an open attempt item by item as a candidate would, saving each answer.

    `choose` decides per item whether the answer is right, wrong, the lure or left blank. Time on
    an item is 20-120 seconds (longer for higher Bloom levels), squeezed to fit the time limit.
    Returns when the last answer was saved.
    """
    items = list(attempt.items)
    stored = {
        row.attempt_item_id: row
        for row in db.session.scalars(select(Response).join(AttemptItem).where(AttemptItem.attempt_id == attempt.id))
    }
    seconds = [_seconds_on(item.version, rng) for item in items]
    budget = 0.9 * (attempt.deadline - attempt.started_at).total_seconds() - 60
    squeeze = min(1.0, budget / sum(seconds)) if seconds else 1.0
    clock = attempt.started_at + timedelta(seconds=rng.uniform(10, 40))
    seen, saved = [], []
    for item, spent in zip(items, seconds, strict=True):
        version, response = item.version, stored[item.id]
        set_committed_value(item, "response", response)  # scoring reads it without a query per item
        seen.append({"row": item.id, "first_seen_at": clock})
        set_committed_value(item, "first_seen_at", clock)
        clock += timedelta(seconds=spent * squeeze)
        outcome = choose(item, version)
        if outcome == "omit":
            continue
        shown = present(version.content, f"{attempt.seed}:{item.position}")
        if outcome == "right":
            answer = correct_answer(version.content, shown)
        else:
            answer = wrong_answer(version.content, shown, rng, lure=outcome == "lure")
        if answer is not None:
            saved.append({"row": item.id, "answer": answer, "seq": 1, "saved_at": clock})
            for name, value in (("answer", answer), ("seq", 1), ("saved_at", clock)):
                set_committed_value(response, name, value)
    # One statement per table instead of an update per row; the objects above already hold the values.
    items_table, responses_table = AttemptItem.__table__, Response.__table__
    db.session.execute(items_table.update().where(items_table.c.id == bindparam("row")), seen)
    if saved:
        db.session.execute(responses_table.update().where(responses_table.c.attempt_item_id == bindparam("row")), saved)
    return clock


def sit(candidate: User, assessment: Assessment, when: datetime, choose: Chooser, rng: random.Random) -> Attempt:
    """Start an attempt at `when`, answer it with `choose`, then submit and score it through the normal code."""
    attempt = starting.start(candidate, assessment, when, seed=f"{rng.getrandbits(128):032x}")
    held = list(attempt.items)  # alive until scored, with the responses attached to them
    finished = answer_attempt(attempt, choose, rng)
    attempt_service.submit(attempt, finished + timedelta(seconds=rng.uniform(5, 90)))
    del held
    score = db.session.get(AttemptScore, attempt.id)
    if score is not None:
        score.scored_at = attempt.submitted_at  # scored when submitted, not when the simulation ran
    db.session.flush()
    return attempt


# ---------------------------------------------------------------- the population


@dataclass(frozen=True)
class ItemModel:
    """Item response parameters of one item version."""

    a: float  # discrimination (negative: the stronger the candidate, the likelier a wrong answer)
    b: float  # difficulty, on the ability scale
    c: float = 0.0  # guessing floor
    fault: str = ""

    def probability(self, theta: float) -> float:
        return self.c + (1 - self.c) / (1 + math.exp(-1.7 * self.a * (theta - self.b)))


def item_model(ref: str, bloom: str, kind: str) -> ItemModel:
    """Parameters fixed by the item's ref, so every run (and every version of the item) behaves the same."""
    fault = FAULTY_ITEMS.get(ref, "")
    if fault == "check the key":
        return ItemModel(-1.2, 0.4, 0.0, fault)
    if fault == "too easy":
        return ItemModel(1.0, -9.0, 0.0, fault)
    if fault == "too hard":
        return ItemModel(0.9, 3.3, 0.0, fault)
    b = BLOOM_DIFFICULTY.get(bloom, 0.0) + 1.2 * (_unit(ref, "b") - 0.5)
    a = 0.55 + 0.6 * _unit(ref, "a")
    return ItemModel(a, b, GUESSING.get(kind, 0.0))


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
# How much harder (negative) or easier each rubric criterion is than a portfolio's overall quality.
CRITERION_SHIFT = {"KPM": 0.25, "CAUSE": 0.0, "SOLUTION": 0.05, "OBJECTIVES": 0.1}
CRITERION_SHIFT |= {"ASSESSMENT": -0.05, "PRACTICE": 0.1, "EVALUATION": -0.3, "PARTNERSHIP": 0.0}
ACTIVITIES = (
    "Conference: Association for Talent Development international conference",
    "Course: advanced evaluation methods (Phillips ROI)",
    "Mentored two candidates through their design portfolios",
    "Published a case study on performance consulting",
    "Workshop: facilitating stakeholder partnership",
)


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


@dataclass
class Tally:
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


def _days(value: float) -> timedelta:
    return timedelta(days=value)


def _at_hour(moment: datetime, rng: random.Random, first: int = 8, last: int = 20) -> datetime:
    """The same day at a plausible working hour."""
    return moment.replace(hour=rng.randrange(first, last), minute=rng.randrange(60), second=rng.randrange(60))


def _people(total: int, now: datetime) -> list[Person]:
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
            issued = add_years((now + _days(expiry_days)).date(), -3)
            registered = datetime.combine(issued, now.timetz()) - _days(130)
            theta = 0.7 + own.gauss(0, 0.2)
        else:
            cohort = rng.choices(COHORTS, [c.share for c in COHORTS])[0]
            expiry_days = 0
            if cohort.intakes:
                registered = now - _days(own.choice(cohort.intakes) - own.uniform(0, 12))
            else:
                registered = now - _days(max(1.0, HISTORY_DAYS * own.random() ** 1.3))  # more of them lately
            theta = own.gauss(cohort.ability - 0.5, 1.0)
        people.append(
            Person(
                index=index,
                name=f"{first} {last}",
                email=email,
                cohort=cohort,
                registered=_at_hour(registered, own),
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


def _create_accounts(people: list[Person]) -> dict[str, User]:
    """Candidates, the simulated assessors and adjudicator, and the cohorts; returns the staff by key."""
    users = []
    for person in people:
        person.user = User(email=person.email, name=person.name, password_hash=None, created_at=person.registered)
        person.user.role_rows = [UserRole(role="candidate", granted_at=person.registered)]
        users.append(person.user)
    hired = min(p.registered for p in people) - _days(60)
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


def _course(people: list[Person], now: datetime, tally: Tally) -> None:
    """Lesson progress, knowledge checks and completions, inserted in bulk with their dates."""
    modules = [
        (module, [lesson.id for lesson in module.lessons if lesson.active])
        for module in db.session.scalars(select(Module).order_by(Module.number))
    ]
    total = sum(len(lessons) for _, lessons in modules)
    lessons_done: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    finished_modules: list[dict[str, Any]] = []
    completions: list[dict[str, Any]] = []
    for person in people:
        rng, user = person.rng, person.user
        assert user is not None
        chance = min(0.97, max(0.3, person.cohort.completion + 0.05 * person.theta))
        finishes = person.pilot or rng.random() < chance
        duration = 45.0 if person.pilot else 14 + rng.gammavariate(3, 15)
        elapsed = (now - person.registered).total_seconds() / 86400 - 1
        share = min(1.0, elapsed / duration) if finishes else rng.uniform(0.05, 0.9)
        done = int(total * share)
        span = min(duration * share, max(0.1, elapsed))
        step = span / max(1, done)
        moment, position = person.registered, 0
        for module, lessons in modules:
            for lesson_id in lessons:
                if position >= done:
                    break
                position += 1
                moment = person.registered + _days(step * position)
                lessons_done.append({"user_id": user.id, "lesson_id": lesson_id, "completed_at": moment})
            else:
                checked = moment + timedelta(minutes=rng.randrange(5, 40))
                if rng.random() < 0.15:  # failed the knowledge check once first
                    failed = rng.choice((0.5, 0.6, 0.7))
                    checks.append(_check(user, module, failed, checked - timedelta(minutes=30)))
                checks.append(_check(user, module, rng.choice((0.8, 0.9, 1.0)), checked))
                finished_modules.append({"user_id": user.id, "module_id": module.id, "completed_at": checked})
                moment = checked
                continue
            break
        if done == total:
            person.course_done = moment
            completions.append({"user_id": user.id, "completed_at": moment})
    for model, rows in (
        (LessonProgress, lessons_done),
        (KnowledgeCheckAttempt, checks),
        (ModuleCompletion, finished_modules),
        (CourseCompletion, completions),
    ):
        if rows:
            db.session.execute(insert(model), rows)
    tally.course_completed = len(completions)


def _check(user: User, module: Module, score: float, when: datetime) -> dict[str, Any]:
    passed = score >= module.pass_mark - 1e-9
    return {
        "user_id": user.id,
        "module_id": module.id,
        "submitted_at": when,
        "score": score,
        "passed": passed,
        "answers": {},
    }


def _chooser(person: Person, attempt: int, models: Mapping[int, ItemModel]) -> Chooser:
    rng = person.rng

    def choose(item: AttemptItem, version: ItemVersion) -> Outcome:
        theta = person.ability(version.competency_code, attempt)
        if rng.random() < 2 * OMIT_RATE / (1 + math.exp(theta - 0.5)):  # the less able leave more blank
            return "omit"
        model = models[version.id]
        if rng.random() < model.probability(theta):
            return "right"
        return "lure" if model.fault == "check the key" else "wrong"

    return choose


def _assessment(slug: str) -> Assessment:
    found = db.session.scalar(select(Assessment).where(Assessment.slug == slug))
    if found is None:
        raise RuntimeError(f"assessment {slug!r} is not loaded; run `flask certify seed` first")
    return found


def _exams(people: list[Person], now: datetime, tally: Tally) -> None:
    diagnostic, exam = _assessment(DIAGNOSTIC), _assessment(CERTIFICATION)
    rows = db.session.execute(select(ItemVersion, Item.ref).join(Item, Item.id == ItemVersion.item_id)).all()
    held = [version for version, _ in rows]  # kept alive, so scoring finds every version in the session
    models = {version.id: item_model(ref, version.bloom, version.type) for version, ref in rows}
    for person in people:
        rng, user = person.rng, person.user
        assert user is not None
        if person.pilot or rng.random() < 0.88:
            when = person.registered + timedelta(minutes=rng.uniform(10, 600))
            if when < now - timedelta(hours=2):
                sit(user, diagnostic, when, _chooser(person, 0, models), rng)
                tally.diagnostics += 1
        if person.course_done is None or not (person.pilot or rng.random() < 0.85):
            continue
        when = _at_hour(person.course_done + _days(10 if person.pilot else 1 + rng.gammavariate(2, 7)), rng, 9, 18)
        for number in range(1, MAX_ATTEMPTS + 1):
            if when > now - timedelta(hours=3):
                break
            try:
                attempt = sit(user, exam, when, _chooser(person, number, models), rng)
            except AttemptRefused as exc:
                tally.skipped.append(f"{user.email}: {exc}")
                break
            tally.exam_attempts += 1
            tally.exam_candidates += number == 1
            if attempt.score is not None and attempt.score.passed:
                person.exam_passed = attempt.submitted_at
                tally.passed += 1
                tally.first_passed += number == 1
                break
            if rng.random() > (0.75 if number == 1 else 0.55):
                break
            when = _at_hour(when + _days(exam.cooldown_days + 1 + rng.gammavariate(2, 10)), rng, 9, 18)
    del held


# ---------------------------------------------------------------- portfolios, as a sequence of events


class _Reviews:
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
        self.drift_from = now - _days(HISTORY_DAYS)  # severity drifts over the eighteen months
        for person in people:
            if person.exam_passed is None or not (person.pilot or person.rng.random() < 0.6):
                continue
            delay = 12.0 if person.pilot else 7 + person.rng.gammavariate(2, 10)
            quality = 3.75 if person.pilot else 2.8 + 0.4 * person.mean_ability() + person.rng.gauss(0, 0.45)
            self._at(_at_hour(person.exam_passed + _days(delay), person.rng), "submit", (person, quality))

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
            portfolio.created_at = when - _days(person.rng.uniform(3, 20))
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
            self._at(when + _days(delay), "review", allocation.id)

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
            self._at(when + _days(21 + person.rng.gammavariate(2, 10)), "submit", (person, quality))


@contextmanager
def _only_simulated_reviewers() -> Iterator[None]:
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


def _calibrate(staff: Mapping[str, User], when: datetime) -> None:
    references = {
        a.slug: {k: int(v) for k, v in a.reference_levels.items()} for a in db.session.scalars(select(AnchorPortfolio))
    }
    for user in staff.values():
        record_calibration(user, references, when)


# ---------------------------------------------------------------- certificates


def _board_day(decided: datetime) -> datetime:
    """Certificates are issued at the monthly certification board: the first weekday of the next month."""
    day = (decided + _days(3)).replace(day=1, hour=10, minute=0, second=0, microsecond=0) + _days(32)
    day = day.replace(day=1)
    while day.weekday() >= 5:
        day += _days(1)
    return day


def _certify(people: list[Person], decisions: Mapping[int, tuple[bool, datetime]], now: datetime, tally: Tally) -> None:
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
            planned = datetime.combine(add_years((now + _days(person.expiry_days)).date(), -3), now.timetz())
            day = planned if planned > decided + _days(1) else decided + _days(2)
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
        renewal = now - _days(person.rng.uniform(2, 8))
        for number, title in enumerate(person.rng.sample(ACTIVITIES, 4)):
            day = (certificate.issued_at + _days(150 + 220 * number + person.rng.uniform(0, 60))).date()
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
            if now < c.expires_at <= now + _days(90)
            and db.session.scalar(select(Certificate.id).where(Certificate.predecessor_id == c.id)) is None
        ]
    )


# ---------------------------------------------------------------- entry point


def simulated_candidates() -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.email.like(f"%@{SIM_DOMAIN}"), UserRole.role == "candidate")
        )
        or 0
    )


def simulate(total: int, now: datetime | None = None) -> list[str]:
    """Add `total` simulated candidates and their history (once: nothing is added if some exist already)."""
    if not 1 <= total <= MAX_CANDIDATES:
        raise ValueError(f"simulate between 1 and {MAX_CANDIDATES} candidates, not {total}")
    existing = simulated_candidates()
    if existing:
        return [f"simulated cohort: {existing} candidates @{SIM_DOMAIN} already exist; nothing added"]
    started = time.perf_counter()
    now = (now or utcnow()).replace(microsecond=0)
    tally = Tally(candidates=total, cohorts=len(COHORTS))
    people = _people(total, now)
    staff = _create_accounts(people)
    _course(people, now, tally)
    _exams(people, now, tally)
    reviews = _Reviews(people, staff, now, tally)
    if reviews.events:
        _calibrate(staff, min(reviews.events)[0] - _days(30))
        with _only_simulated_reviewers():
            reviews.run()
    _certify(people, reviews.decisions, now, tally)
    # Simulated people have no mailbox: drop the mail the services queued for them.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.recipient.like(f"%@{SIM_DOMAIN}")))
    db.session.flush()
    return [_summary(tally, time.perf_counter() - started), *(f"  not done: {line}" for line in tally.skipped)]


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def _summary(tally: Tally, seconds: float) -> str:
    return (
        f"simulated {tally.candidates} candidates @{SIM_DOMAIN} in {tally.cohorts} cohorts: "
        f"{tally.diagnostics} diagnostics, {tally.course_completed} completed the course, "
        f"{tally.exam_attempts} exam attempts by {tally.exam_candidates} candidates "
        f"(first-attempt pass {_share(tally.first_passed, tally.exam_candidates)}, "
        f"passed in the end {_share(tally.passed, tally.exam_candidates)}), "
        f"{tally.portfolio_versions} portfolio versions ({tally.reviews} reviews, {tally.adjudicated} adjudicated; "
        f"{tally.portfolios_passed} passed, {tally.portfolios_failed} not yet), "
        f"{tally.certificates} certificates ({tally.expiring} expiring within 90 days, {tally.renewed} renewed) "
        f"in {seconds:.1f} s"
    )
