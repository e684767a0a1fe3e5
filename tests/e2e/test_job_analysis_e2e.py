"""Job-task analysis in a real browser: a rater rates by keyboard; the rating and results pages pass axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_accounts_e2e import sign_in
from tests.support.angoff import load_exam, signed_in
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD
from tests.support.job_analysis import close, make_study, rate

TASKS = [("RA", "Agree the business measure with the sponsor."), ("RA", "Find the baseline."), ("RA", "Report.")]


def test_rating_and_results_pages_are_accessible(app, page: Page, make_user, load_catalog) -> None:
    load_exam(load_catalog)
    admin = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    raters = [make_user(roles=("assessor",), name=f"Rater {n}") for n in range(1, 4)]
    study_id, tasks = make_study(app, admin, raters, TASKS)

    sign_in(page, raters[0].email, PASSWORD)
    page.get_by_role("link", name="Job-task analysis").first.click()
    page.get_by_role("link", name="Practitioner panel").click()
    expect(page.get_by_role("table", name="RA: Results alignment (3 tasks)")).to_be_visible()
    page.get_by_role("button", name="Submit my ratings").click()
    expect(page.get_by_role("alert")).to_contain_text("Rate every task before submitting.")
    assert_accessible(page)
    for n in range(1, 4):
        for scale, value in (("Importance", "4"), ("Frequency", "3"), ("Criticality", "5")):
            select = page.get_by_label(f"{scale} of task {n}")
            select.focus()
            select.select_option(value)  # a native select: keyboard operable
    page.get_by_role("button", name="Submit my ratings").click()
    expect(page.get_by_text("Ratings submitted: all 3 tasks rated.")).to_be_visible()
    assert_accessible(page)

    for person, values in zip(raters[1:], ((5, 4, 4), (3, 2, 3)), strict=True):
        rate(signed_in(app, person), study_id, dict.fromkeys(tasks, values))
    close(app, admin, study_id)

    page.context.clear_cookies()
    sign_in(page, admin.email, PASSWORD)
    page.goto("/admin/job-analysis")
    expect(page.get_by_role("heading", level=1, name="Job-task analysis")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/admin/job-analysis/{study_id}")
    assert_accessible(page)
    page.goto(f"/admin/job-analysis/{study_id}/results")
    expect(
        page.get_by_role(
            "table", name="Current and proposed blueprint by competency and cognitive level, with the live pool"
        )
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Rationale").fill("The panel's weights.")
    page.get_by_label("I confirm: adopt this blueprint as a new version for new attempts").check()
    page.get_by_role("button", name="Adopt the blueprint").click()
    expect(page.get_by_text("Blueprint version 2 adopted for new attempts")).to_be_visible()
    assert_accessible(page)
