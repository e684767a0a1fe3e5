"""Start rules, one open attempt, fifty simultaneous submits, and overdue finalisation."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.course.models import CourseCompletion
from certify.extensions import db
from tests.support.exams import answers_for, move_clock
from tests.support.helpers import csrf_token, sign_in_directly


def _complete_course(app, user):
    with app.app_context():
        db.session.add(CourseCompletion(user_id=user.id))
        db.session.commit()


def test_certification_exam_needs_the_course(api, candidate):
    response = api.call("POST", "/api/v1/assessments/exam/attempts")
    assert response.status_code == 403 and "Complete every module" in response.get_json()["message"]


def test_attempt_limit_and_cooldown(app, api, candidate, api_for_exam):
    first = api_for_exam()
    refused = api.call("POST", "/api/v1/assessments/exam/attempts")
    assert refused.status_code == 403 and "You can try again from" in refused.get_json()["message"]
    with app.app_context():  # the cooldown has passed
        attempt = db.session.get(Attempt, first)
        attempt.submitted_at -= timedelta(days=15)
        db.session.commit()
    second = api.call("POST", "/api/v1/assessments/exam/attempts").get_json()["attempt_id"]
    api.call("POST", f"/api/v1/attempts/{second}/submit")
    with app.app_context():
        db.session.get(Attempt, second).submitted_at -= timedelta(days=15)
        db.session.commit()
    limit = api.call("POST", "/api/v1/assessments/exam/attempts")
    assert limit.status_code == 403 and "used all 2 attempts" in limit.get_json()["message"]


def test_the_database_allows_only_one_open_attempt(app, api, candidate):
    state = api.call("POST", "/api/v1/assessments/quiz/attempts").get_json()
    with app.app_context():
        existing = db.session.get(Attempt, state["attempt_id"])
        clone = Attempt(
            user_id=existing.user_id,
            assessment_id=existing.assessment_id,
            number=2,
            seed="x",
            deadline=existing.deadline,
            cut_score_id=existing.cut_score_id,
        )
        db.session.add(clone)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def _session_client(app, user):
    client = app.test_client()
    sign_in_directly(client, user)
    return client, csrf_token(client)


@pytest.mark.committing  # threads: each needs a connection of its own
def test_fifty_concurrent_submits_score_once_and_answer_the_same(app, api, candidate):
    state = api.call("POST", "/api/v1/assessments/quiz/attempts").get_json()
    for position, answer in answers_for(state).items():
        api.call("PUT", f"/api/v1/attempts/{state['attempt_id']}/responses/{position}", {"answer": answer, "seq": 1})
    clients = [_session_client(app, candidate) for _ in range(50)]
    barrier = threading.Barrier(50)
    results: list[tuple[int, object]] = []

    def submit(client, token):
        barrier.wait()
        response = client.post(f"/api/v1/attempts/{state['attempt_id']}/submit", headers={"X-CSRFToken": token})
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=submit, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 50
    assert {code for code, _ in results} == {200}
    assert len({str(body) for _, body in results}) == 1
    with app.app_context():
        assert db.session.query(AttemptScore).count() == 1


@pytest.mark.committing  # threads: each needs a connection of its own
def test_concurrent_starts_open_one_attempt(app, candidate):
    clients = [_session_client(app, candidate) for _ in range(8)]
    barrier = threading.Barrier(8)
    ids: list[int] = []

    def start(client, token):
        barrier.wait()
        response = client.post("/api/v1/assessments/quiz/attempts", headers={"X-CSRFToken": token})
        ids.append(response.get_json()["attempt_id"])

    threads = [threading.Thread(target=start, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(ids) == 8 and len(set(ids)) == 1


def test_finalize_overdue_command(app, api, candidate, runner):
    state = api.call("POST", "/api/v1/assessments/quiz/attempts").get_json()
    move_clock(app, state["attempt_id"], 25)
    result = runner.invoke(args=["attempts", "finalize-overdue"])
    assert result.exit_code == 0 and "finalised 1 overdue attempt" in result.output
    assert "finalised 0 overdue attempts" in runner.invoke(args=["attempts", "finalize-overdue"]).output
    with app.app_context():
        assert db.session.get(Attempt, state["attempt_id"]).status == "scored"


def test_returning_after_the_deadline_shows_the_result(app, client, api, candidate):
    state = api.call("POST", "/api/v1/assessments/quiz/attempts").get_json()
    move_clock(app, state["attempt_id"], 25)
    response = client.get(f"/exams/attempts/{state['attempt_id']}/q/1")
    assert response.headers["Location"].endswith(f"/exams/attempts/{state['attempt_id']}/result")


def test_availability_window_refuses_outside_it_and_caps_the_deadline(app, api, candidate):
    from certify.assessments.models import Assessment
    from certify.database import utcnow

    with app.app_context():
        quiz = db.session.query(Assessment).filter_by(slug="quiz").one()
        quiz.available_from = utcnow() + timedelta(days=1)
        db.session.commit()
    early = api.call("POST", "/api/v1/assessments/quiz/attempts")
    assert early.status_code == 403 and "This exam opens on" in early.get_json()["message"]
    with app.app_context():
        quiz = db.session.query(Assessment).filter_by(slug="quiz").one()
        quiz.available_from, quiz.available_until = None, utcnow() + timedelta(minutes=5)
        db.session.commit()
    state = api.call("POST", "/api/v1/assessments/quiz/attempts").get_json()
    assert state["remaining_seconds"] <= 300  # the 20-minute limit is cut to the window's end
    with app.app_context():
        quiz = db.session.query(Assessment).filter_by(slug="quiz").one()
        quiz.available_until = utcnow() - timedelta(minutes=1)
        db.session.commit()
    api.call("POST", f"/api/v1/attempts/{state['attempt_id']}/submit")
    late = api.call("POST", "/api/v1/assessments/quiz/attempts")
    assert late.status_code == 403 and "This exam closed on" in late.get_json()["message"]
