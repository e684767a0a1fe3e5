"""A case shared by several questions is shown beside each of them: on the question page and in the API state."""

from __future__ import annotations

import re

import pytest

from tests.support.helpers import post_form, text
from tests.support.samples_course import MODULE
from tests.support.statements import traced
from tests.support.stimulus_samples import CASE_BANK, CASE_QUIZ


@pytest.fixture
def case_quiz(load_catalog, make_user, auth):
    load_catalog(("case.yaml", CASE_BANK), ("case-quiz.yaml", CASE_QUIZ), ("module.yaml", MODULE))
    user = make_user(roles=("candidate",), name="Ana Lima")
    auth.login_as(user)
    return user


def _start(client) -> int:
    response = post_form(client, "/exams/case-quiz/start")
    assert response.status_code == 302, text(response)
    return int(re.search(r"/attempts/(\d+)/", response.headers["Location"]).group(1))


def test_each_question_page_shows_the_case_in_a_labelled_region(client, case_quiz):
    attempt_id = _start(client)
    for position in (1, 2, 3):
        page = text(client.get(f"/exams/attempts/{attempt_id}/q/{position}"))
        region = re.search(r'<section class="item-stimulus" id="answer-stimulus"[^>]*>(.*?)</section>', page, re.S)
        assert region, page
        assert 'aria-labelledby="answer-stimulus-title"' in page
        assert '<h2 class="item-stimulus-title" id="answer-stimulus-title">The CRM roll-out</h2>' in region.group(1)
        assert "first-contact resolution fell from 72 % to 58 %" in region.group(1)
        assert "<table>" in region.group(1)  # the case's Markdown is rendered, its table included
        # The case comes before the question it is read with.
        assert page.index('class="item-stimulus"') < page.index('<fieldset class="item')


def test_the_review_after_scoring_shows_the_case_with_each_question(client, case_quiz):
    attempt_id = _start(client)
    result = post_form(client, f"/exams/attempts/{attempt_id}/submit")
    page = text(client.get(result.headers["Location"]))
    assert "Your answers, with the reasons" in page
    for position in (1, 2, 3):
        region = f'id="fb-{position}-stimulus" aria-labelledby="fb-{position}-stimulus-title">'
        assert f'<section class="item-stimulus" {region}' in page
        assert f'<h3 class="item-stimulus-title" id="fb-{position}-stimulus-title">The CRM roll-out</h3>' in page


def test_the_api_state_carries_the_case_for_every_item(api, case_quiz):
    state = api.call("POST", "/api/v1/assessments/case-quiz/attempts").get_json()
    assert len(state["items"]) == 3
    for entry in state["items"]:
        assert entry["stimulus_title"] == "The CRM roll-out"
        assert entry["stimulus_html"].startswith("<p>A sales team's first-contact resolution fell")
        assert "<table>" in entry["stimulus_html"]
    again = api.call("GET", f"/api/v1/attempts/{state['attempt_id']}").get_json()
    assert [e["stimulus_html"] for e in again["items"]] == [e["stimulus_html"] for e in state["items"]]


def test_items_without_a_case_have_no_stimulus_fields(api, candidate):
    state = api.call("POST", "/api/v1/assessments/quiz/attempts").get_json()
    assert not any("stimulus_html" in entry or "stimulus_title" in entry for entry in state["items"])


@pytest.mark.committing
def test_a_page_with_a_case_costs_no_more_statements(app, client, case_quiz):
    attempt_id = _start(client)
    url = f"/exams/attempts/{attempt_id}/q/1"
    with traced(app) as first:
        assert "The CRM roll-out" in text(client.get(url))
    with traced(app) as later:
        assert "The CRM roll-out" in text(client.get(url))
    # Within the budgets of test_page_statements.py: the case rides in the item's content, read as before.
    assert len(first.sql) <= 4 and len(later.sql) <= 3
