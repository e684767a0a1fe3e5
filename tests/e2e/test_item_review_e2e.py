"""Item review in a real browser: an assessor reviews a draft from the queue by keyboard, an admin approves it
on the item page; the queue, the review step (with its findings and its error) and the item page pass axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from certify.assessments.import_files import import_file
from certify.extensions import db
from tests.assessments.test_item_review import DRAFTS, POOL
from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD


def test_queue_and_review_step_are_accessible(app, page: Page, make_user, load_catalog) -> None:
    author = make_user(roles=("admin",), name="Ada Author")
    assessor = make_user(roles=("assessor",), name="Sam Assessor", email="sam@example.org")
    approver = make_user(roles=("admin",), name="Abe Approver", email="abe@example.org")
    load_catalog(("pool.yaml", POOL))
    with app.app_context():
        result, problems = import_file("drafts.yaml", DRAFTS.encode(), author_id=author.id)
        assert result is not None, problems
        db.session.commit()

    sign_in(page, assessor.email, PASSWORD)
    page.get_by_role("link", name="Item review").click()
    expect(page.get_by_role("table", name="3 items in review, oldest first")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="D-TWIN").click()
    expect(page.get_by_role("heading", level=1, name="Review item D-TWIN")).to_be_visible()
    expect(
        page.get_by_role("table", name="Live and pilot items whose stem is at least 0.50 alike (closest first)")
    ).to_contain_text("RA-L1")
    assert_accessible(page)

    page.get_by_label("Reviewed").check()
    page.get_by_label("Comment").fill("Checked; it repeats RA-L1 in a new setting.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("tick the box to say you have read them")
    assert_accessible(page)
    page.get_by_label("I have read the lint findings and the near-twins listed above").focus()
    page.keyboard.press("Space")
    page.get_by_label("Reviewed").check()
    page.get_by_role("button", name="Record the decision").press("Enter")
    expect(page.get_by_text("D-TWIN version 1 is now reviewed.")).to_be_visible()
    expect(page.get_by_role("table", name="Review records of every version, newest first")).to_contain_text(
        "Sam Assessor"
    )
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, approver.email, PASSWORD)
    page.goto("/admin/items/D-TWIN")
    expect(page.get_by_role("heading", level=2, name="Review")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("I have read the lint findings and the near-twins listed above").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("D-TWIN version 1 is now approved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="Item D-TWIN")).to_be_visible()
    assert_accessible(page)
