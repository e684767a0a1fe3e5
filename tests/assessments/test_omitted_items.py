"""An omitted multiple-response item: the official score and the item analysis agree that it earns 0."""

from __future__ import annotations

import pytest

from certify.assessments.attempt_models import AttemptItem
from certify.assessments.models import Assessment
from certify.extensions import db
from certify.reports.items import compute
from tests.support.exams import QUIZ
from tests.support.helpers import csrf_token, sign_in_directly
from tests.support.samples import BANK

PER_OPTION_BANK = BANK.replace("    key: [a, b]\n", "    key: [a, b]\n    scoring: per_option\n", 1)


@pytest.fixture
def quiz(load_catalog):
    assert PER_OPTION_BANK != BANK
    load_catalog(("sample.yaml", PER_OPTION_BANK), ("quiz.yaml", QUIZ))


def _take(app, make_user, mr_answer):
    """One candidate takes the quiz; the multiple-response item gets `mr_answer` (or nothing if it is ...)."""
    client = app.test_client()
    sign_in_directly(client, make_user(roles=("candidate",)))
    headers = {"X-CSRFToken": csrf_token(client)}
    state = client.post("/api/v1/assessments/quiz/attempts", headers=headers).get_json()
    item = next(i for i in state["items"] if i["type"] == "multiple_response")
    if mr_answer is not ...:
        saved = client.put(
            f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}",
            json={"answer": mr_answer, "seq": 1},
            headers=headers,
        )
        assert saved.status_code == 200, saved.get_json()
    assert client.post(f"/api/v1/attempts/{state['attempt_id']}/submit", headers=headers).status_code == 200
    return state["attempt_id"], item["position"]


def test_an_omitted_per_option_item_scores_zero_officially_and_in_the_item_analysis(app, quiz, make_user):
    # One candidate clears every box (the page sends an empty list), one never touches the item.
    taken = [_take(app, make_user, []), _take(app, make_user, ...)]
    with app.app_context():
        official = [
            db.session.query(AttemptItem).filter_by(attempt_id=attempt_id, position=position).one().credit
            for attempt_id, position in taken
        ]
        analysis = compute(db.session.query(Assessment).filter_by(slug="quiz").one())
    item = next(i for i in analysis["items"] if i["type"] == "multiple_response")
    assert official == [0.0, 0.0]
    assert item["n"] == 2 and item["p"] == sum(official) / len(official) == 0.0
    assert item["omit_rate"] == 1.0
