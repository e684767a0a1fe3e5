"""The audit log: filters by who, action, object and dates, pages, and a readable before/after diff."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from certify.audit.models import AuditEvent
from certify.audit.services import PAGE_SIZE
from certify.extensions import db
from tests.support.helpers import text


def plant(app, *events: dict) -> None:
    with app.app_context():
        db.session.add_all(AuditEvent(**{"object_type": "user", "object_id": "1", **e}) for e in events)
        db.session.commit()


@pytest.fixture
def admin_client(client, auth, make_user):
    auth.login_as(make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org"))
    return client


@pytest.fixture
def planted(app, make_user):
    sam = make_user(roles=("admin",), name="Sam Lindqvist", email="sam@example.org")
    plant(
        app,
        {"action": "certificate.issued", "object_type": "certificate", "object_id": "MID-2026-0001",
         "actor_id": sam.id, "at": datetime(2026, 3, 1, 9, tzinfo=UTC), "after": {"status": "active"}},
        {"action": "certificate.revoked", "object_type": "certificate", "object_id": "MID-2026-0001",
         "actor_id": sam.id, "at": datetime(2026, 3, 5, 23, 59, tzinfo=UTC),
         "before": {"status": "active"}, "after": {"status": "revoked"}, "note": "Issued in error"},
        {"action": "item.promoted", "object_type": "item", "object_id": "S-MA",
         "at": datetime(2026, 3, 9, 8, tzinfo=UTC), "before": {"status": "pilot"}, "after": {"status": "live"}},
    )  # fmt: skip
    return sam


def visible(response) -> str:
    """The page's text as a reader gets it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def rows(response) -> list[str]:
    """The action of every listed event, newest first."""
    body = response.get_data(as_text=True)
    return [a for a in ("item.promoted", "certificate.revoked", "certificate.issued") if f"<td>{a}</td>" in body]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["item.promoted", "certificate.revoked", "certificate.issued"]),
        ("actor=sam", ["certificate.revoked", "certificate.issued"]),
        ("actor=LINDQVIST", ["certificate.revoked", "certificate.issued"]),
        ("actor=system", ["item.promoted"]),
        ("actor=nobody", []),
        ("action=certificate.revoked", ["certificate.revoked"]),
        ("type=item", ["item.promoted"]),
        ("type=certificate&id=MID-2026-0001", ["certificate.revoked", "certificate.issued"]),
        ("id=S-MA", ["item.promoted"]),
        ("from=2026-03-05", ["item.promoted", "certificate.revoked"]),
        ("to=2026-03-05", ["certificate.revoked", "certificate.issued"]),  # the whole last day counts
        ("from=2026-03-02&to=2026-03-08", ["certificate.revoked"]),
        ("actor=sam&from=2026-03-06", []),
    ],
)
def test_filters_narrow_the_log(admin_client, planted, query, expected):
    response = admin_client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert rows(response) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=yesterday", "From “yesterday” is not a date; write it as YYYY-MM-DD"),
        ("to=31/12/2026", "To “31/12/2026” is not a date"),
        ("from=2026-03-09&to=2026-03-01", "“From” (09 Mar 2026) is after “To” (01 Mar 2026)."),
    ],
)
def test_bad_filters_get_a_clear_message_and_list_nothing(admin_client, planted, query, message):
    response = admin_client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    assert message in text(response) and rows(response) == []


def test_before_and_after_read_as_a_field_by_field_diff_with_words(admin_client, app):
    plant(
        app,
        {"action": "user.updated", "object_id": "7",
         "before": {"name": "Priya", "roles": ["candidate"], "active": True},
         "after": {"name": "Priya <script>alert(1)</script>", "roles": ["assessor", "candidate"], "team": "North"}},
    )  # fmt: skip
    response = admin_client.get("/admin/audit")
    body = response.get_data(as_text=True)
    words = visible(response)
    assert "name changed Priya Priya <script>alert(1)</script>" in words
    assert 'roles changed ["candidate"] ["assessor", "candidate"]' in words
    assert "active removed true (none)" in words and "team added (none) North" in words
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "{&#34;" not in body and '{"name"' not in body  # no raw JSON objects any more


def test_the_log_pages_through_older_events_keeping_the_filters(admin_client, app):
    plant(app, *({"action": "user.updated", "object_id": str(n)} for n in range(PAGE_SIZE + 5)))
    first = admin_client.get("/admin/audit?action=user.updated")
    body = first.get_data(as_text=True)
    assert body.count("<td>user.updated</td>") == PAGE_SIZE and "page 1 of 2" in visible(first)
    assert 'href="/admin/audit?page=2&amp;action=user.updated"' in body and "Newer events" not in body
    second = admin_client.get("/admin/audit?action=user.updated&page=2")
    assert second.get_data(as_text=True).count("<td>user.updated</td>") == 5 and "Newer events" in text(second)
    beyond = admin_client.get("/admin/audit?action=user.updated&page=99")
    assert "page 2 of 2" in text(beyond)
    assert "page 1 of 2" in text(admin_client.get("/admin/audit?action=user.updated&page=nonsense"))
