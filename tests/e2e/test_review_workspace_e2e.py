"""The review workspace in a real browser: reading reserves nothing, the first change takes the lock (under the
site's strict CSP), the portfolio and the form sit side by side on a wide screen, messages name criteria by title,
and a submission is confirmed first, with or without JavaScript."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import Any

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from certify.auth.models import User
from certify.extensions import db
from certify.review.models import Allocation
from tests.support.axe import assert_accessible
from tests.support.portfolio_pages import Criterion, browser_of, rubric_criteria, saved_with, the_version
from tests.support.portfolios import World

WIDE = {"width": 1400, "height": 900}


def window_of(browser: Browser, live_server: str, user: User, **options: Any) -> AbstractContextManager[Page]:
    """A wide window of its own for `user`, under the real content security policy unless told otherwise."""
    return browser_of(browser, live_server, user, **{"viewport": WIDE, "bypass_csp": False, **options})


def lock_of(app: Flask, allocation_id: int) -> str | None:
    with app.app_context():
        return db.session.get(Allocation, allocation_id).lock_token


def choose(page: Page, position: int, criterion: Criterion, level: int) -> None:
    page.get_by_role("group", name=f"{position}. {criterion.title}").get_by_role(
        "radio", name=re.compile(rf"^{level}, ")
    ).check()


def test_reading_reserves_nothing_the_first_change_locks_and_submitting_is_confirmed(
    browser: Browser, live_server: str, app: Flask, world: World
) -> None:
    criteria = rubric_criteria(app)
    version_id = world.submit()
    _, ref = the_version(app, world.candidate)
    first = next(a for a in world.allocations(version_id) if a.assessor_id == world.assessors[0].id)
    address = f"/review/allocations/{first.id}"

    with (
        window_of(browser, live_server, world.assessors[0], bypass_csp=True) as reading,
        window_of(browser, live_server, world.assessors[0]) as editing,
    ):
        # 1. Opening the review, in two windows, reserves it for neither.
        reading.goto(address)
        expect(reading.get_by_role("heading", level=1, name=f"Review {ref}")).to_be_visible()
        expect(reading.get_by_role("button", name="Start reviewing")).to_be_visible()
        assert lock_of(app, first.id) is None

        # 2. On a wide screen the portfolio and the scoring form sit side by side.
        portfolio = reading.get_by_role("region", name="The portfolio").bounding_box()
        form = reading.get_by_role("group", name=f"1. {criteria[0].title}").bounding_box()
        assert portfolio and form
        assert portfolio["x"] + portfolio["width"] <= form["x"], (portfolio, form)
        assert form["y"] < portfolio["y"] + portfolio["height"] and portfolio["y"] < form["y"] + form["height"]
        assert_accessible(reading)

        # 3. The first change, in a window under the site's own strict CSP, takes the lock.
        violations: list[str] = []
        editing.on(
            "console", lambda message: violations.append(message.text) if "Content Security" in message.text else None
        )
        editing.goto(address)
        expect(editing.get_by_role("button", name="Start reviewing")).to_be_visible()
        assert lock_of(app, first.id) is None
        with editing.expect_response(lambda r: r.request.method == "PUT" and r.ok):
            choose(editing, 1, criteria[0], 3)
        expect(editing.get_by_role("button", name="Start reviewing")).to_be_hidden()
        expect(editing).to_have_url(re.compile(r"[?&]lock="))
        token = lock_of(app, first.id)
        assert token and token in editing.url and not violations

        # The reading window now finds the review held elsewhere, and can take it over.
        reading.reload()
        expect(reading.get_by_text("This review is open in another window")).to_be_visible()
        assert_accessible(reading)
        reading.get_by_role("button", name="Edit here instead").click()
        expect(reading.get_by_role("status").filter(has_text="This window now holds the review")).to_be_visible()

        # 4. Submitting with a criterion missing names it by title.
        for position, criterion in enumerate(criteria[:-1], start=1):
            choose(reading, position, criterion, 3)
        with reading.expect_response(saved_with("final check")):
            reading.get_by_label("Overall comment").fill("Sound throughout; final check done.")
        reading.get_by_role("button", name="Submit review").click()
        expect(reading.get_by_role("alert")).to_contain_text(f"missing: {criteria[-1].title})")
        assert_accessible(reading)

        # 5. A complete review is shown back for confirmation; nothing is recorded until it is confirmed.
        choose(reading, len(criteria), criteria[-1], 4)
        reading.get_by_role("button", name="Submit review").click()
        expect(reading.get_by_role("heading", level=1, name=f"Confirm your review of {ref}")).to_be_visible()
        levels = reading.get_by_role("table", name="The levels you are about to submit")
        expect(levels.get_by_role("rowheader")).to_have_text([c.title for c in criteria])
        assert_accessible(reading)
        with app.app_context():
            assert db.session.get(Allocation, first.id).status == "allocated"
        reading.get_by_role("button", name="Confirm and submit").click()
        expect(reading.get_by_role("status").filter(has_text=f"Your review of {ref} was submitted.")).to_be_visible()


def test_without_javascript_start_reviewing_takes_the_lock_and_submitting_is_confirmed(
    browser: Browser, live_server: str, app: Flask, world: World
) -> None:
    criteria = rubric_criteria(app)
    version_id = world.submit()
    _, ref = the_version(app, world.candidate)
    second = next(a for a in world.allocations(version_id) if a.assessor_id == world.assessors[1].id)
    with window_of(browser, live_server, world.assessors[1], java_script_enabled=False) as page:
        page.goto(f"/review/allocations/{second.id}")
        assert lock_of(app, second.id) is None
        page.get_by_role("button", name="Start reviewing").click()
        expect(page.get_by_role("status").filter(has_text="This window holds the review until")).to_be_visible()
        expect(page).to_have_url(re.compile(r"[?&]lock="))
        assert lock_of(app, second.id)
        for position, criterion in enumerate(criteria, start=1):
            choose(page, position, criterion, 2)
        page.get_by_role("button", name="Submit review").click()
        expect(page.get_by_role("heading", level=1, name=f"Confirm your review of {ref}")).to_be_visible()
        page.get_by_role("button", name="Back to editing").click()
        expect(page.get_by_role("status").filter(has_text="Review draft saved.")).to_be_visible()
        for position in range(1, len(criteria) + 1):
            expect(
                page.get_by_role("group", name=f"{position}. {criteria[position - 1].title}").get_by_role(
                    "radio", name=re.compile(r"^2, ")
                )
            ).to_be_checked()
        page.get_by_role("button", name="Submit review").click()
        page.get_by_role("button", name="Confirm and submit").click()
        expect(page.get_by_role("status").filter(has_text=f"Your review of {ref} was submitted.")).to_be_visible()
    with app.app_context():
        assert db.session.get(Allocation, second.id).status == "submitted"
