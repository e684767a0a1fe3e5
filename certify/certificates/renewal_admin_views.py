"""Renewal requests awaiting an admin: the queue, each request with its evidence, and the decision."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from certify.certificates import admin_bp, renewals
from certify.certificates.evidence import candidates_assessed_by
from certify.certificates.issuing import CertificateError
from certify.certificates.models import RenewalRequest
from certify.database import utcnow
from certify.extensions import db
from certify.security.access import acting_user


@admin_bp.route("/renewals")
def renewals_queue() -> str:
    return render_template(
        "certificates/admin/renewals.html",
        pending=renewals.awaiting_review(),
        decided=renewals.recently_decided(),
        assessed=candidates_assessed_by(acting_user().id),
    )


def _request_or_404(request_id: int) -> RenewalRequest:
    found = db.session.get(RenewalRequest, request_id)
    if found is None:
        abort(404)
    return found


def _page(found: RenewalRequest, error: str | None = None, note: str = "", status: int = 200) -> tuple[str, int]:
    page = render_template(
        "certificates/admin/renewal.html",
        req=found,
        points=sum(int(a.get("points", 0)) for a in found.activities),
        assessed=found.holder_id in candidates_assessed_by(acting_user().id),
        error=error,
        note=note,
    )
    return page, status


@admin_bp.route("/renewals/<int:request_id>")
def renewal(request_id: int) -> tuple[str, int]:
    return _page(_request_or_404(request_id))


@admin_bp.route("/renewals/<int:request_id>/decide", methods=["POST"])
def decide_renewal(request_id: int) -> Response | tuple[str, int]:
    found = _request_or_404(request_id)
    decision, note = request.form.get("decision", ""), request.form.get("note", "")
    try:
        successor = renewals.decide(acting_user(), found, decision, note, utcnow())
    except CertificateError as exc:
        db.session.rollback()
        return _page(_request_or_404(request_id), str(exc), note, exc.status)
    db.session.commit()
    if successor is not None:
        flash(f"Approved: {found.certificate.serial} renewed as {successor.serial}.", "success")
    elif decision == "more":
        flash(f"Asked {found.holder.name} for more information.", "success")
    else:
        flash(f"Refused the renewal of {found.certificate.serial}.", "success")
    return redirect(url_for("certificates_admin.renewals_queue"))
