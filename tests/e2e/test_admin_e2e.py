"""Administration in a real browser: every page accessible, roles changed with the keyboard-friendly form."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD


@pytest.fixture
def signed_in_admin(page: Page, make_user):
    admin = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    sign_in(page, admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Welcome, Dana Okafor")).to_be_visible()
    return admin


def test_admin_pages_are_accessible(page: Page, signed_in_admin, make_user) -> None:
    person = make_user(roles=("candidate",), name="Priya Natarajan")
    for path, heading in [
        ("/admin/", "Administration"),
        ("/admin/users", "People"),
        ("/admin/users/new", "Create an account"),
        (f"/admin/users/{person.id}", "Priya Natarajan"),
        ("/admin/outbox", "Outgoing mail"),
        ("/admin/audit", "Audit log"),
        ("/auth/account", "Your account"),
        ("/auth/password", "Change your password"),
        ("/no-such-page", "Page not found"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(page)


def test_admin_grants_a_role(page: Page, signed_in_admin, make_user) -> None:
    person = make_user(roles=("candidate",), name="Priya Natarajan")
    page.goto("/admin/users")
    page.get_by_label("Name or email contains").fill("priya")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Priya Natarajan").click()
    page.get_by_role("checkbox", name="Assessor", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Assessor", exact=True)).to_be_checked()
    assert_accessible(page)
    page.goto("/admin/audit")
    expect(page.get_by_role("cell", name="user.updated")).to_be_visible()
    assert person.email


def test_forgotten_password_pages_are_accessible(page: Page) -> None:
    page.goto("/auth/forgot")
    assert_accessible(page)
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a valid email address")
    assert_accessible(page)
    page.goto("/auth/reset/not-a-token")
    expect(page.get_by_role("heading", level=1, name="This link cannot be used")).to_be_visible()
    assert_accessible(page)


def test_bank_pages_are_accessible_and_upload_reports_problems(page: Page, signed_in_admin, load_catalog, tmp_path):
    from tests.support.samples import BANK

    load_catalog(("sample.yaml", BANK))
    for path, heading in [
        ("/admin/items", "Items"),
        ("/admin/items/S-MA", "Item S-MA"),
        ("/admin/banks", "Question banks"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(page)
    broken = tmp_path / "broken.yaml"
    broken.write_text(BANK.replace("    key: a\n", "    key: z\n", 1))
    page.get_by_label("Bank file").set_input_files(str(broken))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("alert")).to_contain_text("This file cannot be imported")
    expect(page.get_by_role("alert")).to_contain_text("broken.yaml:14")
    assert_accessible(page)
