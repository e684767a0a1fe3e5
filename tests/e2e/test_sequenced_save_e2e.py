"""The shared save client (sequenced_save.js) in a real browser: when the network fails, a save is retried
with backoff, each try with a newer sequence number, until the answer or draft is stored and the page says so."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask
from playwright.sync_api import APIResponse, Page, Route, expect

from certify.extensions import db
from certify.portfolios.models import Portfolio
from tests.e2e.test_accounts_e2e import sign_in
from tests.e2e.test_exam_e2e import start_exam
from tests.e2e.test_exam_start_e2e import _answer, _same
from tests.support.exams import QUIZ
from tests.support.helpers import PASSWORD
from tests.support.portfolio_pages import section_text, sign_in_user
from tests.support.portfolios import World
from tests.support.samples import BANK


def fail_twice(page: Page, pattern: str, *, first_reaches_server: bool = False) -> list[dict[str, Any]]:
    """Make the first two saves to `pattern` fail (no connection, then a 503); returns the bodies sent.

    With `first_reaches_server`, the first save is stored but its reply is lost on the way back.
    """
    sent: list[dict[str, Any]] = []

    def handle(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        if len(sent) == 1:
            if first_reaches_server:
                route.fetch()
            route.abort("connectionfailed")
        elif len(sent) == 2:
            route.fulfill(status=503, json={"error": "unavailable", "message": "Try again."})
        else:
            route.continue_()

    page.route(pattern, handle)
    return sent


def test_the_runner_retries_a_failed_save_until_the_answer_is_stored(page: Page, make_user, load_catalog) -> None:
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ))
    user = make_user(name="Ana Lima")
    sign_in(page, user.email, PASSWORD)
    # The failures are in place before the runner page loads, so its first save cannot slip past them.
    sent = fail_twice(page, "**/api/v1/attempts/*/responses/1")
    page.goto("/exams/")
    start_exam(page, "Sample quiz")
    found = re.search(r"/exams/attempts/(\d+)/q/1$", page.url)
    assert found is not None

    kind, answer = _answer(page)
    expect(page.locator("#save-status")).to_contain_text("Retrying in 2 s", timeout=10_000)
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)

    # Two failures, then success. Answering a multiple-response item takes two clicks, and the first click's
    # save may go out before the second: each later try sends the newest answer, so the last one is complete.
    assert len(sent) >= 3 and _same(kind, sent[-1]["answer"], answer), sent
    seqs = [body["seq"] for body in sent]
    assert seqs == sorted(set(seqs)), seqs  # every try a newer save
    stored = next(
        i for i in page.request.get(f"/api/v1/attempts/{found.group(1)}").json()["items"] if i["position"] == 1
    )
    assert _same(kind, stored["answer"], answer) and stored["seq"] == seqs[-1]
    assert page.locator("#seq").input_value() == str(seqs[-1] + 1)  # the form's own post would come next


def test_the_portfolio_editor_retries_a_save_whose_reply_was_lost_without_a_false_conflict(
    page: Page, app: Flask, world: World
) -> None:
    sign_in_user(page, world.candidate)
    page.goto("/portfolio/")
    sent = fail_twice(page, "**/portfolio/draft", first_reaches_server=True)
    code = world.codes[0]

    page.locator(f"#section-{code}").fill(section_text(code))
    status = page.get_by_role("status").filter(has_text=re.compile("Retrying|Draft saved"))
    expect(status).to_contain_text("Not saved yet: no connection. Retrying", timeout=10_000)
    expect(status).to_contain_text("Draft saved at", timeout=10_000)

    assert len(sent) == 3 and all(body["sections"][code] == section_text(code) for body in sent)
    seqs = [body["seq"] for body in sent]
    assert seqs == sorted(set(seqs)), seqs
    expect(page.get_by_text("copy it before reloading")).to_have_count(0)
    with app.app_context():
        portfolio = db.session.query(Portfolio).filter_by(candidate_id=world.candidate.id).one()
        assert portfolio.draft_sections[code] == section_text(code) and portfolio.draft_seq == seqs[-1]


def test_save_draft_clicked_while_an_autosave_is_on_its_way_waits_for_it_and_wins(
    page: Page, app: Flask, world: World
) -> None:
    sign_in_user(page, world.candidate)
    page.goto("/portfolio/")
    held: list[tuple[Route, APIResponse]] = []

    def hold(route: Route) -> None:  # the autosave reaches the server; its reply is kept back
        held.append((route, route.fetch()))

    page.route("**/portfolio/draft", hold)
    code = world.codes[0]
    page.locator(f"#section-{code}").fill(section_text(code))
    expect(page.get_by_role("status").filter(has_text="Saving…")).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    assert len(held) == 1
    route, reply = held[0]
    route.fulfill(response=reply)  # only now can the post go: it carries the next seq

    expect(page.get_by_role("status").filter(has_text="Draft saved.")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    with app.app_context():
        portfolio = db.session.query(Portfolio).filter_by(candidate_id=world.candidate.id).one()
        assert portfolio.draft_sections[code] == section_text(code)
        assert portfolio.draft_seq == json.loads(route.request.post_data or "{}")["seq"] + 1
