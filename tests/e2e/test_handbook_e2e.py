"""The candidate handbook in a real browser: reachable from every page's footer, accessible, and printable."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.exams import EXAM
from tests.support.samples import BANK


def test_the_handbook_is_found_from_the_footer_reads_well_and_prints_without_navigation(page: Page, load_catalog):
    load_catalog(("sample.yaml", BANK), ("exam.yaml", EXAM))
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Candidate handbook").click()
    expect(page.get_by_role("heading", level=1, name="Candidate handbook")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Sample certification exam")).to_be_visible()
    for section in ("Eligibility", "What the exam covers", "The pass mark and how it was set", "Retakes", "Appeals"):
        expect(page.get_by_role("heading", level=3, name=section)).to_be_visible()
    expect(page.get_by_role("table", name="Exam content outline")).to_be_visible()
    assert_accessible(page)

    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".site-footer").is_visible()
    expect(page.get_by_role("table", name="Exam content outline")).to_be_visible()
