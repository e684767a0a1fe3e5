"""Fuzzing the import service and the admin upload page: damaged or arbitrary files never
cause a server error, and a refused file leaves everything stored exactly as it was."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from sqlalchemy import func, select

from certify.assessments.import_files import import_file
from certify.assessments.models import Bank, Item, ItemVersion
from certify.audit.models import AuditEvent
from certify.extensions import db
from tests.support.helpers import csrf_token, sign_in_directly
from tests.support.import_fuzz import FUZZ, any_file
from tests.support.samples import BANK

SERVICE_FUZZ = settings(FUZZ, max_examples=30)


def stored_state() -> tuple[tuple[int, int | None], ...]:
    """Row count and newest id of every table an import writes to."""
    return tuple(
        (db.session.scalar(select(func.count()).select_from(model)) or 0, db.session.scalar(select(func.max(model.id))))
        for model in (Bank, Item, ItemVersion, AuditEvent)
    )


@pytest.fixture
def stocked(app, load_catalog):
    load_catalog(("sample.yaml", BANK))
    return app


@SERVICE_FUZZ
@given(file=any_file())
def test_import_service_refuses_bad_files_without_changing_anything(stocked, file):
    name, data = file
    with stocked.app_context():
        before = stored_state()
        result, problems = import_file(name, data)
        if result is None:
            assert problems and all(p.file.startswith(name) for p in problems)
            db.session.rollback()
            assert stored_state() == before
        else:
            db.session.rollback()


@pytest.fixture
def admin_client(stocked, make_user):
    """A signed-in admin's browser, shared by every example of a test."""
    client = stocked.test_client()
    sign_in_directly(client, make_user(roles=("admin",)))
    return client


@SERVICE_FUZZ
@given(file=any_file())
def test_admin_upload_never_fails_with_a_server_error_and_a_refusal_changes_nothing(stocked, admin_client, file):
    client = admin_client
    name, data = file
    with stocked.app_context():
        before = stored_state()
    payload = {"csrf_token": csrf_token(client, "/admin/banks"), "file": (io.BytesIO(data), name), "competency": ""}
    response = client.post("/admin/banks", data=payload, content_type="multipart/form-data")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        with stocked.app_context():
            assert stored_state() == before
