"""Exam attempts, started, answered, submitted and scored through the normal code: diagnostics, certification."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value

from certify.assessments import attempts as attempt_service
from certify.assessments import services as bank_service
from certify.assessments import starting
from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore, Response
from certify.assessments.attempts import AttemptRefused
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.auth.models import User
from certify.core.delivery import present
from certify.demo.simulation.answers import ItemModel, correct_answer, item_model, wrong_answer
from certify.demo.simulation.common import Tally, at_hour, days
from certify.demo.simulation.people import Person
from certify.extensions import db

DIAGNOSTIC, CERTIFICATION = "diagnostic", "mid-certification"
OMIT_RATE = 0.02
MAX_ATTEMPTS = 3
SECONDS_BY_BLOOM = {"remember": 35, "understand": 50, "apply": 70, "analyze": 85, "evaluate": 95, "create": 100}

Outcome = Literal["right", "wrong", "lure", "omit"]
Chooser = Callable[[AttemptItem, ItemVersion], Outcome]


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
    found = bank_service.assessment_by_slug(slug)
    if found is None:
        raise RuntimeError(f"assessment {slug!r} is not loaded; run `flask certify seed` first")
    return found


def sit_exams(people: list[Person], now: datetime, tally: Tally) -> None:
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
        when = at_hour(person.course_done + days(10 if person.pilot else 1 + rng.gammavariate(2, 7)), rng, 9, 18)
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
            when = at_hour(when + days(exam.cooldown_days + 1 + rng.gammavariate(2, 10)), rng, 9, 18)
    del held
