"""Admins manage people: create, roles, deactivate, sign out everywhere, audit."""

from __future__ import annotations

import re

import pytest

from certify.audit.models import AuditEvent
from certify.auth.models import User
from certify.extensions import db
from tests.support.helpers import post_form, text


@pytest.fixture
def admin(make_user, auth):
    user = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    auth.login_as(user)
    return user


def _user(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _actions(app):
    with app.app_context():
        return [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]


def test_admin_lists_and_filters_people(client, admin, make_user):
    make_user(roles=("assessor",), name="Sam Lindqvist")
    make_user(roles=("candidate",), name="Priya Natarajan")
    body = text(client.get("/admin/users"))
    assert "Sam Lindqvist" in body and "Priya Natarajan" in body
    body = text(client.get("/admin/users?role=assessor"))
    assert "Sam Lindqvist" in body and "Priya Natarajan" not in body
    body = text(client.get("/admin/users?q=priya"))
    assert "Priya Natarajan" in body and "Sam Lindqvist" not in body
    assert "1 account found" in body


def test_admin_creates_an_assessor_who_gets_a_set_password_link(app, client, admin, sent_mail, auth):
    response = post_form(
        client,
        "/admin/users/new",
        {"name": "Sam Lindqvist", "email": "sam@example.org", "roles": ["assessor", "admin"]},
    )
    assert response.status_code == 302
    with app.app_context():
        sam = db.session.query(User).filter_by(email="sam@example.org").one()
        assert sam.roles == {"assessor", "admin"} and sam.password_hash is None
    assert sent_mail[-1]["to"] == "sam@example.org"
    path = re.search(r"https?://[^/\s]+(/auth/reset/\S+)", sent_mail[-1]["body"]).group(1)
    auth.logout()
    post_form(client, path, {"password": "Assessor-Lamp-Quilt-4", "confirm": "Assessor-Lamp-Quilt-4"})
    assert auth.login("sam@example.org", "Assessor-Lamp-Quilt-4").status_code == 302
    assert "user.created" in _actions(app)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "X", "email": "bad", "roles": ["assessor"]}, "Enter a valid email address"),
        ({"name": "X", "email": "x@example.org"}, "Choose at least one role."),
        ({"name": "X", "email": "x@example.org", "roles": ["superuser"]}, "is not a valid choice for this field"),
        ({"name": "", "email": "x@example.org", "roles": ["assessor"]}, "Enter a name."),
    ],
)
def test_bad_create_user_input_gets_a_message(app, client, admin, data, message):
    response = post_form(client, "/admin/users/new", data)
    assert response.status_code == 200 and message in text(response)
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_admin_cannot_create_duplicate_account(app, client, admin, make_user):
    make_user(email="taken@example.org")
    response = post_form(client, "/admin/users/new", {"name": "X", "email": "Taken@example.org", "roles": ["assessor"]})
    assert "already exists" in text(response)


def test_admin_changes_roles_and_it_is_audited(app, client, admin, make_user):
    person = make_user(roles=("candidate",))
    response = post_form(
        client, f"/admin/users/{person.id}", {"name": person.name, "roles": ["candidate", "assessor"], "active": "y"}
    )
    assert response.status_code == 302
    assert _user(app, person.id).roles == {"candidate", "assessor"}
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="user.updated").one()
        assert event.before["roles"] == ["candidate"] and event.after["roles"] == ["assessor", "candidate"]
        assert event.actor_id == admin.id


def test_deactivating_signs_the_person_out_and_blocks_sign_in(app, client, admin, make_user):
    person = make_user()
    from tests.support.helpers import AuthActions

    theirs = app.test_client()
    AuthActions(theirs).login(person.email)
    post_form(client, f"/admin/users/{person.id}", {"name": person.name, "roles": ["candidate"]})
    assert _user(app, person.id).active is False
    assert theirs.get("/auth/account").status_code == 302
    assert AuthActions(app.test_client()).login(person.email).status_code == 200


def test_force_logout_ends_their_sessions(app, client, admin, make_user):
    person = make_user()
    from tests.support.helpers import AuthActions

    theirs = app.test_client()
    AuthActions(theirs).login(person.email)
    assert theirs.get("/auth/account").status_code == 200
    post_form(client, f"/admin/users/{person.id}/force-logout")
    assert theirs.get("/auth/account").status_code == 302
    assert "user.signed_out_everywhere" in _actions(app)


def test_admin_cannot_demote_or_deactivate_themselves(app, client, admin):
    response = post_form(
        client,
        f"/admin/users/{admin.id}",
        {"name": admin.name, "roles": ["candidate"], "active": "y"},
        follow_redirects=True,
    )
    assert "last active admin" in text(response) or "your own admin role" in text(response)
    assert _user(app, admin.id).roles == {"admin"}


def test_last_admin_cannot_be_removed_by_another_path(app, make_user):
    from certify.auth import directory
    from certify.auth.services import AccountError

    only = make_user(roles=("admin",))
    with app.app_context():
        user = db.session.get(User, only.id)
        other = make_user(roles=("assessor",))
        with pytest.raises(AccountError, match="last active admin"):
            directory.update_user(db.session.get(User, other.id), user, name=user.name, roles={"assessor"}, active=True)


def test_admin_sends_reset_link(client, admin, make_user, sent_mail):
    person = make_user()
    post_form(client, f"/admin/users/{person.id}/reset-link")
    assert sent_mail[-1]["to"] == person.email and "/auth/reset/" in sent_mail[-1]["body"]


def test_unknown_user_is_404(client, admin):
    assert client.get("/admin/users/99999").status_code == 404


def test_outbox_and_audit_pages_show_activity(client, admin, make_user, sent_mail):
    person = make_user()
    post_form(client, f"/admin/users/{person.id}/reset-link")
    assert "Reset your Certify password" in text(client.get("/admin/outbox"))
    assert "user.reset_link_sent" in text(client.get("/admin/audit"))
    assert "user.reset_link_sent" in text(client.get("/admin/audit?action=user.reset_link_sent"))
