"""The access-rule table: every endpoint says who may reach it.

Rules are checked before any view runs. An endpoint missing from the table is
refused (and a test fails), so a new route cannot be published by accident.

- PUBLIC: anyone, signed in or not.
- SIGNED_IN: any active account.
- role(...): an account holding one of the roles.
- owner(...): an account holding one of the roles; the view then loads the
  object through a service that only returns it to its owner (404 otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from flask import Response, abort, current_app, jsonify, redirect, request, url_for
from flask_login import current_user

from certify.auth.models import User

Kind = Literal["public", "signed_in", "role", "owner"]


@dataclass(frozen=True)
class Rule:
    kind: Kind
    roles: frozenset[str] = field(default_factory=frozenset)

    def describe(self) -> str:
        if self.kind in ("role", "owner"):
            return f"{self.kind}:{'|'.join(sorted(self.roles))}"
        return self.kind


PUBLIC = Rule("public")
SIGNED_IN = Rule("signed_in")


def role(*roles: str) -> Rule:
    return Rule("role", frozenset(roles))


def owner(*roles: str) -> Rule:
    return Rule("owner", frozenset(roles))


ADMIN = role("admin")

RULES: dict[str, Rule] = {
    "static": PUBLIC,
    # Site
    "main.index": PUBLIC,
    "main.healthz": PUBLIC,
    # Accounts
    "auth.login": PUBLIC,
    "auth.register": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.sign_out_everywhere": SIGNED_IN,
    # Administration
    "admin.index": ADMIN,
    "admin.users": ADMIN,
    "admin.create_user": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.force_logout": ADMIN,
    "admin.send_reset_link": ADMIN,
    "admin.accommodation": ADMIN,
    "admin.outbox": ADMIN,
    "admin.audit_log": ADMIN,
    "admin.items": ADMIN,
    "admin.item": ADMIN,
    "admin.banks": ADMIN,
    "admin.export": ADMIN,
    "admin.regrade": ADMIN,
    "admin.accept_answers": ADMIN,
    "admin.agreement": ADMIN,
    "admin.assessors": ADMIN,
    # Standard setting (modified Angoff): admins run studies; panellists rate only their own studies
    "admin.standard_setting": ADMIN,
    "admin.standard_setting_study": ADMIN,
    "admin.standard_setting_advance": ADMIN,
    "admin.standard_setting_close": ADMIN,
    "admin.standard_setting_adopt": ADMIN,
    "standard_setting.index": owner("assessor", "adjudicator", "admin"),
    "standard_setting.study": owner("assessor", "adjudicator", "admin"),
    # Course (anyone signed in may study it; progress is their own)
    "course.index": SIGNED_IN,
    "course.module": SIGNED_IN,
    "course.lesson": SIGNED_IN,
    "course.complete_lesson": SIGNED_IN,
    "course.knowledge_check": SIGNED_IN,
    # Exams: the list is for everyone signed in (it explains who may start); attempts are their owner's
    "assessments.index": SIGNED_IN,
    "assessments.start": role("candidate"),
    "assessments.question": owner("candidate"),
    "assessments.overview": owner("candidate"),
    "assessments.submit": owner("candidate"),
    "assessments.result": owner("candidate"),
    # Administration of portfolio assessment (admins see identities; assessors never do)
    "admin.portfolios": ADMIN,
    "admin.portfolio": ADMIN,
    "admin.allocate_portfolio": ADMIN,
    "admin.reallocate_review": ADMIN,
    "admin.appeals": ADMIN,
    "admin.allocate_appeal": ADMIN,
    "admin.conflicts": ADMIN,
    # Portfolios: a candidate's own, loaded through services that return only their own objects
    "portfolios.edit": role("candidate"),
    "portfolios.save": role("candidate"),
    "portfolios.autosave": role("candidate"),
    "portfolios.upload": role("candidate"),
    "portfolios.preview": role("candidate"),
    "portfolios.submit": role("candidate"),
    "portfolios.remove_file": owner("candidate"),
    "portfolios.download": owner("candidate"),
    "portfolios.version": owner("candidate"),
    "portfolios.appeal": owner("candidate"),
    # Review: assessors (adjudicators are assessors too); allocations are loaded only for their assessor
    "review.index": role("assessor", "adjudicator"),
    "review.calibration": role("assessor", "adjudicator"),
    "review.conflicts": role("assessor", "adjudicator"),
    "review.allocation": owner("assessor", "adjudicator"),
    "review.save": owner("assessor", "adjudicator"),
    "review.autosave": owner("assessor", "adjudicator"),
    "review.download": owner("assessor", "adjudicator"),
    "review.declare_conflict_here": owner("assessor", "adjudicator"),
    # Certificates: public verification (codes are random and unguessable; misses are rate limited)
    "certificates.verify": PUBLIC,
    "certificates.check_pdf": PUBLIC,
    "certificates.check": PUBLIC,
    "certificates.credential_json": PUBLIC,
    "certificates.credential_pdf": PUBLIC,
    "certificates.status_list": PUBLIC,
    "certificates.issuer": PUBLIC,
    "certificates.achievement": PUBLIC,
    # A holder's own certificates
    "certificates.wallet": SIGNED_IN,
    "certificates.log_development": SIGNED_IN,
    "certificates.renew": owner("candidate"),
    # Certificate administration
    "admin.certificates": ADMIN,
    "admin.issue_certificate": ADMIN,
    "admin.issue_all_certificates": ADMIN,
    "admin.certificate": ADMIN,
    "admin.certificate_action": ADMIN,
    "admin.certificate_exam": ADMIN,
    "admin.renewals_queue": ADMIN,
    "admin.renewal": ADMIN,
    "admin.decide_renewal": ADMIN,
    # Outcome dashboards and cohorts
    "admin.outcomes": ADMIN,
    "admin.outcomes_csv": ADMIN,
    "admin.outcomes_xlsx": ADMIN,
    "admin.cohorts": ADMIN,
    "admin.cohort": ADMIN,
    # Measurement reports
    "admin.reports": ADMIN,
    "admin.item_report": ADMIN,
    "admin.refresh_report": ADMIN,
    "admin.item_report_detail": ADMIN,
    "admin.promote_item": ADMIN,
    "admin.item_report_csv": ADMIN,
    "admin.item_report_xlsx": ADMIN,
    "admin.agreement_csv": ADMIN,
    "admin.agreement_xlsx": ADMIN,
    "admin.standard_setting_csv": ADMIN,
    "admin.standard_setting_xlsx": ADMIN,
    # JSON API
    "api.me": SIGNED_IN,
    "api.assessments": SIGNED_IN,
    "api.start_attempt": role("candidate"),
    "api.attempt": owner("candidate"),
    "api.save_response": owner("candidate"),
    "api.set_flag": owner("candidate"),
    "api.submit": owner("candidate"),
    "api.result": owner("candidate"),
}


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
    rule = RULES.get(endpoint)
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
