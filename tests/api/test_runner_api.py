"""The runner API: starting, saving with sequence numbers, deadlines, submitting once, results."""

from __future__ import annotations

import pytest

from certify.assessments.attempt_models import AttemptScore, Response
from certify.extensions import db
from tests.support.exams import answers_for, move_clock
from tests.support.helpers import sign_in_directly


def _start(api, slug="quiz"):
    response = api.call("POST", f"/api/v1/assessments/{slug}/attempts")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_list_shows_what_can_be_started_and_why_not(api, candidate):
    listed = {a["slug"]: a for a in api.call("GET", "/api/v1/assessments").get_json()}
    assert listed["quiz"]["can_start"] and listed["quiz"]["time_limit_minutes"] == 20
    assert not listed["exam"]["can_start"] and "Complete every module" in listed["exam"]["reason"]


def test_start_assembles_the_blueprint_and_starting_again_resumes(api, candidate):
    state = _start(api)
    assert len(state["items"]) == 7 and 1190 <= state["remaining_seconds"] <= 1200
    assert {i["type"] for i in state["items"]} == {
        "single_choice",
        "multiple_response",
        "true_false",
        "matching",
        "ordering",
        "short_answer",
        "numeric",
    }
    assert _start(api)["attempt_id"] == state["attempt_id"]


def test_save_with_sequence_numbers_and_stale_saves_change_nothing(app, api, candidate):
    state = _start(api)
    item = next(i for i in state["items"] if i["type"] == "single_choice")
    url = f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}"
    first, second = item["options"][0]["id"], item["options"][1]["id"]
    assert api.call("PUT", url, {"answer": first, "seq": 1}).get_json()["seq"] == 1
    assert api.call("PUT", url, {"answer": second, "seq": 3}).status_code == 200
    stale = api.call("PUT", url, {"answer": first, "seq": 2})
    assert stale.status_code == 409 and stale.get_json() | {"message": ""} == {
        "error": "stale",
        "seq": 3,
        "answer": second,
        "message": "",
    }
    reloaded = api.call("GET", f"/api/v1/attempts/{state['attempt_id']}").get_json()
    again = next(i for i in reloaded["items"] if i["position"] == item["position"])
    assert (again["answer"], again["seq"]) == (second, 3)


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        ("single_choice", "a"),
        ("single_choice", ["x"]),
        ("multiple_response", "not-a-list"),
        ("multiple_response", ["forged"]),
        ("true_false", "maybe"),
        ("matching", ["x"]),
        ("matching", {"forged": "forged"}),
        ("ordering", ["only-one"]),
        ("short_answer", 42),
        ("short_answer", "x" * 501),
        ("numeric", "twelve"),
        ("numeric", [1]),
    ],
)
def test_malformed_answers_get_400_and_store_nothing(app, api, candidate, kind, bad):
    state = _start(api)
    item = next(i for i in state["items"] if i["type"] == kind)
    response = api.call(
        "PUT", f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}", {"answer": bad, "seq": 1}
    )
    assert response.status_code == 400 and response.get_json()["message"].startswith(f"Question {item['position']}")
    with app.app_context():
        assert db.session.query(Response).filter(Response.seq > 0).count() == 0


@pytest.mark.parametrize("body", [{"answer": None}, {"answer": None, "seq": "1"}, {"answer": None, "seq": 0}, "text"])
def test_bad_envelopes_get_400(api, candidate, body):
    state = _start(api)
    response = api.call("PUT", f"/api/v1/attempts/{state['attempt_id']}/responses/1", body)
    assert response.status_code == 400


def test_unknown_position_is_404(api, candidate):
    state = _start(api)
    response = api.call("PUT", f"/api/v1/attempts/{state['attempt_id']}/responses/99", {"answer": None, "seq": 1})
    assert response.status_code == 404


def test_saves_are_refused_after_deadline_and_grace_and_the_attempt_is_finalised(app, api, candidate):
    state = _start(api)
    item = state["items"][0]
    url = f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}"
    answers = answers_for(state)
    move_clock(app, state["attempt_id"], 20.5)  # past the deadline, inside the 60 s grace
    assert api.call("PUT", url, {"answer": answers[item["position"]], "seq": 1}).status_code == 200
    move_clock(app, state["attempt_id"], 1)  # now past the grace period too
    closed = api.call("PUT", url, {"answer": None, "seq": 2})
    assert closed.status_code == 409 and closed.get_json()["error"] == "closed"
    with app.app_context():
        score = db.session.get(AttemptScore, state["attempt_id"])
        assert score is not None and score.finalised_by == "deadline"
    assert api.call("GET", f"/api/v1/attempts/{state['attempt_id']}/result").status_code == 200


def test_submit_is_idempotent_and_result_has_the_contract_shape(app, api, candidate):
    state = _start(api)
    for position, answer in answers_for(state).items():
        api.call("PUT", f"/api/v1/attempts/{state['attempt_id']}/responses/{position}", {"answer": answer, "seq": 1})
    first = api.call("POST", f"/api/v1/attempts/{state['attempt_id']}/submit").get_json()
    second = api.call("POST", f"/api/v1/attempts/{state['attempt_id']}/submit").get_json()
    assert first == second == {"status": "scored", "result_url": f"/exams/attempts/{state['attempt_id']}/result"}
    result = api.call("GET", f"/api/v1/attempts/{state['attempt_id']}/result").get_json()
    assert {"passed", "score", "cut_score", "competencies"} <= set(result) and result["cut_score"] == 60
    # Fields added for equated decisions; without a calibration the raw cut decides and there is no scaled score.
    assert set(result) - {"passed", "score", "cut_score", "competencies"} == {
        "points", "max_points", "cut_points", "standard_percent", "decision_rule", "scaled_score", "scale",
    }  # fmt: skip
    assert (result["decision_rule"], result["standard_percent"], result["scaled_score"], result["scale"]) == (
        "raw", 60, None, None,
    )  # fmt: skip
    assert result["cut_points"] == pytest.approx(0.6 * result["max_points"])
    assert [set(c) for c in result["competencies"]] == [{"code", "score", "mastery", "met"}]
    with app.app_context():
        assert db.session.query(AttemptScore).count() == 1


def test_result_before_submitting_is_refused(api, candidate):
    state = _start(api)
    response = api.call("GET", f"/api/v1/attempts/{state['attempt_id']}/result")
    assert response.status_code == 409 and response.get_json()["error"] == "not_scored"


def test_other_peoples_attempts_are_404(app, api, candidate, make_user):
    state = _start(api)
    other = app.test_client()
    sign_in_directly(other, make_user(roles=("candidate",)))
    for method, url in [
        ("GET", f"/api/v1/attempts/{state['attempt_id']}"),
        ("GET", f"/api/v1/attempts/{state['attempt_id']}/result"),
    ]:
        assert other.open(url, method=method).status_code == 404


def test_bearer_token_clients_take_an_exam_without_csrf(app, candidate, runner):
    token = runner.invoke(args=["users", "token", candidate.email]).output.strip()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    state = client.post("/api/v1/assessments/quiz/attempts", headers=headers).get_json()
    position, answer = next(iter(answers_for(state).items()))
    saved = client.put(
        f"/api/v1/attempts/{state['attempt_id']}/responses/{position}",
        json={"answer": answer, "seq": 1},
        headers=headers,
    )
    assert saved.status_code == 200
    assert client.post(f"/api/v1/attempts/{state['attempt_id']}/submit", headers=headers).status_code == 200


def test_session_clients_need_the_csrf_header(client, candidate):
    assert client.post("/api/v1/assessments/quiz/attempts").status_code == 400
