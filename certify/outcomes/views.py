"""The holder's follow-up pages and the sponsor's attestation through the emailed link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from certify.core.outcome_plan import PLAN_FIELDS, draft_values
from certify.database import utcnow
from certify.extensions import db
from certify.outcomes import bp, followups, sponsor
from certify.outcomes import services as outcomes
from certify.outcomes.models import FollowUp
from certify.outcomes.services import OutcomeError
from certify.security import throttle
from certify.security.access import acting_user

SPONSOR_LIMIT, SPONSOR_WINDOW = 20, 10 * 60
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # the token is in the address


@bp.route("/")
def index() -> str:
    holder, now = acting_user(), utcnow()
    plans = outcomes.plans_of(holder)
    return render_template(
        "outcomes/index.html",
        plans=plans,
        states={f.id: outcomes.followup_state(f, now) for p in plans for f in p.followups},
        labels=outcomes.STATE_LABELS,
        attested={p.id: outcomes.plan_outcome(p) for p in plans},
        without_plan=outcomes.certificates_without_plan(holder),
        fmt=sponsor.fmt,
    )


def _followup_page(
    followup_id: int, *, values: dict[str, str] | None = None, error: OutcomeError | None = None
) -> tuple[str, int]:
    followup = outcomes.followup_of(acting_user(), followup_id)
    if followup is None:
        abort(404)
    page = render_template(
        "outcomes/followup.html",
        followup=followup,
        plan=followup.plan,
        state=outcomes.followup_state(followup, utcnow()),
        labels=outcomes.STATE_LABELS,
        values=values or {},
        errors=error.errors if error else {},
        error=str(error) if error else None,
        max_requests=sponsor.MAX_REQUESTS,
        fmt=sponsor.fmt,
    )
    return page, error.status if error else 200


@bp.route("/followups/<int:followup_id>")
def followup(followup_id: int) -> tuple[str, int]:
    return _followup_page(followup_id)


@bp.route("/followups/<int:followup_id>", methods=["POST"])
def report(followup_id: int) -> Response | tuple[str, int]:
    holder = acting_user()
    found = outcomes.followup_of(holder, followup_id)
    if found is None:
        abort(404)
    values = {name: request.form.get(name, "") for name in ("value", "implemented", "obstacles")}
    try:
        followups.report(holder, found, values, utcnow())
    except OutcomeError as exc:
        db.session.rollback()
        return _followup_page(followup_id, values=values, error=exc)
    db.session.commit()
    flash(f"Thank you. {found.plan.sponsor_name} has been emailed a link to confirm the value.", "success")
    return redirect(url_for("outcomes.followup", followup_id=followup_id))


@bp.route("/followups/<int:followup_id>/resend", methods=["POST"])
def resend(followup_id: int) -> Response | tuple[str, int]:
    holder = acting_user()
    found = outcomes.followup_of(holder, followup_id)
    if found is None:
        abort(404)
    try:
        followups.resend_link(holder, found, utcnow())
    except OutcomeError as exc:
        db.session.rollback()
        return _followup_page(followup_id, error=exc)
    db.session.commit()
    flash(f"A new link was emailed to {found.plan.sponsor_name}; the earlier one no longer works.", "success")
    return redirect(url_for("outcomes.followup", followup_id=followup_id))


@bp.route("/plans/<int:plan_id>/consent", methods=["POST"])
def consent(plan_id: int) -> Response:
    holder = acting_user()
    plan = outcomes.plan_of(holder, plan_id)
    if plan is None:
        abort(404)
    public = request.form.get("public") == "yes"
    changed = outcomes.set_consent(holder, plan, public, utcnow())
    db.session.commit()
    if changed:
        flash(
            "Your attested outcome may now be shown on your verification page and credential."
            if public
            else "Your outcome is no longer shown publicly.",
            "success",
        )
    return redirect(url_for("outcomes.index") + f"#plan-{plan_id}")


def _new_plan_page(
    certificate_id: int, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> tuple[str, int]:
    if not any(c.id == certificate_id for c in outcomes.certificates_without_plan(acting_user())):
        abort(404)
    return render_template(
        "outcomes/new_plan.html", certificate_id=certificate_id, values=values, errors=errors
    ), status


@bp.route("/certificates/<int:certificate_id>/plan")
def new_plan(certificate_id: int) -> tuple[str, int]:
    return _new_plan_page(certificate_id, {}, {})


@bp.route("/certificates/<int:certificate_id>/plan", methods=["POST"])
def add_plan(certificate_id: int) -> Response | tuple[str, int]:
    raw: dict[str, object] = {name: request.form.get(f"plan-{name}", "") for name in PLAN_FIELDS}
    try:
        plan = outcomes.add_plan(acting_user(), certificate_id, raw, utcnow())
    except OutcomeError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        return _new_plan_page(certificate_id, draft_values(raw), exc.errors, exc.status)
    db.session.commit()
    flash("Your outcome plan was recorded.", "success")
    return redirect(url_for("outcomes.index") + f"#plan-{plan.id}")


def _throttled() -> None:
    """Every request to a sponsor link counts against the client's address: 20 in 10 minutes."""
    key = f"sponsor-link:{request.remote_addr or 'unknown'}"
    wait = throttle.retry_after(key, limit=SPONSOR_LIMIT, window=SPONSOR_WINDOW)
    if wait:
        abort(429, description=f"Too many requests; try again in {wait // 60 + 1} minutes.")
    throttle.count(key)
    db.session.commit()


def _sponsor_page(
    token: str, values: dict[str, str], error: OutcomeError | None = None
) -> tuple[str, int, dict[str, str]]:
    link = sponsor.open_link(token, utcnow())
    if link is None:
        abort(404)  # unknown, expired or used: the same answer
    found = db.session.get(FollowUp, link.followup_id)
    assert found is not None
    page = render_template(
        "outcomes/sponsor.html",
        token=token,
        followup=found,
        plan=found.plan,
        holder=outcomes.holder_of(found.plan),
        values=values,
        errors=error.errors if error else {},
        fmt=sponsor.fmt,
        unit=sponsor.unit_suffix(found.plan.unit),
    )
    return page, error.status if error else 200, PRIVATE


@bp.route("/sponsor/<token>")
def sponsor_link(token: str) -> tuple[str, int, dict[str, str]]:
    _throttled()
    return _sponsor_page(token, {})


@bp.route("/sponsor/<token>", methods=["POST"])
def sponsor_respond(token: str) -> tuple[str, int, dict[str, str]]:
    _throttled()
    values = {key: request.form.get(key, "") for key in request.form if key != "csrf_token"}
    try:
        response = sponsor.respond(token, values, utcnow())
    except OutcomeError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        return _sponsor_page(token, values, exc)
    db.session.commit()
    return render_template("outcomes/sponsor_done.html", decision=response.decision), 200, PRIVATE
