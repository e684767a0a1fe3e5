"""Accounts in a real browser: registering, signing in and out, errors and keyboard use."""

from __future__ import annotations

import re

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from certify.auth.models import User
from certify.extensions import db
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD

NEW_PASSWORD = "Quiet-Harbour-Lamp-91"


def fill_registration(page: Page, *, name: str, email: str, password: str, confirm: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(confirm)


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def expect_welcome(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", level=1, name=f"Welcome, {name}")).to_be_visible()
    expect(page).to_have_title("Home · Certify")


def test_register_new_candidate(page: Page, app: Flask) -> None:
    page.goto("/auth/register")
    expect(page.get_by_role("heading", level=1, name="Create a candidate account")).to_be_visible()
    assert_accessible(page)

    fill_registration(page, name="Grace Hopper", email="Grace@Example.org", password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()

    # The same answer as for an address that already has an account: the mail tells which.
    expect(page).to_have_title("Sign in · Certify")
    expect(page.get_by_role("status")).to_contain_text("We have sent a message to grace@example.org")
    assert_accessible(page)
    sign_in(page, "grace@example.org", NEW_PASSWORD)
    expect_welcome(page, "Grace Hopper")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "grace@example.org")).one()
        assert user.roles == {"candidate"}


def test_register_errors_are_shown_accessibly(page: Page) -> None:
    page.goto("/auth/register")
    fill_registration(
        page, name="Alan Turing", email="alan@example.org", password=NEW_PASSWORD, confirm="Quiet-Harbour-Lamp-92"
    )
    page.get_by_role("button", name="Create account").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Repeat the password: The passwords do not match.")).to_be_visible()
    confirm = page.get_by_label("Repeat the password")
    expect(confirm).to_have_attribute("aria-invalid", "true")
    expect(confirm).to_have_accessible_description("Error: The passwords do not match.")
    expect(page.get_by_label("Full name")).to_have_value("Alan Turing")
    assert_accessible(page)

    # The summary link takes the person to the field to correct.
    summary.get_by_role("link", name="Repeat the password: The passwords do not match.").click()
    expect(page).to_have_url(re.compile(r"/auth/register#confirm$"))
    expect(confirm).to_be_focused()

    # Password fields are not echoed back: type both again, and the account is created.
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    confirm.fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("We have sent a message to alan@example.org")


def test_sign_in_and_sign_out(page: Page, make_user) -> None:
    user = make_user(name="Ada Lovelace", email="ada@example.org")
    page.goto("/auth/login")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert_accessible(page)

    sign_in(page, user.email, PASSWORD)
    expect_welcome(page, "Ada Lovelace")
    expect(page.get_by_role("status")).to_contain_text("Welcome, Ada Lovelace.")
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)

    # Signed out for real: the home page no longer knows the person.
    page.goto("/")
    expect(
        page.get_by_role("heading", level=1, name="The Measurable Instructional Design certification")
    ).to_be_visible()


def test_wrong_password_is_refused(page: Page, make_user) -> None:
    user = make_user()
    sign_in(page, user.email, "Not-The-Right-Password-7")

    expect(page.get_by_role("alert")).to_contain_text("The email address or password is not correct.")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value(user.email)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)


def test_sign_in_with_the_keyboard_only(page: Page, make_user) -> None:
    user = make_user(name="Katherine Johnson")
    page.goto("/auth/login")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # visible once focused, not just present

    # Following the skip link moves focus to the main content; the next Tab reaches the first field.
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect_welcome(page, "Katherine Johnson")
