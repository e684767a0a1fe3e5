"""In a real browser: the exams page and instructions (with axe), and "Save and next" clicked right after answering."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from certify.course.models import CourseCompletion
from certify.extensions import db
from tests.e2e.test_accounts_e2e import sign_in
from tests.e2e.test_exam_e2e import start_exam
from tests.support.axe import assert_accessible
from tests.support.exams import EXAM, QUIZ
from tests.support.helpers import PASSWORD
from tests.support.samples import BANK

ITEM_TYPES = {"single_choice", "multiple_response", "true_false", "matching", "ordering", "short_answer", "numeric"}


def _answer(page: Page) -> tuple[str, Any]:
    """Answer the question on the page through its controls; returns (type, the answer in shown ids)."""
    kind = page.locator("#runner").get_attribute("data-type") or ""
    form = page.locator("#answer-form")
    if kind in ("single_choice", "true_false"):
        choice = form.locator('input[type="radio"][name="answer"]').last
        choice.check()
        return kind, choice.get_attribute("value")
    if kind == "multiple_response":
        boxes = form.locator('input[type="checkbox"][name="answer"]')
        chosen = [boxes.nth(0), boxes.nth(2)]
        for box in chosen:
            box.check()
        return kind, sorted(box.get_attribute("value") or "" for box in chosen)
    selects = form.locator('select[name^="answer-"]')
    if kind == "matching":
        pairs = {}
        for n in range(selects.count()):
            select = selects.nth(n)
            response = select.locator("option").nth(n + 1).get_attribute("value") or ""
            select.select_option(response)
            pairs[(select.get_attribute("name") or "")[len("answer-") :]] = response
        return kind, pairs
    if kind == "ordering":
        count = selects.count()
        steps = []
        for n in range(count):  # the reverse of the order shown
            select = selects.nth(n)
            select.select_option(str(count - n))
            steps.append((count - n, (select.get_attribute("name") or "")[len("answer-") :]))
        return kind, [step for _, step in sorted(steps)]
    box = form.locator('input[name="answer"]')
    box.fill("42" if kind == "numeric" else "performance gap")
    return kind, "42" if kind == "numeric" else "performance gap"


def _same(kind: str, stored: Any, expected: Any) -> bool:
    if kind == "multiple_response":
        return sorted(stored or []) == expected
    if kind == "numeric":
        return stored is not None and float(stored) == float(expected)
    return bool(stored == expected)


def test_save_and_next_clicked_300_ms_after_answering_moves_on_and_keeps_the_answer_on_every_item_type(
    page: Page, make_user, load_catalog
) -> None:
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ))
    user = make_user(name="Ana Lima")
    sign_in(page, user.email, PASSWORD)
    page.goto("/exams/")
    start_exam(page, "Sample quiz")
    attempt_url = re.search(r"(.*/exams/attempts/(\d+))/q/1", page.url)
    assert attempt_url is not None
    expected: dict[int, tuple[str, Any]] = {}
    for position in range(1, 8):
        expect(page.get_by_text(f"Sample quiz: question {position} of 7")).to_be_visible()
        assert_accessible(page)  # every item type's question page, checked before the timed answer-and-click
        expected[position] = _answer(page)
        page.wait_for_timeout(300)
        name = "Save and next" if position < 7 else "Save and review your answers"
        page.get_by_role("button", name=name).click()
        if position < 7:
            expect(page).to_have_url(re.compile(rf"/q/{position + 1}$"))
        else:
            expect(page.get_by_role("heading", level=1, name="Submit your answers")).to_be_visible()
        expect(page.get_by_text("A newer answer to this question was saved")).to_have_count(0)
    assert {kind for kind, _ in expected.values()} == ITEM_TYPES
    state = page.request.get(f"/api/v1/attempts/{attempt_url.group(2)}").json()
    stored = {item["position"]: item["answer"] for item in state["items"]}
    for position, (kind, answer) in expected.items():
        assert _same(kind, stored[position], answer), (kind, stored[position], answer)
    expect(page.get_by_text("You have answered every question.")).to_be_visible()


def test_the_exams_page_and_the_instructions_are_clear_and_accessible(page: Page, app, make_user, load_catalog) -> None:
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ), ("exam.yaml", EXAM))
    user = make_user(name="Ana Lima")
    with app.app_context():
        db.session.add(CourseCompletion(user_id=user.id))
        db.session.commit()
    sign_in(page, user.email, PASSWORD)
    page.goto("/exams/")
    expect(page.get_by_text("Every exam is timed by the server")).to_be_visible()
    expect(
        page.get_by_role("table", name="Blueprint of the Sample certification exam: questions per competency")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Blueprint of the Sample quiz: questions per competency")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Start the exam: Sample certification exam").click()
    expect(page.get_by_role("heading", level=1, name="Before you start: Sample certification exam")).to_be_visible()
    for heading in ("Time", "Attempts", "What the exam covers", "Rules", "Accommodations", "When the time runs out"):
        expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()
    expect(page.get_by_text("This will be attempt 1 of 2.", exact=False)).to_be_visible()
    assert_accessible(page)
    page.keyboard.press("Tab")  # the start is an ordinary button, reachable by keyboard
    page.get_by_role("button", name="Start the exam now").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Sample certification exam: question 1 of 2")).to_be_visible()

    page.goto("/exams/")  # the attempt is open: continuing skips the instructions
    page.get_by_role("button", name="Continue your attempt").click()
    expect(page.get_by_text("Sample certification exam: question 1 of 2")).to_be_visible()
