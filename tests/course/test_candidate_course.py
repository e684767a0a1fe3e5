"""Following the course: lessons, progress, knowledge checks, completion."""

from __future__ import annotations

import re

import pytest

from certify.audit.models import AuditEvent
from certify.course.models import CourseCompletion, KnowledgeCheckAttempt
from certify.extensions import db
from tests.support.helpers import post_form, text
from tests.support.samples_course import MODULE


@pytest.fixture
def candidate(make_user, auth, load_catalog):
    load_catalog(("module.yaml", MODULE))
    user = make_user()
    auth.login_as(user)
    return user


def _check_form(client):
    """The knowledge check page's fields: {item name: {shown option text: shown id}}."""
    body = text(client.get("/course/outcomes-not-outputs/knowledge-check"))
    fields: dict[str, dict[str, str]] = {}
    for name, value, label in re.findall(
        r'name="(item-\d+)" value="([^"]+)"[^>]*>\s*<label for="[^"]+">([^<]+)</label>', body
    ):
        fields.setdefault(name, {})[label.strip()] = value
    return fields


def _split(fields):
    """(single-choice field, true/false field): told apart by their options, not by their names, whose
    database ids sort as text ("item-10" before "item-9") once the ids pass a power of ten."""
    (tf,) = [name for name, options in fields.items() if set(options) == {"True", "False"}]
    (sc,) = [name for name in fields if name != tf]
    return sc, tf


def test_course_page_lists_modules_with_progress(client, candidate):
    body = text(client.get("/course/"))
    assert "Module 1: Outcomes, not outputs" in body and "Not started" in body and "0 of 2 lessons" in body


def test_lesson_html_is_sanitised(client, candidate):
    body = text(client.get("/course/outcomes-not-outputs/why-outcomes"))
    assert "<strong>output</strong>" in body and "<script>alert" not in body


def test_completing_lessons_and_passing_the_check_completes_module_and_course(app, client, candidate):
    post_form(client, "/course/outcomes-not-outputs/why-outcomes/complete")
    response = post_form(client, "/course/outcomes-not-outputs/kpms/complete")
    assert response.headers["Location"].endswith("/course/outcomes-not-outputs/knowledge-check")
    fields = _check_form(client)
    sc, tf = _split(fields)
    answers = {sc: fields[sc]["Fewer patient complaints"], tf: fields[tf]["False"]}
    result = post_form(client, "/course/outcomes-not-outputs/knowledge-check", answers)
    body = text(result)
    assert "Your knowledge check: 100 %" in body and "Module 1 is complete." in body
    assert "Reaction surveys capture perception" in body  # the rationale is shown straight away
    with app.app_context():
        assert db.session.get(CourseCompletion, candidate.id) is not None
        assert {"course.module_completed", "course.completed"} <= {e.action for e in db.session.query(AuditEvent)}
    assert "Course complete" in text(client.get("/course/"))


def test_failed_check_shows_feedback_and_does_not_complete(app, client, candidate):
    fields = _check_form(client)
    sc, tf = _split(fields)
    body = text(
        post_form(
            client,
            "/course/outcomes-not-outputs/knowledge-check",
            {sc: fields[sc]["Forty people trained"], tf: fields[tf]["True"]},
        )
    )
    assert "Your knowledge check: 0 %" in body and "Not yet." in body
    assert "An output." in body and "They measure perception." in body
    with app.app_context():
        attempt = db.session.query(KnowledgeCheckAttempt).one()
        assert attempt.passed is False and db.session.get(CourseCompletion, candidate.id) is None


def test_forged_option_id_is_refused_and_nothing_recorded(app, client, candidate):
    fields = _check_form(client)
    sc, tf = _split(fields)
    response = post_form(client, "/course/outcomes-not-outputs/knowledge-check", {sc: "a", tf: fields[tf]["True"]})
    assert response.status_code == 200 and "that option is not part of this question" in text(response)
    with app.app_context():
        assert db.session.query(KnowledgeCheckAttempt).count() == 0


def test_check_page_never_contains_keys_or_rationales(client, candidate):
    body = text(client.get("/course/outcomes-not-outputs/knowledge-check"))
    assert "Outcomes are changes in results." not in body and "An output." not in body
    assert 'value="a"' not in body and 'value="true"' not in body


def test_unknown_module_or_lesson_is_404(client, candidate):
    assert client.get("/course/no-such/").status_code == 404
    assert client.get("/course/outcomes-not-outputs/no-such-lesson").status_code == 404


def test_completing_a_lesson_twice_is_harmless(app, client, candidate):
    post_form(client, "/course/outcomes-not-outputs/why-outcomes/complete")
    post_form(client, "/course/outcomes-not-outputs/why-outcomes/complete")
    assert "1 of 2 lessons" in text(client.get("/course/"))
