"""Every endpoint is in the access-rule table, and the table is what the app enforces."""

from __future__ import annotations

import pytest

from certify.security.access import rules
from tests.support.helpers import csrf_token, sign_in_directly

IDENTITIES = ("anonymous", "candidate", "assessor", "admin")


def test_every_endpoint_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    undeclared = sorted(endpoints - rules(app).keys())
    assert undeclared == [], f"add these views to their feature blueprint's `access` table: {undeclared}"


def test_access_table_has_no_stale_entries(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(rules(app).keys() - endpoints) == []


def _expected(rule, identity: str) -> str:
    if rule.kind == "public":
        return "allowed"
    if identity == "anonymous":
        return "login"
    if rule.kind == "signed_in" or identity in rule.roles:
        return "allowed"
    return "forbidden"


def _outcome(response, api: bool) -> str:
    if response.status_code == 401 or (
        response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
    ):
        return "login"
    if response.status_code == 403:
        return "forbidden"
    return "allowed"


def _routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        yield rule


def test_role_matrix(app, make_user, auth, client):
    people = {role: make_user(roles=(role,)) for role in ("candidate", "assessor", "admin")}
    subject = make_user(roles=("candidate",), email="subject@example.org")
    samples = {
        "user_id": subject.id,
        "token": "not-a-real-token",
        "filename": "css/site.css",
        "module_slug": "no-such-module",
        "lesson_slug": "no-such-lesson",
        "fmt": "yaml",
        "attempt_id": 999999,
        "position": 1,
        "ref": "NO-SUCH-ITEM",
        "slug": "no-such",
        "allocation_id": 999999,
        "attachment_id": 999999,
        "version_id": 999999,
        "appeal_id": 999999,
        "study_id": 999999,
        "number": 99,
        "code": "no-such-code-0000000000",
        "serial": "MID-2000-000000",
        "action": "revoke",
        "name": "revocation-9",
        "version": 1,
        "cohort_id": 999999,
        "request_id": 999999,
        "task_id": 999999,
        "digest": "0" * 64,
        "case_id": 999999,
        "certificate_id": 999999,
        "followup_id": 999999,
        "plan_id": 999999,
    }
    failures = []
    for url_rule in _routes(app):
        rule = rules(app)[url_rule.endpoint]
        url = url_rule.build({k: samples[k] for k in url_rule.arguments}, append_unknown=False)[1]
        method = next(m for m in ("GET", "POST", "PUT", "DELETE") if m in url_rule.methods)
        for identity in IDENTITIES:
            test_client = app.test_client()
            if identity != "anonymous":
                # a fresh session: an earlier request may have signed them out everywhere
                sign_in_directly(test_client, people[identity])
            if method == "GET":
                response = test_client.get(url)
            else:
                token = csrf_token(test_client)
                response = test_client.open(
                    url, method=method, data={"csrf_token": token}, headers={"X-CSRFToken": token}
                )
            response.close()  # a streamed page (issuing certificates) releases its request context here
            got, want = _outcome(response, url.startswith("/api/")), _expected(rule, identity)
            if got != want:
                failures.append(f"{method} {url} as {identity}: expected {want}, got {got} ({response.status_code})")
    assert failures == []


@pytest.mark.parametrize("path", ["/admin/", "/admin/users", "/admin/audit", "/admin/outbox"])
def test_candidate_cannot_reach_admin_pages(client, make_user, auth, path):
    auth.login_as(make_user(roles=("candidate",)))
    response = client.get(path)
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login_with_return_path(client):
    response = client.get("/admin/users?q=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/admin/users?q%3Dx"


def test_api_answers_401_json_to_anonymous(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
