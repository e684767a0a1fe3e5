"""Taking an exam through the HTML pages (no JavaScript), and what candidates can and cannot see."""

from __future__ import annotations

import re

from certify.assessments.attempt_models import Attempt, Response
from certify.extensions import db
from tests.support.exams import SECRETS, answers_for
from tests.support.helpers import post_form, sign_in_directly, text


def _start(client):
    response = post_form(client, "/exams/quiz/start")
    assert response.status_code == 302, text(response)
    attempt_id = int(re.search(r"/attempts/(\d+)/", response.headers["Location"]).group(1))
    return attempt_id


def _seq(body: str) -> str:
    return re.search(r'name="seq" id="seq" value="(\d+)"', body).group(1)


def test_the_exams_page_explains_what_can_be_started(client, candidate):
    body = text(client.get("/exams/"))
    assert "Sample quiz" in body and "Start the exam" in body
    assert "Complete every module of the MID course first." in body


def test_a_candidate_answers_navigates_flags_and_submits_without_javascript(app, client, candidate):
    attempt_id = _start(client)
    page = text(client.get(f"/exams/attempts/{attempt_id}/q/1"))
    assert "question 1 of 7" in page and "Time left:" in page
    options = re.findall(r'name="answer" value="([^"]+)"', page)
    data = {"seq": _seq(page), "go": "next", "flagged": "1"}
    if options:
        data["answer"] = options[0]
    response = post_form(client, f"/exams/attempts/{attempt_id}/q/1", data)
    assert response.headers["Location"].endswith(f"/exams/attempts/{attempt_id}/q/2")
    overview = text(client.get(f"/exams/attempts/{attempt_id}/overview"))
    assert "flagged" in overview
    summary = text(client.get(f"/exams/attempts/{attempt_id}/submit"))
    assert "not answered" in summary and "Flagged for review:" in summary
    result = post_form(client, f"/exams/attempts/{attempt_id}/submit")
    assert result.headers["Location"].endswith(f"/exams/attempts/{attempt_id}/result")
    body = text(client.get(result.headers["Location"]))
    assert "Your competency profile" in body and "<svg" in body and "Score by competency" in body
    assert "Your answers, with the reasons" in body  # the quiz's review policy is full
    assert "It is the business result." in body  # rationales after scoring


def test_a_stale_page_does_not_overwrite_a_newer_answer(app, client, candidate):
    attempt_id = _start(client)
    for position in range(1, 8):  # a question answered with one radio button
        page = text(client.get(f"/exams/attempts/{attempt_id}/q/{position}"))
        options = re.findall(r'type="radio" id="[^"]+" name="answer" value="([^"]+)"', page)
        if options:
            break
    url, seq = f"/exams/attempts/{attempt_id}/q/{position}", _seq(page)
    first = post_form(client, url, {"seq": seq, "go": "stay", "answer": options[0]})
    assert first.status_code == 302
    second = post_form(client, url, {"seq": seq, "go": "stay", "answer": options[1]})  # an older copy of the page
    assert second.status_code == 409 and "A newer answer to this question was saved" in text(second)
    with app.app_context():
        assert db.session.query(Response).filter(Response.seq == int(seq)).one().answer == options[0]


def test_the_certification_result_shows_only_what_to_work_on(app, client, candidate, api_for_exam):
    attempt_id = api_for_exam()
    body = text(client.get(f"/exams/attempts/{attempt_id}/result"))
    assert "Your answers, with the reasons" not in body
    for secret in SECRETS[:10]:
        assert secret not in body


def test_no_key_reaches_the_candidate_before_scoring(app, client, candidate, api):
    """Record every candidate-facing response of a full attempt and scan them for keys."""
    seen: list[str] = []

    def record(response):
        seen.append(response.get_data(as_text=True))
        return response

    record(client.get("/exams/"))
    state = record(api.call("POST", "/api/v1/assessments/quiz/attempts")).get_json()
    attempt_id = state["attempt_id"]
    for position, answer in answers_for(state).items():
        record(client.get(f"/exams/attempts/{attempt_id}/q/{position}"))
        record(api.call("PUT", f"/api/v1/attempts/{attempt_id}/responses/{position}", {"answer": answer, "seq": 1}))
        record(api.call("PUT", f"/api/v1/attempts/{attempt_id}/flags/{position}", {"flagged": True}))
    record(api.call("GET", f"/api/v1/attempts/{attempt_id}"))
    record(client.get(f"/exams/attempts/{attempt_id}/overview"))
    record(client.get(f"/exams/attempts/{attempt_id}/submit"))
    record(api.call("GET", f"/api/v1/attempts/{attempt_id}/result"))
    everything = "\n".join(seen)
    # A number counts only on its own: "150" inside a timestamp's microseconds or a token is not the key.
    leaks = [
        secret
        for secret in SECRETS
        if (
            re.search(rf"(?<![\w.:]){re.escape(secret)}(?![\w])", everything)
            if secret.isdigit()
            else secret in everything
        )
    ]
    assert leaks == []
    for authored in ('"a"', '"b"', '"p1"', '"s1"', 'value="a"', 'value="p1"'):
        assert authored not in everything  # option ids are opaque


def test_other_candidates_cannot_open_or_submit_an_attempt(app, client, candidate, make_user):
    attempt_id = _start(client)
    other = app.test_client()
    sign_in_directly(other, make_user(roles=("candidate",)))
    for path in ("q/1", "overview", "submit", "result"):
        assert other.get(f"/exams/attempts/{attempt_id}/{path}").status_code == 404
    assert post_form(other, f"/exams/attempts/{attempt_id}/submit").status_code == 404
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "in_progress"


def test_assessors_and_admins_cannot_start_exams(client, make_user, auth, exams):
    auth.login_as(make_user(roles=("assessor",)))
    assert post_form(client, "/exams/quiz/start").status_code == 403
