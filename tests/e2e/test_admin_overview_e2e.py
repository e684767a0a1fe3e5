"""The admin work queue and the audit log in a real browser: accessible, linked, filtered with the keyboard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from certify.audit.models import AuditEvent
from certify.extensions import db
from certify.outbox.services import queue
from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.helpers import PASSWORD


@pytest.fixture
def admin(app, page: Page, make_user):
    person = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    with app.app_context():
        queue("someone@example.org", "Your result", "Body text")  # queued, not delivered: one undelivered message
        db.session.add_all(
            [
                AuditEvent(
                    actor_id=person.id,
                    action="user.updated",
                    object_type="user",
                    object_id="7",
                    at=datetime(2026, 3, 1, 9, tzinfo=UTC),
                    before={"name": "Priya", "roles": ["candidate"]},
                    after={"name": "Priya <b>N</b>", "roles": ["assessor", "candidate"], "active": True},
                ),
                AuditEvent(
                    action="item.promoted",
                    object_type="item",
                    object_id="S-MA",
                    at=datetime(2026, 3, 9, 8, tzinfo=UTC),
                    before={"status": "pilot"},
                    after={"status": "live"},
                ),
            ]
        )
        db.session.commit()
    sign_in(page, person.email, PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Welcome, Dana Okafor")).to_be_visible()
    return person


def test_work_queue_is_accessible_and_leads_to_the_work(page: Page, admin) -> None:
    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1, name="Administration")).to_be_visible()
    mail = page.get_by_role("row", name="Undelivered mail")
    expect(mail).to_contain_text("1 waiting")
    expect(page.get_by_role("row", name="Open appeals")).to_contain_text("none waiting")
    assert_accessible(page)
    mail.get_by_role("link", name="Undelivered mail").click()
    expect(page.get_by_role("heading", level=1, name="Outgoing mail")).to_be_visible()
    expect(page.get_by_text("queued, not tried yet")).to_be_visible()


def test_audit_log_filters_and_diff_are_accessible(page: Page, admin) -> None:
    page.goto("/admin/audit")
    expect(page.get_by_role("heading", level=1, name="Audit log")).to_be_visible()
    changes = page.get_by_role("table", name="Changes to user 7, field by field")
    expect(changes.get_by_role("row", name="name")).to_contain_text("changed")
    expect(changes.get_by_role("row", name="name")).to_contain_text("Priya <b>N</b>")  # shown as text, not markup
    expect(changes.get_by_role("row", name="active")).to_contain_text("added")
    assert_accessible(page)

    page.get_by_label("Who (name, email or “system”)").fill("system")
    page.get_by_label("Action").select_option("item.promoted")
    page.get_by_role("button", name="Filter").press("Enter")
    expect(page.get_by_role("cell", name="item.promoted", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="user.updated", exact=True)).to_have_count(0)
    assert_accessible(page)

    page.goto("/admin/audit?from=2026-03-09&to=2026-03-01")
    expect(page.get_by_role("alert")).to_contain_text("is after")
    assert_accessible(page)
