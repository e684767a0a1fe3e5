"""Standard setting in a real browser: a panellist rates by keyboard-friendly fields; every page passes axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_accounts_e2e import sign_in
from tests.support.angoff import load_exam, make_study, rate, scored_attempts, signed_in, version_ids
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD, post_form

HOFSTEE = {"min_cut": 50, "max_cut": 70, "min_fail": 10, "max_fail": 40}


def test_rating_and_results_pages_are_accessible(app, page: Page, make_user, load_catalog, tmp_path) -> None:
    load_exam(load_catalog)
    admin = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    panel = [make_user(roles=("assessor",), name=f"Panellist {n}") for n in range(1, 7)]
    scored_attempts(app, make_user(roles=("candidate",)), [20, 40, 55, 60, 70, 90], sc_credits=[1, 0, 1])
    study_id = make_study(app, admin, panel)
    items = version_ids(app, study_id)

    sign_in(page, panel[0].email, PASSWORD)
    page.get_by_role("link", name="Standard setting").first.click()
    page.get_by_role("link", name="Spring panel").click()
    page.get_by_label("Item 1: minimally competent candidates in 100 who answer correctly").fill("120")
    page.get_by_role("button", name="Submit round 1").click()
    expect(page.get_by_role("alert")).to_contain_text("Item 1: Enter a number from 0 to 100.")
    assert_accessible(page)
    for n in range(1, len(items) + 1):
        page.get_by_label(f"Item {n}: minimally competent candidates in 100 who answer correctly").fill("60")
    page.get_by_role("button", name="Submit round 1").click()
    expect(page.get_by_text("Round 1 submitted: all 7 items rated.")).to_be_visible()

    for user, value in zip(panel[1:], (50, 70, 60, 50, 70), strict=True):
        rate(signed_in(app, user), study_id, dict.fromkeys(items, value))
    post_form(signed_in(app, admin), f"/admin/standard-setting/{study_id}/round2")
    for user in panel:
        rate(signed_in(app, user), study_id, dict.fromkeys(items, 65), hofstee=HOFSTEE)

    page.reload()
    expect(page.get_by_text("0.67 (from 3 scored attempts)")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, admin.email, PASSWORD)
    page.goto("/admin/standard-setting")
    expect(page.get_by_role("heading", level=1, name="Standard setting")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/admin/standard-setting/{study_id}")
    expect(page.get_by_role("img", name="Hofstee check for Spring panel")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "study.png"), full_page=True)
    page.get_by_label("I confirm: adopt this cut score as a new version for new attempts").check()
    page.get_by_role("button", name="Adopt the cut score").click()
    expect(page.get_by_text("Cut-score version 2 (65 %) adopted for new attempts")).to_be_visible()
    assert_accessible(page)
