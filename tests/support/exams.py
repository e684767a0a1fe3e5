"""The sample assessments (a fully reviewed quiz, a certification-style exam) and the exam fixtures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from certify.assessments.attempt_models import Attempt
from certify.database import utcnow
from certify.extensions import db
from tests.support.samples import BANK
from tests.support.samples_course import MODULE

QUIZ = """\
assessment:
  slug: quiz
  title: Sample quiz
  kind: practice
  time_limit_minutes: 20
  review_policy: full
  banks: [sample]
  blueprint:
    RA: {remember: 2, understand: 3, apply: 2}
  cut_score: {percent: 60, method: informed_judgement, rationale: test}
  mastery: {default: 50}
"""

EXAM = """\
assessment:
  slug: exam
  title: Sample certification exam
  kind: certification
  time_limit_minutes: 30
  max_attempts: 2
  cooldown_days: 14
  requires_course_completion: true
  review_policy: competencies_only
  banks: [sample]
  blueprint:
    RA: {remember: 1, apply: 1}
  cut_score: {percent: 50, method: modified_angoff, rationale: a test panel}
  mastery: {default: 50}
"""

# Everything a candidate must never see before scoring: rationales, accepted answers, the numeric key.
SECRETS = [
    "It is the business result.",
    "That is an output.",
    "Environment row.",
    "Individual row.",
    "That describes a norm-referenced test.",
    "A CRT compares each candidate",
    "Phillips calls inputs level 0",
    "Goal, actions, causes, practice",
    "Harless",
    "Mager wrote about",
    "net benefits",
    "rationale",
    "wrong_rationale",
    '"key"',
    "accepted",
    "tolerance",
    "isCorrect",
    '"correct"',
    "150",
]


@pytest.fixture
def exams(load_catalog):
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ), ("exam.yaml", EXAM), ("module.yaml", MODULE))


@pytest.fixture
def candidate(make_user, auth, exams):
    user = make_user(roles=("candidate",), name="Ana Lima")
    auth.login_as(user)
    return user


@pytest.fixture
def api(client):
    """JSON calls with the session's CSRF token, as runner.js makes them."""
    from tests.support.helpers import csrf_token

    class Api:
        def __init__(self) -> None:
            self.token = csrf_token(client)

        def call(self, method: str, url: str, json: Any = None) -> Any:
            return client.open(url, method=method, json=json, headers={"X-CSRFToken": self.token})

    return Api()


def answers_for(state: dict) -> dict[int, Any]:
    """A plausible (not necessarily right) answer in shown ids for every item of an attempt state."""
    answers: dict[int, Any] = {}
    for item in state["items"]:
        options = [o["id"] for o in item["options"]]
        if item["type"] in ("single_choice", "true_false"):
            answers[item["position"]] = options[0]
        elif item["type"] == "multiple_response":
            answers[item["position"]] = options[:2]
        elif item["type"] == "ordering":
            answers[item["position"]] = options
        elif item["type"] == "matching":
            responses = [r["id"] for r in item["responses"]]
            answers[item["position"]] = {p["id"]: responses[n] for n, p in enumerate(item["prompts"])}
        elif item["type"] == "numeric":
            answers[item["position"]] = 42
        else:
            answers[item["position"]] = "a guess"
    return answers


def move_clock(app, attempt_id: int, minutes: float) -> None:
    """Pretend the attempt started `minutes` earlier (deadline and start move together)."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.started_at -= timedelta(minutes=minutes)
        attempt.deadline -= timedelta(minutes=minutes)
        db.session.commit()


def now():
    return utcnow()


@pytest.fixture
def api_for_exam(app, api, candidate):
    """Complete the course for the candidate, then take and submit the certification-style exam."""
    from certify.course.models import CourseCompletion

    def take() -> int:
        with app.app_context():
            db.session.add(CourseCompletion(user_id=candidate.id))
            db.session.commit()
        state = api.call("POST", "/api/v1/assessments/exam/attempts").get_json()
        for position, answer in answers_for(state).items():
            api.call(
                "PUT", f"/api/v1/attempts/{state['attempt_id']}/responses/{position}", {"answer": answer, "seq": 1}
            )
        api.call("POST", f"/api/v1/attempts/{state['attempt_id']}/submit")
        return state["attempt_id"]

    return take
