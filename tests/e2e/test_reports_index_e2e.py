"""The reports index and the assessors page in a real browser: accessible, with the calibration state both ways."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from certify.extensions import db
from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import AXE_TAGS, assert_accessible
from tests.support.exams import QUIZ
from tests.support.helpers import PASSWORD
from tests.support.irt_population import SOURCES, populate
from tests.support.samples import BANK


def test_reports_index_and_assessors_page_are_accessible(page: Page, app, runner, load_catalog, make_user) -> None:
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ), *SOURCES)
    with app.app_context():
        populate(60)
        db.session.commit()
    assert runner.invoke(args=["analysis", "calibrate", "irt"]).exit_code == 0
    admin = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    sign_in(page, admin.email, PASSWORD)
    page.goto("/admin/reports")
    expect(page.get_by_role("heading", level=1, name="Measurement reports")).to_be_visible()
    table = page.get_by_role("table", name="Assessments and the state of their reports")
    expect(table.get_by_role("row", name="IRT exam")).to_contain_text("2PL/GPCM")
    quiz = table.get_by_role("row", name="Sample quiz")
    expect(quiz).to_contain_text("Not calibrated yet: 0 first attempts scored, at least 30 needed")
    expect(page.get_by_role("link", name="Choose a grouping for IRT exam")).to_be_visible()
    assert_accessible(page)
    # The index goes further than the shared check: no axe finding at all, whatever its impact.
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)",
        AXE_TAGS,
    )
    assert found == [], found

    page.get_by_role("link", name="Learning gain").click()
    expect(page.get_by_role("heading", level=2, name="Learning gain")).to_be_visible()
    page.goto("/admin/assessors")
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()
    assert_accessible(page)
