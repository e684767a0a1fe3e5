"""Enforcing the access rules: each feature declares who may reach its views (`certify.feature`),
in the kinds of `certify.security.rules`; this checks the matched endpoint's rule before any view runs.

An endpoint without a rule is refused (and a test fails), so a new route cannot be published by accident.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, jsonify, redirect, request, url_for
from flask_login import current_user

from certify.auth.models import User
from certify.feature import access_table
from certify.security.rules import PUBLIC, Rule

APP_RULES: dict[str, Rule] = {"static": PUBLIC}


def rules(app: Flask) -> dict[str, Rule]:
    """Every endpoint's rule: the app's own, then each feature's, filed as its blueprint was registered."""
    table = access_table(app).rules
    for endpoint, rule in APP_RULES.items():
        table.setdefault(endpoint, rule)
    return table


def acting_user() -> User:
    """The signed-in user as a plain object, to pass to services."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def safe_next_url(target: str | None) -> str | None:
    """Accept only same-site relative paths as a redirect target after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


def enforce_access() -> Response | None:
    """before_request hook: apply the rule for the matched endpoint."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    rule = rules(current_app).get(endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule; refusing", endpoint)
        abort(403)
    if rule.kind == "public":
        return None
    if not current_user.is_authenticated:
        if is_api_request():
            response = jsonify(error="unauthorized", message="Sign in or send a bearer token.")
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="certify"'
            return response
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if rule.roles and not current_user.has_role(*rule.roles):
        abort(403)
    return None
