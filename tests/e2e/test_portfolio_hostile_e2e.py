"""Hostile HTML through every portfolio rich-text field, in Chromium: nothing fires, nothing leaves.

The corpus goes in as a candidate's sections and appeal grounds and as assessors' comments,
then every page that shows them is opened by the person who sees it: the candidate's
editor, preview and feedback; the assessor's and adjudicator's review pages; the admin's
portfolio page; and the appeal assessor's page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from certify.auth.models import User
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios.models import PortfolioVersion
from certify.review import appeals
from tests.e2e.test_accounts_e2e import sign_in
from tests.support.helpers import PASSWORD
from tests.support.hostile_html import CORPUS, corpus_document
from tests.support.inert import assert_inert, visit, watch
from tests.support.portfolios import calibrate


def _spread(codes: list[str]) -> dict[str, str]:
    """The whole corpus, shared out across the sections."""
    per = -(-len(CORPUS) // len(codes))
    return {
        code: "\n\n".join(payload for _, payload in CORPUS[n * per : (n + 1) * per]) for n, code in enumerate(codes)
    }


@pytest.fixture
def open_as(browser: Browser, live_server: str) -> Iterator:
    contexts = []

    def open_page(user: User) -> tuple[Page, object]:
        context = browser.new_context(bypass_csp=True, base_url=live_server)  # the sanitiser alone is on trial
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        recorder = watch(page, live_server)
        sign_in(page, user.email, PASSWORD)
        page.wait_for_url("**/")
        recorder.clear()
        return page, recorder

    yield open_page
    for context in contexts:
        context.close()


def _check(page: Page, recorder, paths: list[str]) -> None:
    for path in paths:
        visit(page, recorder, path, settle_ms=200)
    assert_inert(recorder)


def test_hostile_portfolio_text_and_comments_stay_inert_everywhere(world, open_as, make_user):
    hostile = _spread(world.codes)
    version_id = world.submit(sections=hostile)
    first, second = world.allocations(version_id)
    comments = _spread(world.codes)
    world.review(first.id, world.levels(2), comments)
    world.review(second.id, world.levels(2, KPM=4), comments)  # more than a level apart: adjudication
    adjudication = next(a for a in world.allocations(version_id) if a.role == "adjudicator")

    page, recorder = open_as(world.adjudicator)
    _check(page, recorder, [f"/review/allocations/{adjudication.id}"])
    world.review(adjudication.id, world.levels(2), comments)

    page, recorder = open_as(world.candidate)
    _check(page, recorder, ["/portfolio/", "/portfolio/preview", "/portfolio/versions/1"])

    appeal_assessor = world.assessors[2]
    calibrate(world.app, appeal_assessor)
    admin = make_user(roles=("admin",))
    with world.app.app_context():
        candidate = db.session.get(User, world.candidate.id)
        version = db.session.get(PortfolioVersion, version_id)
        appeal = appeals.lodge(candidate, version, corpus_document()[: appeals.MAX_REASON_CHARS], utcnow())
        allocation = appeals.allocate(admin, appeal, db.session.get(User, appeal_assessor.id))
        db.session.commit()
        appeal_allocation = allocation.id

    page, recorder = open_as(admin)
    _check(page, recorder, [f"/admin/portfolios/{version_id}", "/admin/appeals"])
    page, recorder = open_as(world.assessors[0])
    _check(page, recorder, [f"/review/allocations/{first.id}"])
    page, recorder = open_as(appeal_assessor)
    _check(page, recorder, [f"/review/allocations/{appeal_allocation}"])
    page, recorder = open_as(world.candidate)
    _check(page, recorder, ["/portfolio/versions/1"])
