"""The admin's import: upload, a preview item by item (nothing stored), competencies chosen for categories that
name none, then the confirmation; the token that carries the upload between the two steps cannot be forged,
reused by another admin or kept forever."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from certify.assessments import import_views
from certify.assessments.models import Item, ItemVersion
from certify.audit.models import AuditEvent
from certify.extensions import db
from tests.assessments.test_import_report import AIKEN
from tests.support.helpers import confirm_import, csrf_token, text, upload_bank


@pytest.fixture
def admin(make_user, auth, load_catalog):
    load_catalog()
    user = make_user(roles=("admin",), name="Ida Importer")
    auth.login_as(user)
    return user


def _items(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Item)) or 0


def _token(page: str) -> str:
    return html.unescape(re.search(r'name="token" value="([^"]+)"', page).group(1))


def test_the_preview_lists_every_item_and_stores_nothing(app, client, admin):
    preview = upload_bank(client, "helpdesk.txt", AIKEN.encode(), confirm=False, competency="RA")
    page = text(preview)
    assert preview.status_code == 200 and "Preview: import of helpdesk.txt" in page
    assert "Read as <strong>Aiken</strong>" in page
    assert "2 added (2 single_choice)" in page and "1 skipped" in page
    assert "question 2: answer D is not one of the options (A, B)" in page
    assert page.count("needs rationale</span>") == 2
    assert "Import 2 items and skip 1" in page
    assert _items(app) == 0


def test_categories_without_a_competency_are_chosen_in_the_preview_then_imported(app, client, admin):
    preview = upload_bank(client, "helpdesk.txt", AIKEN.encode(), confirm=False)
    page = text(preview)
    assert "Items without a category (2 items waiting)" in page and "Import 2 items" not in page
    token = _token(page)
    updated = confirm_import(client, token, page, {"": "PA"}, action="preview")
    assert updated.status_code == 200 and "2 added" in text(updated) and _items(app) == 0
    done = confirm_import(client, token, text(updated), {"": "PA"})
    assert done.status_code == 200 and "Imported helpdesk.txt" in text(done)
    with app.app_context():
        assert set(db.session.scalars(select(ItemVersion.competency_code))) == {"PA"}
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "bank.imported")).one()
        assert event.after["format"] == "Aiken" and event.after["competency_by_category"] == {"": "PA"}
        assert "1 skipped" in event.after["summary"]


def test_confirming_with_nothing_importable_says_so_and_stores_nothing(app, client, admin):
    page = text(upload_bank(client, "helpdesk.txt", AIKEN.encode(), confirm=False))
    refused = confirm_import(client, _token(page), page, {})
    assert refused.status_code == 400 and "Nothing was imported from helpdesk.txt" in text(refused)
    assert _items(app) == 0


def test_a_forged_expired_or_borrowed_token_is_refused(app, client, admin, make_user, auth, monkeypatch):
    page = text(upload_bank(client, "helpdesk.txt", AIKEN.encode(), confirm=False, competency="RA"))
    token = _token(page)
    assert confirm_import(client, token[:-3] + "abc", page, {}).status_code == 400
    monkeypatch.setattr(import_views, "TOKEN_MAX_AGE", -1)
    assert confirm_import(client, token, page, {}).status_code == 410
    monkeypatch.undo()
    auth.login_as(make_user(roles=("admin",), name="Other Admin"))
    assert confirm_import(client, token, page, {}).status_code == 403
    assert _items(app) == 0


def test_a_competency_not_on_the_list_and_a_missing_csrf_token_are_refused(app, client, admin):
    page = text(upload_bank(client, "helpdesk.txt", AIKEN.encode(), confirm=False))
    token = _token(page)
    assert confirm_import(client, token, page, {"": "NOPE"}).status_code == 400
    no_csrf = client.post("/admin/banks/import", data={"token": token, "action": "import"})
    assert no_csrf.status_code == 400 and _items(app) == 0


@pytest.mark.parametrize("roles", [("assessor",), ("candidate",)])
def test_only_admins_preview_or_confirm(client, make_user, auth, load_catalog, roles):
    load_catalog()
    auth.login_as(make_user(roles=roles))
    data = {"csrf_token": csrf_token(client), "token": "x", "action": "import"}
    assert client.post("/admin/banks/import", data=data).status_code == 403
    assert client.get("/admin/banks").status_code == 403
