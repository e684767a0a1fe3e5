"""The outcome dashboards and cohort pages in a real browser: accessible, keyboard-usable filters, charts named."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD
from tests.support.outcomes import population  # noqa: F401 - the hand-worked population fixture


def test_outcome_and_cohort_pages_are_accessible(page: Page, population, make_user) -> None:  # noqa: F811
    admin = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    sign_in(page, admin.email, PASSWORD)
    page.goto("/admin/reports/outcomes")
    expect(page.get_by_role("heading", level=1, name="Outcomes")).to_be_visible()
    for name in ("Certification funnel", "Competency mastery", "Learning gain per competency"):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Cohort").select_option(label="Acme (2)")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("2 candidates in Acme.")).to_be_visible()
    assert_accessible(page)

    page.goto("/admin/reports/outcomes?from=2024-05-01&to=2024-04-01")
    expect(page.get_by_role("alert")).to_contain_text("is after")
    assert_accessible(page)

    page.get_by_role("link", name="Cohorts", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Cohorts")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Acme", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Cohort: Acme")).to_be_visible()
    assert_accessible(page)
