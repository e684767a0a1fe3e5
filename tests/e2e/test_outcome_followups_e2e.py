"""Outcome follow-ups in a real browser: the holder reports their metric, the sponsor opens the emailed link
(read from the outbox) in a browser of their own, and attests it. axe checks every page on the way."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, expect

from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD
from tests.support.outcome_flow import followup_ids, get_followup, last_token
from tests.support.outcome_flow import make_plan as make_plan  # a fixture


def test_holder_reports_and_the_sponsor_attests(
    app: Any, browser: Browser, live_server: str, make_user: Any, make_plan: Any
) -> None:
    holder = make_user(name="Amara Nwosu", email="amara@example.org")
    plan_id = make_plan(holder)
    three, _six = followup_ids(app, plan_id)

    context = browser.new_context(bypass_csp=True, base_url=live_server)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, holder.email, PASSWORD)
    page.goto("/outcomes/")
    expect(page.get_by_role("heading", level=1, name="Your outcomes")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="3 months").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("3-month follow-up")
    assert_accessible(page)
    page.get_by_label("The metric's current value").fill("seventy")
    page.get_by_label("What was implemented").fill("Knowledge-base search before any escalation, since March.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("alert")).to_contain_text("must be a number")
    assert_accessible(page)
    page.get_by_label("The metric's current value").fill("68.5")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("has been emailed a link")).to_be_visible()
    context.close()

    token = last_token(app)
    sponsor = browser.new_context(bypass_csp=True, base_url=live_server)
    sponsor.set_default_timeout(10_000)
    spage = sponsor.new_page()
    spage.goto(f"/outcomes/sponsor/{token}")
    expect(spage.get_by_role("heading", level=1, name="Confirm Amara Nwosu's result")).to_be_visible()
    assert_accessible(spage)
    expect(spage.get_by_label("The value you observe (%)")).to_have_value("68.5")
    spage.get_by_role("group", name="Agents check the knowledge base before escalating").get_by_label("4").check()
    spage.get_by_role("button", name="Send my answer").click()
    expect(spage.get_by_role("alert")).to_contain_text("Rate objective 2")
    spage.get_by_role("group", name="Agents confirm the fix with the caller").get_by_label("3").check()
    spage.get_by_role("button", name="Send my answer").click()
    expect(spage.get_by_role("heading", level=1, name="Thank you")).to_be_visible()
    assert_accessible(spage)
    sponsor.close()

    followup = get_followup(app, three)
    assert followup.response is not None and followup.response.decision == "attested"
    assert followup.response.value == 68.5 and followup.response.behaviour_ratings == {"0": 4, "1": 3}
