"""Raters' page: only invited raters, every task on three 1-5 scales, drafts, submission, bad input, closed studies."""

from __future__ import annotations

import re

from sqlalchemy import select

from certify.extensions import db
from certify.job_analysis.models import JtaRater, JtaRating
from tests.support.angoff import load_exam, signed_in
from tests.support.helpers import post_form, text
from tests.support.job_analysis import close, form_of, make_study, rate

TASKS = [
    ("RA", "Agree the business measure with the sponsor."),
    ("RA", "Find the measure's baseline."),
    ("PA", "Check the environment first."),
]


def _setup(app, make_user, load_catalog, raters=2):
    load_exam(load_catalog)
    admin = make_user(roles=("admin",))
    people = [make_user(roles=("assessor",), name=f"Rater {n}") for n in range(raters)]
    study_id, tasks = make_study(app, admin, people, TASKS)
    return admin, people, study_id, tasks


def test_invited_rater_sees_the_tasks_grouped_with_labelled_scales(app, make_user, load_catalog):
    _admin, people, study_id, tasks = _setup(app, make_user, load_catalog)
    client = signed_in(app, people[0])
    page = text(client.get(f"/job-analysis/{study_id}"))
    assert "<caption>RA: Results alignment (2 tasks)</caption>" in page
    assert "<caption>PA: Performance" in page
    assert page.count('<th scope="col">Importance</th>') == 2 and '<th scope="row" id="task-' in page
    assert f'<label class="visually-hidden" for="importance-{tasks[0]}">Importance of task 1</label>' in page
    assert '<option value="5">5: Essential</option>' in page and "1: Rarely (a few times a year or less)" in page
    assert 'name="csrf_token"' in page
    index = text(client.get("/job-analysis/"))
    assert "Practitioner panel" in index and "0 of 3" in index
    assert "Job-task analysis</a></li>" in text(client.get("/"))  # the navigation link for raters


def test_others_get_403(app, make_user, load_catalog):
    _admin, _people, study_id, tasks = _setup(app, make_user, load_catalog)
    outsider = signed_in(app, make_user(roles=("assessor",), name="Not invited"))
    assert outsider.get(f"/job-analysis/{study_id}").status_code == 403
    assert rate(outsider, study_id, dict.fromkeys(tasks, (3, 3, 3))).status_code == 403
    assert signed_in(app, make_user(roles=("candidate",))).get(f"/job-analysis/{study_id}").status_code == 403
    assert signed_in(app, make_user(roles=("admin",))).get(f"/job-analysis/{study_id}").status_code == 403
    assert outsider.get("/job-analysis/999999").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(JtaRating.id)) is None


def test_draft_then_submit(app, make_user, load_catalog):
    _admin, people, study_id, tasks = _setup(app, make_user, load_catalog)
    client = signed_in(app, people[0])
    response = rate(client, study_id, {tasks[0]: (5, 4, 3)}, action="save", follow_redirects=True)
    assert "Draft saved: 1 of 3 tasks rated." in text(response)
    assert re.search(r'<option value="4" selected>4: Often', text(response))
    response = rate(client, study_id, {tasks[0]: (5, 4, 3)}, action="submit")
    assert response.status_code == 400 and "Rate every task before submitting." in text(response)
    response = rate(client, study_id, dict.fromkeys(tasks, (4, 3, 2)), follow_redirects=True)
    assert "Ratings submitted: all 3 tasks rated." in text(response)
    with app.app_context():
        rows = db.session.scalars(select(JtaRating).where(JtaRating.user_id == people[0].id)).all()
        assert sorted((r.task_id, r.importance, r.frequency, r.criticality) for r in rows) == [
            (t, 4, 3, 2) for t in tasks
        ]
        assert db.session.get(JtaRater, (study_id, people[0].id)).submitted_at is not None


def test_bad_input_is_refused_with_a_clear_message(app, make_user, load_catalog):
    _admin, people, study_id, tasks = _setup(app, make_user, load_catalog)
    client = signed_in(app, people[0])
    response = rate(client, study_id, {tasks[0]: (6, 3, 3)})
    assert response.status_code == 400 and "Choose a rating from 1 to 5 for importance." in text(response)
    assert 'aria-invalid="true"' in text(response)
    response = rate(client, study_id, {tasks[0]: (3, 3, 3)}, action="save", fields={"frequency-999999": "3"})
    assert response.status_code == 400 and "“frequency-999999” is not a task of this study." in text(response)
    response = post_form(client, f"/job-analysis/{study_id}", {f"importance-{tasks[0]}": "4", "action": "save"})
    assert response.status_code == 400 and "Rate the task on frequency too, or leave all three scales empty." in text(
        response
    )
    response = client.post(f"/job-analysis/{study_id}", data={**form_of({tasks[0]: (3, 3, 3)}), "action": "save"})
    assert response.status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.scalar(select(JtaRating.id)) is None


def test_a_closed_study_refuses_ratings(app, make_user, load_catalog):
    admin, people, study_id, tasks = _setup(app, make_user, load_catalog)
    close(app, admin, study_id)
    client = signed_in(app, people[0])
    assert "This study is closed: ratings can no longer change." in text(client.get(f"/job-analysis/{study_id}"))
    response = rate(client, study_id, dict.fromkeys(tasks, (3, 3, 3)))
    assert response.status_code == 409 and "This study is closed: ratings cannot be saved." in text(response)
