"""A save repeated with the same answer and sequence number is a replay (success); only a different answer conflicts."""

from __future__ import annotations

import re

from certify.assessments.attempt_models import Response
from certify.extensions import db
from tests.support.exams import answers_for
from tests.support.helpers import post_form, text


def _start(api):
    return api.call("POST", "/api/v1/assessments/quiz/attempts").get_json()


def _stored(app, attempt_id: int, position: int):
    from certify.assessments.attempt_models import AttemptItem

    with app.app_context():
        row = db.session.query(Response).join(AttemptItem).filter_by(attempt_id=attempt_id, position=position).one()
        return row.seq, row.answer, row.saved_at


def test_the_same_answer_saved_twice_with_one_seq_is_a_replay_answered_with_the_stored_save(app, api, candidate):
    state = _start(api)
    answers = answers_for(state)
    for item in state["items"]:  # every item type
        url = f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}"
        first = api.call("PUT", url, {"answer": answers[item["position"]], "seq": 1})
        again = api.call("PUT", url, {"answer": answers[item["position"]], "seq": 1})
        assert first.status_code == again.status_code == 200, (item["type"], again.get_json())
        assert again.get_json() == first.get_json()
        assert _stored(app, state["attempt_id"], item["position"])[:2] == (1, answers[item["position"]])


def test_a_replay_may_list_the_same_choices_in_another_order(app, api, candidate):
    state = _start(api)
    item = next(i for i in state["items"] if i["type"] == "multiple_response")
    url = f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}"
    chosen = [o["id"] for o in item["options"][:2]]
    assert api.call("PUT", url, {"answer": chosen, "seq": 1}).status_code == 200
    assert api.call("PUT", url, {"answer": chosen[::-1], "seq": 1}).status_code == 200


def test_a_different_answer_with_the_stored_seq_is_still_a_conflict(app, api, candidate):
    state = _start(api)
    item = next(i for i in state["items"] if i["type"] == "single_choice")
    url = f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}"
    first, second = item["options"][0]["id"], item["options"][1]["id"]
    assert api.call("PUT", url, {"answer": first, "seq": 1}).status_code == 200
    conflict = api.call("PUT", url, {"answer": second, "seq": 1})
    assert conflict.status_code == 409 and conflict.get_json()["error"] == "stale"
    assert conflict.get_json()["answer"] == first
    assert _stored(app, state["attempt_id"], item["position"])[:2] == (1, first)


def test_the_form_post_after_an_autosave_of_the_same_answer_moves_on(app, client, api, candidate):
    """The field-trial race: leaving the field autosaves with seq N, then the page posts the same answer with N."""
    state = _start(api)
    attempt_id = state["attempt_id"]
    item = next(i for i in state["items"] if i["type"] == "single_choice")
    position = item["position"]
    # The order is drawn at random: "next" from the last question goes to the review page.
    following = "submit" if position == len(state["items"]) else f"q/{position + 1}"
    page = text(client.get(f"/exams/attempts/{attempt_id}/q/{position}"))
    seq = int(re.search(r'name="seq" id="seq" value="(\d+)"', page).group(1))
    choice = item["options"][0]["id"]
    autosave = api.call("PUT", f"/api/v1/attempts/{attempt_id}/responses/{position}", {"answer": choice, "seq": seq})
    assert autosave.status_code == 200
    posted = post_form(
        client, f"/exams/attempts/{attempt_id}/q/{position}", {"seq": seq, "go": "next", "answer": choice}
    )
    assert posted.status_code == 302, text(posted)
    assert posted.headers["Location"].endswith(f"/exams/attempts/{attempt_id}/{following}")
    assert _stored(app, attempt_id, position)[:2] == (seq, choice)


def test_the_form_post_of_a_different_answer_with_a_taken_seq_shows_the_conflict(app, client, api, candidate):
    state = _start(api)
    attempt_id = state["attempt_id"]
    item = next(i for i in state["items"] if i["type"] == "single_choice")
    position, options = item["position"], [o["id"] for o in item["options"]]
    url = f"/api/v1/attempts/{attempt_id}/responses/{position}"
    assert api.call("PUT", url, {"answer": options[0], "seq": 1}).status_code == 200
    posted = post_form(
        client, f"/exams/attempts/{attempt_id}/q/{position}", {"seq": 1, "go": "next", "answer": options[1]}
    )
    assert posted.status_code == 409 and "A newer answer to this question was saved" in text(posted)
    assert _stored(app, attempt_id, position)[:2] == (1, options[0])
