"""Admins browse items, see versions, import by upload and export."""

from __future__ import annotations

import pytest

from tests.support.helpers import csrf_token, text, upload_bank
from tests.support.samples import BANK


@pytest.fixture
def admin(make_user, auth, load_catalog):
    load_catalog(("sample.yaml", BANK))
    user = make_user(roles=("admin",))
    auth.login_as(user)
    return user


def _upload(client, name, data, **fields):
    return upload_bank(client, name, data, **fields)


def test_items_can_be_searched_by_competency_type_status_and_text(client, admin):
    assert "7 items" in text(client.get("/admin/items"))
    assert "1 item" in text(client.get("/admin/items?type=numeric"))
    assert "S-SA" in text(client.get("/admin/items?q=front+end")) or "S-SA" in text(client.get("/admin/items?q=front"))
    assert "0 items" in text(client.get("/admin/items?competency=EV"))
    assert "7 items" in text(client.get("/admin/items?status=live&bank=sample"))


def test_item_page_shows_key_rationales_and_versions(client, admin):
    body = text(client.get("/admin/items/S-SC"))
    assert "Version 1 (current)" in body and "It is the business result." in body and "Key" in body
    assert client.get("/admin/items/NOPE").status_code == 404


def test_upload_imports_a_new_version(client, admin):
    changed = BANK.replace("Which metric should the design start from?", "Where does design start?")
    response = _upload(client, "sample.yaml", changed.encode())
    assert response.status_code == 200 and "1 changed (1 single_choice)" in text(response)
    assert "Imported sample.yaml" in text(response)
    assert "Version 2 (current)" in text(client.get("/admin/items/S-SC"))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bank.yaml", BANK.replace("    key: a\n", "    key: z\n", 1).encode(), "got &#39;z&#39;"),
        ("bank.yaml", b"bank: [", "YAML syntax"),
        ("bank.pdf", b"%PDF-1.4", "Use a bank file"),
        ("bank.yaml", b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_upload_gets_a_clear_message_and_changes_nothing(client, admin, name, data, message):
    response = _upload(client, name, data)
    assert response.status_code == 400 and message in text(response)
    assert "Version 2" not in text(client.get("/admin/items/S-SC"))


def test_upload_without_a_file_is_refused(client, admin):
    response = client.post("/admin/banks", data={"csrf_token": csrf_token(client)}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose a file to import." in text(response)


def test_export_downloads_as_attachment(client, admin):
    response = client.get("/admin/banks/sample/export/yaml")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="sample.yaml"'
    assert b"id: S-SC" in response.data
    assert client.get("/admin/banks/sample/export/pdf").status_code == 404
    assert client.get("/admin/banks/nope/export/yaml").status_code == 404


def test_candidates_cannot_export(client, make_user, auth, load_catalog):
    load_catalog(("sample.yaml", BANK))
    auth.login_as(make_user(roles=("candidate",)))
    assert client.get("/admin/banks/sample/export/yaml").status_code == 403
    assert client.get("/admin/items/S-SC").status_code == 403
