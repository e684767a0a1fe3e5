"""Every exam score and outcome is audited when it is given, and every later change to it."""

from __future__ import annotations

from certify.assessments.attempt_models import AttemptScore
from certify.audit.models import AuditEvent
from certify.extensions import db
from tests.support.exams import answers_for, move_clock


def _events(app, action):
    with app.app_context():
        return [
            (e.actor_id, e.object_id, e.before, e.after, e.note)
            for e in db.session.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)
        ]


def _take(api, submit=True):
    state = api.call("POST", "/api/v1/assessments/quiz/attempts").get_json()
    for position, answer in answers_for(state).items():
        api.call("PUT", f"/api/v1/attempts/{state['attempt_id']}/responses/{position}", {"answer": answer, "seq": 1})
    if submit:
        assert api.call("POST", f"/api/v1/attempts/{state['attempt_id']}/submit").status_code == 200
    return state["attempt_id"]


def test_submitted_attempt_is_audited_with_score_outcome_cut_score_version_and_rules(app, api, candidate):
    attempt_id = _take(api)
    api.call("POST", f"/api/v1/attempts/{attempt_id}/submit")  # a repeated submit scores (and audits) nothing more
    [(actor_id, object_id, before, after, note)] = _events(app, "attempt.scored")
    assert (actor_id, object_id, before, note) == (candidate.id, str(attempt_id), None, "finalised by candidate")
    with app.app_context():
        score = db.session.get(AttemptScore, attempt_id)
        assert (after["points"], after["max_points"], after["percent"], after["passed"]) == (
            score.points,
            score.max_points,
            score.percent,
            score.passed,
        )
        assert after["competencies"] == score.competencies
    assert after["assessment"] == "quiz" and after["finalised_by"] == "candidate"
    assert after["cut_score"]["version"] == 1 and after["cut_score"]["percent"] == score.cut_percent
    assert "every competency" in after["scoring_rule"]["pass"] and after["scoring_rule"]["mastery"]
    assert len(after["items"]) == 7
    assert {"item", "version", "type", "scoring", "scored", "credit"} <= set(after["items"][0])


def test_overdue_attempt_finalised_at_its_deadline_is_audited_without_an_actor(app, api, candidate, runner):
    attempt_id = _take(api, submit=False)
    move_clock(app, attempt_id, 25)
    assert runner.invoke(args=["attempts", "finalize-overdue"]).exit_code == 0
    [(actor_id, object_id, _before, after, note)] = _events(app, "attempt.scored")
    assert (actor_id, object_id, note, after["finalised_by"]) == (
        None,
        str(attempt_id),
        "finalised by deadline",
        "deadline",
    )
    assert all(item["credit"] is not None for item in after["items"])


def test_regrade_is_audited_with_the_full_score_before_and_after(app, client, make_user, auth, api, candidate):
    from tests.support.helpers import post_form

    attempt_id = _take(api)
    auth.login_as(make_user(roles=("admin",)))
    post_form(client, "/admin/items/S-SA/accept", {"other": "a guess"})
    assert post_form(client, "/admin/items/S-SA/regrade").status_code == 302
    [(actor_id, object_id, before, after, _note)] = _events(app, "attempt.regraded")
    assert object_id == str(attempt_id) and actor_id is not None and actor_id != candidate.id
    assert after["percent"] > before["percent"]
    assert after["cut_score"] == before["cut_score"]
    changed = [
        (b["item"], b["credit"], a["credit"])
        for b, a in zip(before["items"], after["items"], strict=True)
        if b["credit"] != a["credit"]
    ]
    assert changed == [("S-SA", 0.0, 1.0)]
    assert after["item"] == "S-SA" and after["key_version"] == 2
