"""Verification in a real browser, for the people it is for: an anonymous visitor finds it from the home page,
reads the issuer page as HTML, sees a revoked certificate as a warning (colour, icon and words) and reads a
consented, sponsor-attested outcome in its own labelled section."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from certify.database import utcnow
from tests.support.attested import SPONSOR_NAME, add_followup, add_plan
from tests.support.axe import assert_accessible
from tests.support.certificates import change, issue_now
from tests.support.certification import Certification

REASON = "The exam attempt was taken by someone else."


def test_anonymous_visitor_finds_verification_and_the_issuer_page(page: Page, certification: Certification) -> None:
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Verify a certificate")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Verify a certificate")).to_be_visible()
    assert_accessible(page)

    nav.get_by_role("link", name="Verify a certificate").click()
    expect(page.get_by_role("heading", level=1, name="Check a credential")).to_be_visible()
    assert_accessible(page)

    page.goto("/")
    page.get_by_role("link", name="issuer page").click()
    expect(page.get_by_role("heading", level=1, name="Certify: the MID Certification Body")).to_be_visible()
    expect(page.get_by_text("Public key (Ed25519, multibase)")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="How to verify a certificate we issued")).to_be_visible()
    assert_accessible(page)


def test_revoked_certificate_is_a_warning_not_a_notice(page: Page, certification: Certification) -> None:
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate, certification.admin)

    page.goto(f"/verify/{issued.code}")
    valid = page.get_by_role("status").filter(has_text="Valid.")
    valid_background = valid.evaluate("el => getComputedStyle(el).backgroundColor")

    change(world.app, issued.serial, status="revoked", status_reason=REASON, status_changed_at=utcnow())
    page.reload()

    warning = page.get_by_role("status").filter(has_text="Revoked.")
    expect(warning).to_contain_text("Warning: Revoked.")
    expect(warning).to_contain_text(f"Reason: {REASON}")
    expect(warning).to_contain_text("Do not rely on it as proof of current certification.")
    expect(warning.locator(".notice-icon")).to_have_text("⚠")
    expect(warning.locator(".notice-icon")).to_have_attribute("aria-hidden", "true")
    assert warning.evaluate("el => getComputedStyle(el).backgroundColor") != valid_background
    assert warning.evaluate("el => getComputedStyle(el).borderLeftColor") == "rgb(164, 38, 44)"  # --bad
    assert_accessible(page)


def test_a_consented_attested_outcome_is_a_labelled_accessible_section(
    page: Page, certification: Certification
) -> None:
    world = certification.world
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate, certification.admin)
    plan = add_plan(world.app, issued.id, issued.holder_id)
    add_followup(world.app, plan, 3, holder_value=73, decision="attested", value=74)

    page.goto(f"/verify/{issued.code}")

    section = page.get_by_role("region", name="Attested outcome")
    expect(section.get_by_role("heading", level=2, name="Attested outcome")).to_be_visible()
    expect(section).to_contain_text("Sponsor-attested: first-contact resolution 61 % → 74 % (target 72 %) by June 2027")
    expect(section.get_by_text("Attested value")).to_be_visible()
    expect(page.get_by_text(SPONSOR_NAME)).to_have_count(0)
    assert_accessible(page)
