"""Taking an exam in a real browser: keyboard only, autosave, a reload, submit, result; all accessible."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.exams import QUIZ
from tests.support.helpers import PASSWORD
from tests.support.samples import BANK


def start_exam(page: Page, title: str) -> None:
    """From the exams page: open the exam's instructions, then start it explicitly."""
    page.get_by_role("link", name=f"Start the exam: {title}").click()
    expect(page.get_by_role("heading", level=1, name=f"Before you start: {title}")).to_be_visible()
    page.get_by_role("button", name="Start the exam now").click()


def _radio_question(page: Page, attempt_url: str) -> int:
    """Go to the first question answered with radio buttons; returns its position."""
    for position in range(1, 8):
        page.goto(f"{attempt_url}/q/{position}")
        if page.locator('input[type="radio"][name="answer"]').count():
            return position
    raise AssertionError("no radio question")


def test_candidate_takes_an_exam_by_keyboard_with_autosave_and_a_reload(page: Page, make_user, load_catalog) -> None:
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ))
    user = make_user(name="Ana Lima")
    sign_in(page, user.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Exams").click()
    assert_accessible(page)
    start_exam(page, "Sample quiz")
    expect(page.get_by_text(re.compile(r"Sample quiz: question 1 of 7"))).to_be_visible()
    expect(page.get_by_text("Time left:")).to_be_visible()
    assert_accessible(page)
    attempt_url = re.search(r"(.*/exams/attempts/\d+)/q/\d+", page.url).group(1)

    position = _radio_question(page, attempt_url)
    first = page.locator('input[type="radio"][name="answer"]').first
    first.focus()
    page.keyboard.press("Space")  # choose an option with the keyboard
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    chosen = first.get_attribute("value")

    page.reload()  # the answer is still there, and the page says it was saved
    expect(page.locator(f'input[type="radio"][value="{chosen}"]')).to_be_checked()
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    assert_accessible(page)

    page.get_by_label("Flag this question to review before submitting").press("Space")
    page.get_by_role("button", name="Save and see all questions").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=re.compile("all questions"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(rf"^{position} answered, flagged"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_text(re.compile(r"6 questions not answered"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit my answers").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=re.compile("Sample quiz: (passed|not passed)"))).to_be_visible()
    expect(page.get_by_role("table", name="Score by competency")).to_be_visible()
    expect(page.get_by_role("img", name="Score by competency")).to_be_visible()
    expect(page.get_by_role("heading", name="Your answers, with the reasons")).to_be_visible()
    assert_accessible(page)


def test_the_timer_counts_down_and_has_a_live_region(page: Page, make_user, load_catalog) -> None:
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ))
    user = make_user()
    sign_in(page, user.email, PASSWORD)
    page.goto("/exams/")
    start_exam(page, "Sample quiz")
    before = page.locator("#timer-value").inner_text()
    page.wait_for_timeout(2100)
    assert page.locator("#timer-value").inner_text() != before
    expect(page.locator("#timer-announce")).to_have_attribute("aria-live", "polite")
