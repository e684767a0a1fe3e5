"""Cohorts: an admin creates them, adds members by pasting email addresses, renames them and removes members."""

from __future__ import annotations

import re

import pytest

from certify.extensions import db
from certify.reports.models import Cohort, CohortMember
from tests.support.helpers import post_form, text


def _cohort_id(app, name: str) -> int:
    with app.app_context():
        return db.session.query(Cohort).filter_by(name=name).one().id


def test_admin_creates_a_cohort_and_adds_members_by_email(app, client, signed_in_admin, make_user):
    make_user(email="ana@example.org", name="Ana")
    make_user(email="bo@example.org", name="Bo")
    response = post_form(client, "/admin/cohorts", {"name": "  Northwind   Intake ", "description": "Spring"})
    assert response.status_code == 302
    cohort_id = _cohort_id(app, "Northwind Intake")
    pasted = "ANA@example.org\n\n bo@example.org \nana@example.org\n"
    response = post_form(
        client, f"/admin/cohorts/{cohort_id}", {"action": "add", "emails": pasted}, follow_redirects=True
    )
    assert "Added 2 member(s)." in text(response)
    response = post_form(
        client, f"/admin/cohorts/{cohort_id}", {"action": "add", "emails": "bo@example.org"}, follow_redirects=True
    )
    assert "Added 0 member(s). 1 already belonged to it." in text(response)
    listing = text(client.get("/admin/cohorts"))
    assert re.search(r"Northwind Intake</a></th>\s*<td>2</td>", listing)


def test_unknown_emails_are_reported_and_nobody_is_added(app, client, signed_in_admin, make_user):
    make_user(email="ana@example.org")
    post_form(client, "/admin/cohorts", {"name": "Acme"})
    cohort_id = _cohort_id(app, "Acme")
    pasted = "ana@example.org\nghost@example.org\nnot-an-email"
    response = post_form(client, f"/admin/cohorts/{cohort_id}", {"action": "add", "emails": pasted})
    assert response.status_code == 400
    assert "Not email addresses: not-an-email. Nobody was added." in text(response)
    response = post_form(
        client, f"/admin/cohorts/{cohort_id}", {"action": "add", "emails": "ana@example.org\nghost@example.org"}
    )
    assert response.status_code == 400
    body = text(response)
    assert "No account uses: ghost@example.org. Nobody was added." in body
    assert "ana@example.org\nghost@example.org</textarea>" in body  # what was typed is kept
    with app.app_context():
        assert db.session.query(CohortMember).count() == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Give the cohort a name."), ("acme", "A cohort called “Acme” already exists"), ("x" * 121, "at most 120")],
)
def test_bad_cohort_names_are_refused(app, client, signed_in_admin, name, message):
    post_form(client, "/admin/cohorts", {"name": "Acme"})
    response = post_form(client, "/admin/cohorts", {"name": name, "description": "kept text"})
    assert response.status_code == 400
    assert message in text(response)
    assert "kept text</textarea>" in text(response)


def test_rename_and_remove_a_member(app, client, signed_in_admin, make_user):
    member = make_user(email="ana@example.org", name="Ana Lima")
    post_form(client, "/admin/cohorts", {"name": "Acme"})
    post_form(client, "/admin/cohorts", {"name": "Beta"})
    cohort_id = _cohort_id(app, "Acme")
    url = f"/admin/cohorts/{cohort_id}"
    post_form(client, url, {"action": "add", "emails": "ana@example.org"})
    response = post_form(client, url, {"action": "rename", "name": "Beta", "description": ""})
    assert response.status_code == 400
    assert 'value="Beta"' in text(response)
    assert post_form(client, url, {"action": "rename", "name": "Acme Ltd", "description": "HQ"}).status_code == 302
    response = post_form(client, url, {"action": "remove", "user_id": str(member.id)}, follow_redirects=True)
    assert "Removed Ana Lima from the cohort." in text(response)
    assert post_form(client, url, {"action": "remove", "user_id": str(member.id)}).status_code == 400
    assert post_form(client, url, {"action": "explode"}).status_code == 400
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).name == "Acme Ltd"


def test_unknown_cohort_is_not_found(client, signed_in_admin):
    assert client.get("/admin/cohorts/999999").status_code == 404


# Charts and exports, without the app
