"""What the portfolio browser tests share: the rubric's criteria, a browser per person, and form-filling steps."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from playwright.sync_api import Browser, Page, Response, expect
from sqlalchemy import select

from certify.auth.models import User
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review.presenting import reference
from certify.review.services import get_rubric
from tests.e2e.test_accounts_e2e import sign_in
from tests.support.helpers import PASSWORD

# The smallest real PDF: one blank page (evidence is rewritten without its metadata, which needs a page tree).
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Root 1 0 R /Size 4 >>\n%%EOF\n"
)
UPLOAD_NAME = "Cassandra-Quill-signoff.pdf"


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str


def rubric_criteria(app: Flask) -> list[Criterion]:
    with app.app_context():
        rubric = get_rubric()
        assert rubric is not None
        return [Criterion(c.code, c.title) for c in rubric.criteria]


def section_text(code: str) -> str:
    return f"Section {code}: average handling time was 6.8 days; the sponsor agreed a target of 4.0 days by June."


@contextmanager
def browser_of(browser: Browser, live_server: str, user: User, **options: Any) -> Iterator[Page]:
    """A separate browser context (its own cookies: another window or device) with `user` signed in.

    `options` go to the context: a viewport, `bypass_csp=False` for the real policy, no JavaScript.
    """
    context = browser.new_context(**{"bypass_csp": True, "accept_downloads": True, **options, "base_url": live_server})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in_user(page, user)
        yield page
    finally:
        context.close()


def sign_in_user(page: Page, user: User) -> None:
    sign_in(page, user.email, PASSWORD)
    expect(page.get_by_role("heading", level=1, name=f"Welcome, {user.name}")).to_be_visible()


def saved_with(marker: str) -> Callable[[Response], bool]:
    """An autosave PUT whose body holds `marker`: the save made after the last change, so none is left pending."""

    def matches(response: Response) -> bool:
        request = response.request
        return request.method == "PUT" and marker in (request.post_data or "")

    return matches


def expect_absent(page: Page, *texts: str) -> None:
    """None of `texts` on the page: neither shown nor hidden in the markup."""
    for text in texts:
        expect(page.locator("body")).not_to_contain_text(text)
        assert text not in page.content(), f"{text!r} is in the markup of {page.url}"


def the_version(app: Flask, candidate: User) -> tuple[int, str]:
    with app.app_context():
        version = db.session.scalars(
            select(PortfolioVersion)
            .join(Portfolio, Portfolio.id == PortfolioVersion.portfolio_id)
            .where(Portfolio.candidate_id == candidate.id)
        ).one()
        return version.id, reference(version)


def review_in(page: Page, criteria: list[Criterion], levels: dict[str, int], overall: str) -> None:
    """Fill the review form through its labels, wait for the autosave of the last change, submit and confirm."""
    for position, criterion in enumerate(criteria, start=1):
        group = page.get_by_role("group", name=f"{position}. {criterion.title}")
        group.get_by_role("radio", name=re.compile(rf"^{levels[criterion.code]}, ")).check()
        group.get_by_label(f"Comment on {criterion.title.lower()}").fill(
            f"Level {levels[criterion.code]} on {criterion.code}: see the evidence cited."
        )
    with page.expect_response(saved_with(overall)) as saved:
        page.get_by_label("Overall comment").fill(overall)
    assert saved.value.ok
    expect(page.get_by_role("status").filter(has_text="Draft saved at")).to_be_visible()
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Confirm your review of "))).to_be_visible()
    page.get_by_role("button", name="Confirm and submit").click()
