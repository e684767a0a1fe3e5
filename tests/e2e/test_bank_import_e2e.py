"""An admin migrating from Moodle, in a real browser: the GIFT download (a .txt) is uploaded, the preview says
what will happen to each question, a category with no competency is given one, and the import is confirmed;
the upload page, the preview and the result pass axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD
from tests.support.moodle_gift import MOODLE_GIFT

HELP_DESK = "$course$/top/Default for MID cohort 4/Help desk metrics"


def test_a_moodle_gift_download_is_previewed_mapped_and_imported(page: Page, make_user, load_catalog, tmp_path):
    admin = make_user(roles=("admin",), name="Ida Importer")
    load_catalog()
    export = tmp_path / "MID cohort 4-20261207-1012.txt"
    export.write_bytes(MOODLE_GIFT.encode())

    sign_in(page, admin.email, PASSWORD)
    page.goto("/admin/banks")
    expect(page.get_by_role("heading", level=2, name="Import a bank file")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Bank file").set_input_files(str(export))
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview: import of")
    expect(page.get_by_text("Read as GIFT")).to_be_visible()
    table = page.get_by_role("table", name="What the import will do, item by item")
    expect(table).to_contain_text("skipped")
    expect(table).to_contain_text("not a question")
    assert_accessible(page)

    page.get_by_label(HELP_DESK, exact=False).select_option("PA")
    page.get_by_role("button", name="Update the preview").click()
    expect(page.get_by_label(HELP_DESK, exact=False)).to_have_value("PA")
    importing = page.get_by_role("button", name="Import", exact=False).filter(has_text="item")
    importing.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Imported")
    expect(page.locator(".notice-success")).to_contain_text("added")
    assert_accessible(page)
    page.get_by_role("link", name="See the bank's items").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
