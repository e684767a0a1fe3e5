"""A holder's own certificates: downloads, the verification link, LinkedIn, development log and renewal."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from certify.certificates import bp, lifecycle, outcome_credit, renewals
from certify.certificates.issuing import CertificateError
from certify.certificates.models import Certificate, DevelopmentActivity
from certify.database import utcnow
from certify.extensions import db
from certify.params import whole_number
from certify.security.access import acting_user
from certify.urls import external_url


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's add-to-profile link, pre-filled with this certification."""
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.credential.get("name", "MID Certification"),
        "organizationName": certificate.credential.get("issuer", {}).get("name", "Certify"),
        "issueYear": certificate.issued_at.year,
        "issueMonth": certificate.issued_at.month,
        "expirationYear": certificate.expires_at.year,
        "expirationMonth": certificate.expires_at.month,
        "certUrl": external_url("certificates.verify", code=certificate.code),
        "certId": certificate.serial,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)


def _page(error: str | None = None, form: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    me, now = acting_user(), utcnow()
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.holder_id == me.id).order_by(Certificate.issued_at.desc())
    ).all()
    activities = db.session.scalars(
        select(DevelopmentActivity)
        .where(DevelopmentActivity.user_id == me.id)
        .order_by(DevelopmentActivity.activity_on.desc())
    ).all()
    requests = renewals.latest_requests(me.id)
    rows = [
        (
            c,
            c.state(now),
            external_url("certificates.verify", code=c.code),
            linkedin_url(c),
            lifecycle.renewal_check(c, now) if c.state(now) != "revoked" else None,
            requests.get(c.id),
        )
        for c in certificates
        if c.credential
    ]
    page = render_template(
        "certificates/wallet.html",
        rows=rows,
        activities=activities,
        total=sum(a.points for a in activities),
        rule=lifecycle.rule(),
        error=error,
        form=form or {},
        today=now.date().isoformat(),
        auto_approve=renewals.auto_approve(),
        outcomes=outcome_credit.creditable_outcomes(me),
        outcome_points=outcome_credit.outcome_points(),
    )
    return page, status


@bp.route("/certificates/")
def wallet() -> tuple[str, int]:
    return _page()


@bp.route("/certificates/development", methods=["POST"])
def log_development() -> Response | tuple[str, int]:
    form = {k: request.form.get(k, "") for k in ("title", "activity_on", "points")}
    try:
        day = date.fromisoformat(form["activity_on"])
    except ValueError:
        return _page("Give the date of the activity as YYYY-MM-DD.", form, 400)
    try:
        lifecycle.log_activity(acting_user(), form["title"], day, whole_number(form["points"], -1), utcnow())
    except CertificateError as exc:
        db.session.rollback()
        return _page(str(exc), form, exc.status)
    db.session.commit()
    flash("Activity logged.", "success")
    return redirect(url_for("certificates.wallet") + "#development")


@bp.route("/certificates/development/outcome", methods=["POST"])
def log_outcome_development() -> Response | tuple[str, int]:
    """Add one of the holder's sponsor-attested outcomes to their development log."""
    try:
        activity = outcome_credit.log_attested_outcome(
            acting_user(), whole_number(request.form.get("plan"), -1), utcnow()
        )
    except CertificateError as exc:
        db.session.rollback()
        return _page(str(exc), status=exc.status)
    db.session.commit()
    flash(f"Attested outcome added to your development log ({activity.points} points).", "success")
    return redirect(url_for("certificates.wallet") + "#development")


@bp.route("/certificates/<serial>/renew", methods=["POST"])
def renew(serial: str) -> Response | tuple[str, int]:
    """Ask for renewal (or resubmit after an admin asked for more); renewed at once only with auto-approval."""
    me = acting_user()
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.serial == serial, Certificate.holder_id == me.id)
    )
    if certificate is None:
        abort(404)
    note = request.form.get("note", "")
    try:
        renewal = renewals.submit(me, certificate, utcnow(), note)
    except CertificateError as exc:
        db.session.rollback()
        return _page(str(exc), status=exc.status)
    db.session.commit()
    if renewal.successor is not None:
        flash(f"Renewed: your new certificate is {renewal.successor.serial}.", "success")
    else:
        flash(
            f"Renewal of {serial} requested: an administrator will review your activity and reply by mail.", "success"
        )
    return redirect(url_for("certificates.wallet"))
