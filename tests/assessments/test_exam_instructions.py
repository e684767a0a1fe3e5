"""The exams page (blueprints, plain counts, no pre-test after the course) and the instructions before a start."""

from __future__ import annotations

import re

from certify.assessments.attempt_models import Accommodation, Attempt
from certify.course.models import CourseCompletion
from certify.extensions import db
from tests.support.exams import EXAM, QUIZ
from tests.support.helpers import post_form, text
from tests.support.samples import BANK

DIAGNOSTIC = """\
assessment:
  slug: pretest
  title: Sample pre-test
  kind: diagnostic
  time_limit_minutes: 25
  max_attempts: 1
  review_policy: competencies_only
  banks: [sample]
  blueprint:
    RA: {remember: 1, apply: 1}
  cut_score: {percent: 70, method: informed_judgement, rationale: test}
  mastery: {default: 50}
"""


def _attempts(app, user) -> int:
    with app.app_context():
        return db.session.query(Attempt).filter_by(user_id=user.id).count()


def _complete_course(app, user) -> None:
    with app.app_context():
        db.session.add(CourseCompletion(user_id=user.id))
        db.session.commit()


def test_the_exams_page_shows_each_blueprint_and_counts_in_plain_words(client, load_catalog, make_user, auth):
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ), ("exam.yaml", EXAM), ("pretest.yaml", DIAGNOSTIC))
    auth.login_as(make_user(roles=("candidate",)))
    body = text(client.get("/exams/"))
    assert "Both exams" not in body and "Every exam is timed by the server" in body
    assert not re.search(r"\b1 attempts", body) and re.search(r"\b1 attempt</p>", body)  # the pre-test allows one
    assert "2 attempts" in body and "unlimited attempts" in body
    assert body.count("<caption>Blueprint of the") == 3
    assert re.search(r"\(RA\)</td><td>7</td>", body)  # the quiz: seven questions, all in one competency
    assert re.search(r"Total, in 30 minutes</th><td>2</td>", body)


def test_a_candidate_who_finished_the_course_is_not_offered_the_pre_test(app, client, load_catalog, make_user, auth):
    load_catalog(("sample.yaml", BANK), ("pretest.yaml", DIAGNOSTIC))
    user = make_user(roles=("candidate",))
    auth.login_as(user)
    assert "Start the exam" in text(client.get("/exams/"))
    _complete_course(app, user)
    body = text(client.get("/exams/"))
    assert "Start the exam" not in body and "taken before the course" in body
    assert post_form(client, "/exams/pretest/start").status_code == 302 and _attempts(app, user) == 0


def test_the_instructions_come_before_any_attempt_and_only_the_explicit_start_creates_one(app, client, candidate):
    _complete_course(app, candidate)
    with app.app_context():
        db.session.add(Accommodation(user_id=candidate.id, time_multiplier=1.5, notes="A screen reader is allowed."))
        db.session.commit()
    index = text(client.get("/exams/"))
    assert 'href="/exams/exam/start"' in index
    page = client.get("/exams/exam/start")
    body = text(page)
    assert page.status_code == 200 and _attempts(app, candidate) == 0
    assert "Before you start: Sample certification exam" in body
    assert "45 minutes" in body and "limit is 30 minutes" in body  # 30 x 1.5
    assert "attempt 1 of 2" in body and "1 attempt left" in body and "14 days" in body
    assert "A screen reader is allowed." in body and "1.5 times" in body
    assert "closes itself at the deadline" in body and "grace period" in body
    assert "<caption>Blueprint of the Sample certification exam" in body
    started = post_form(client, "/exams/exam/start")
    assert started.status_code == 302 and "/q/1" in started.headers["Location"] and _attempts(app, candidate) == 1
    # An open attempt is resumed without the instructions.
    again = client.get("/exams/exam/start")
    assert again.status_code == 302 and again.headers["Location"] == started.headers["Location"]


def test_the_instructions_say_why_an_exam_cannot_be_started(app, client, candidate):
    body = text(client.get("/exams/exam/start"))
    assert "You cannot start this exam now" in body and "Complete every module" in body
    assert "Start the exam now" not in body and _attempts(app, candidate) == 0


def test_the_api_still_starts_an_attempt_directly(app, api, candidate):
    response = api.call("POST", "/api/v1/assessments/quiz/attempts")
    assert response.status_code == 200 and _attempts(app, candidate) == 1


def test_pilot_questions_are_announced_and_counted_on_the_exams_page_and_instructions(
    app, client, load_catalog, make_user, auth
):
    # The three understand-level items become pilots; the exam asks for five, the pool holds three.
    pilot_bank = BANK.replace("    bloom: understand\n", "    bloom: understand\n    status: pilot\n")
    assert pilot_bank.count("status: pilot") == 3
    load_catalog(("sample.yaml", pilot_bank), ("exam.yaml", EXAM.replace("  banks:", "  pilot_items: 5\n  banks:")))
    user = make_user(roles=("candidate",))
    _complete_course(app, user)
    auth.login_as(user)
    listing = text(client.get("/exams/"))
    assert "5 questions (2 scored)" in listing
    brief = text(client.get("/exams/exam/start"))
    assert "for 5 questions" in brief and "3 of the 5 questions are pilot questions" in brief
    assert re.search(r"Pilot questions across the competencies \(not scored\)</td><td>3<", brief)
    assert re.search(r"Total, in 30 minutes</th><td>5<", brief)
    post_form(client, "/exams/exam/start")
    with app.app_context():
        attempt = db.session.query(Attempt).filter_by(user_id=user.id).one()
        assert sorted(item.scored for item in attempt.items) == [False, False, False, True, True]


def test_a_certification_exam_carries_ten_pilots_unless_its_file_says_otherwise():
    from certify.core.assessment_spec import CERTIFICATION_PILOT_ITEMS, parse_assessment

    assert CERTIFICATION_PILOT_ITEMS == 10
    for kind, expected in (("certification", 10), ("practice", 0), ("diagnostic", 0)):
        source = EXAM.replace("kind: certification", f"kind: {kind}")
        assert parse_assessment(_located(source), "exam.yaml", ("RA",))[0].pilot_items == expected
    none = EXAM.replace("  banks:", "  pilot_items: 0\n  banks:")
    assert parse_assessment(_located(none), "e.yaml", ("RA",))[0].pilot_items == 0


def _located(text_: str):
    from certify.core.source import load_yaml

    data, problems = load_yaml(text_, "exam.yaml")
    assert problems == []
    return data


def test_the_pre_test_closes_at_the_moment_the_course_was_completed_not_before(app, load_catalog, make_user):
    from datetime import timedelta

    from certify.assessments.models import Assessment
    from certify.assessments.starting import availability
    from certify.auth.models import User
    from certify.database import utcnow

    load_catalog(("sample.yaml", BANK), ("pretest.yaml", DIAGNOSTIC))
    user_id = make_user(roles=("candidate",)).id
    finished = utcnow()
    with app.app_context():
        db.session.add(CourseCompletion(user_id=user_id, completed_at=finished))
        db.session.flush()
        user = db.session.get(User, user_id)
        pretest = db.session.query(Assessment).filter_by(slug="pretest").one()
        assert availability(user, pretest, finished - timedelta(days=1)).can_start  # before the course ended
        later = availability(user, pretest, finished + timedelta(minutes=1))
        assert not later.can_start and "taken before the course" in later.reason
        db.session.rollback()


def test_the_instructions_never_state_a_negative_time_once_the_window_has_closed(app, candidate):
    from datetime import timedelta

    from certify.assessments.instructions import briefing
    from certify.assessments.models import Assessment
    from certify.auth.models import User
    from certify.database import utcnow

    now = utcnow()
    with app.app_context():
        exam = db.session.query(Assessment).filter_by(slug="exam").one()
        exam.available_until = now - timedelta(hours=2)
        user = db.session.get(User, candidate.id)
        assert briefing(user, exam, now).your_minutes == 0
        exam.available_until = now + timedelta(minutes=10)  # the window, not the 30-minute limit, is what is left
        assert briefing(user, exam, now).your_minutes == 10
        db.session.rollback()
