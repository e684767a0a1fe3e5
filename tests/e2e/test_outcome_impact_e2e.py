"""The programme impact report and the success cases page in Chromium: accessible, charts named, forms usable."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from certify.database import utcnow
from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD
from tests.support.outcome_report import impact_world  # noqa: F401 - the hand-worked population fixture


def test_impact_report_and_success_cases_are_accessible(page: Page, impact_world, make_user) -> None:  # noqa: F811
    admin = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    sign_in(page, admin.email, PASSWORD)
    page.goto("/admin/outcomes/")
    expect(page.get_by_role("heading", level=1, name="Programme impact")).to_be_visible()
    expect(page.get_by_text("1 non-respondent", exact=False).first).to_be_visible()
    charts = ("Plans by follow-up status", "Level-3 ratings per objective", "Barriers from the success case interviews")
    for name in charts:
        expect(page.get_by_role("img", name=name)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Cohort", exact=True).select_option(label="Acme")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("3 holders with an outcome plan", exact=False)).to_be_visible()
    assert_accessible(page)

    page.goto("/admin/outcomes/?from=2025-05-01&to=2025-04-01")
    expect(page.get_by_role("alert")).to_contain_text("is after")
    assert_accessible(page)

    page.goto("/admin/outcomes/cases")
    expect(page.get_by_role("heading", level=1, name="Success cases")).to_be_visible()
    assert_accessible(page)
    ben = page.get_by_role("region", name="Success case: Ben")
    ben.get_by_label("Interviewed on").fill(utcnow().date().isoformat())
    ben.get_by_label("Enablers (what helped)").fill("Job aid at the packing bench, team-lead coaching")
    ben.get_by_role("button", name="Save findings").click()
    expect(page.get_by_text("Findings of the interview", exact=False)).to_be_visible()
    assert_accessible(page)

    ben = page.get_by_role("region", name="Success case: Ben")
    ben.get_by_label("Interviewed on").fill("")
    ben.get_by_role("button", name="Save findings").click()
    expect(page.get_by_role("alert")).to_contain_text("give the date of the interview")
    assert_accessible(page)
