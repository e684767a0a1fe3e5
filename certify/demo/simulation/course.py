"""The course, as the simulated candidates went through it: lesson progress, knowledge checks, completions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from certify.auth.models import User
from certify.course.models import (
    CourseCompletion,
    KnowledgeCheckAttempt,
    LessonProgress,
    Module,
    ModuleCompletion,
)
from certify.demo.simulation.common import Tally, days
from certify.demo.simulation.people import Person
from certify.extensions import db


def take_course(people: list[Person], now: datetime, tally: Tally) -> None:
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
                moment = person.registered + days(step * position)
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
