"""Shared set-up for the portfolio administration tests: an admin client and small readers of the database."""

from __future__ import annotations

import html
import re

import pytest

from certify.audit.models import AuditEvent
from certify.auth.models import User
from certify.extensions import db
from certify.portfolios.models import PortfolioVersion
from certify.review.models import Resolution
from tests.support.helpers import text
from tests.support.portfolios import calibrate, world  # noqa: F401

APPEAL_REASON = "The reviewers overlooked the stakeholder map and the measured results in my evidence."


@pytest.fixture
def admin(make_user):
    return make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")


@pytest.fixture
def admin_client(world, admin):  # noqa: F811
    return world.client_for(admin)


def page(response) -> str:
    """The response body with HTML entities decoded, so messages with apostrophes read as written."""
    return html.unescape(text(response))


def flashes(response) -> str:
    """The flashed messages of a (redirected-to) page, tags stripped: "Problem: ..." or "Done: ..."."""
    body = text(response)
    block = body[body.index('<div class="flashes"') :]
    block = block[: block.index("</div>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", block))).strip()


def resolution_of(world, version_id):  # noqa: F811
    """(passed, rule, final_levels) of the version's resolution, or None."""
    with world.app.app_context():
        found = db.session.get(Resolution, version_id)
        return None if found is None else (found.passed, found.rule, dict(found.final_levels))


def row(body: str, name: str) -> str:
    """The table row that names `name` (the list has one row per version)."""
    rows = [r for r in re.findall(r"<tr>.*?</tr>", body, flags=re.S) if name in r]
    assert len(rows) == 1, f"expected one row for {name}, found {len(rows)}"
    return rows[0]


def state_of(world, version_id):  # noqa: F811
    with world.app.app_context():
        return db.session.get(PortfolioVersion, version_id).state


def set_active(world, user, active):  # noqa: F811
    with world.app.app_context():
        db.session.get(User, user.id).active = active
        db.session.commit()


def events(world, action):  # noqa: F811
    with world.app.app_context():
        rows = db.session.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.id).all()
        for r in rows:
            db.session.expunge(r)
        return rows


def allocations_by_id(world, version_id):  # noqa: F811
    return {a.id: (a.assessor_id, a.role, a.status) for a in world.allocations(version_id)}


def failed_version(world):  # noqa: F811
    """A version both assessors agree fails (level 2 everywhere): resolved, not passed."""
    version_id = world.submit()
    first, second = world.allocations(version_id)
    world.review(first.id, world.levels(2))
    world.review(second.id, world.levels(2))
    assert resolution_of(world, version_id)[0] is False
    return version_id


# --- the list and the detail page ---------------------------------------------------------------
