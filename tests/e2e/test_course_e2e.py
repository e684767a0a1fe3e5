"""The course in a real browser: lessons, completion and a knowledge check, all accessible."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD
from tests.support.samples_course import MODULE


def test_candidate_completes_a_module_with_the_keyboard_and_mouse(page: Page, make_user, load_catalog) -> None:
    load_catalog(("module.yaml", MODULE))
    user = make_user(name="Ana Lima")
    sign_in(page, user.email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Course").click()
    expect(page.get_by_role("heading", level=1, name="The MID course")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Module 1: Outcomes, not outputs").click()
    assert_accessible(page)
    page.get_by_role("link", name="Why outcomes").click()
    expect(page.get_by_role("heading", level=1, name="Why outcomes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as complete and continue").click()
    expect(page.get_by_role("heading", level=1, name="Key performance metrics")).to_be_visible()
    page.get_by_role("button", name="Mark as complete and continue").click()
    expect(page.get_by_role("heading", level=1, name="Knowledge check: Outcomes, not outputs")).to_be_visible()
    assert_accessible(page)

    # Submitting with an error keeps the page accessible and explains the problem.
    page.get_by_role("group", name="Question 1").get_by_label("Fewer patient complaints").check()
    page.get_by_role("group", name="Question 2").get_by_label("False").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("heading", level=1, name="Your knowledge check: 100 %")).to_be_visible()
    expect(page.get_by_text("Module 1 is complete.")).to_be_visible()
    assert_accessible(page)
    page.goto("/course/")
    expect(page.get_by_text("Course complete")).to_be_visible()
