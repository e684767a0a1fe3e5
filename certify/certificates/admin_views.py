"""Administration of certificates: the eligibility queue, issuing (one or all), and each certificate's life."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from markupsafe import escape
from sqlalchemy import or_, select

from certify.auth.models import User
from certify.certificates import admin_bp, lifecycle
from certify.certificates.evidence import candidates_assessed_by, evidence_lines, exam_record, queue
from certify.certificates.issuing import CertificateError, issue, issue_all_steps
from certify.certificates.models import Certificate
from certify.database import utcnow
from certify.extensions import db
from certify.security.access import acting_user

ACTIONS = ("revoke", "suspend", "reinstate", "renew")
PROGRESS_MARK = "<!-- progress -->"


@admin_bp.route("/certificates")
def certificates() -> tuple[str, int]:
    return _queue_page()


def _queue_page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    now, me = utcnow(), acting_user()
    text = request.args.get("q", "").strip()[:100]
    query = select(Certificate).join(User, User.id == Certificate.holder_id).order_by(Certificate.issued_at.desc())
    if text:
        query = query.where(or_(Certificate.serial.ilike(f"%{text}%"), User.name.ilike(f"%{text}%")))
    issued = db.session.scalars(query.limit(200)).all()
    assessed = candidates_assessed_by(me.id)
    rows = [(user, eligibility, user.id in assessed) for user, eligibility in queue(now)]
    page = render_template(
        "certificates/admin/certificates.html", rows=rows, issued=issued, now=now, q=text, error=error
    )
    return page, status


@admin_bp.route("/certificates/issue/<int:user_id>", methods=["POST"])
def issue_certificate(user_id: int) -> Response | tuple[str, int]:
    candidate = db.session.get(User, user_id)
    if candidate is None:
        abort(404)
    override = request.form.get("override_reason")  # present only on the override form, where it is required
    try:
        certificate = issue(acting_user(), candidate, utcnow(), override_reason=override)
    except CertificateError as exc:
        db.session.rollback()
        if exc.status == 403:  # the 17024 rule: this admin may not decide for this candidate
            return _queue_page(str(exc), 403)
        flash(str(exc), "error")
        return redirect(url_for("certificates_admin.certificates"))
    db.session.commit()
    flash(f"Issued {certificate.serial} to {candidate.name}.", "success")
    return redirect(url_for("certificates_admin.certificate", serial=certificate.serial))


@admin_bp.route("/certificates/issue-all", methods=["POST"])
def issue_all_certificates() -> Response:
    """Issue to everyone eligible, streaming the page so the admin sees each certificate as it is produced."""
    actor, now = acting_user(), utcnow()
    head, tail = render_template("certificates/admin/certificates_issue_all.html").split(PROGRESS_MARK)

    def generate() -> Iterator[str]:
        yield head
        skipped: list[str] = []
        count = 0
        try:
            for done, total, cert in issue_all_steps(actor, now, skipped=skipped):
                count = done
                yield f"<li>{done} of {total}: {escape(cert.serial)} for {escape(cert.holder.name)}</li>\n"
            db.session.commit()
        except Exception:
            db.session.rollback()
            yield '</ol><p class="flash flash-error">Issuing stopped with an error; nothing was issued.</p>'
            yield tail
            raise
        summary = f'</ol><p class="notice notice-success" role="status">Issued {count} certificate(s).</p>'
        if skipped:
            summary += "<h2>Not issued</h2><ul>" + "".join(f"<li>{escape(s)}</li>" for s in skipped) + "</ul>"
        yield summary + tail

    return Response(stream_with_context(generate()), mimetype="text/html")


@admin_bp.route("/certificates/<serial>")
def certificate(serial: str) -> str:
    found = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    if found is None:
        abort(404)
    now = utcnow()
    return render_template(
        "certificates/admin/certificate.html",
        certificate=found,
        state=found.state(now),
        renewal=lifecycle.renewal_check(found, now),
        successor=db.session.scalar(select(Certificate).where(Certificate.predecessor_id == found.id)),
        evidence=evidence_lines(found),
    )


@admin_bp.route("/certificates/evidence/exams/<int:attempt_id>")
def certificate_exam(attempt_id: int) -> str:
    """A scored certification exam attempt, cited as evidence for a certificate decision."""
    record = exam_record(attempt_id)
    if record is None:
        abort(404)
    return render_template("certificates/admin/certificate_exam.html", record=record)


@admin_bp.route("/certificates/<serial>/<action>", methods=["POST"])
def certificate_action(serial: str, action: str) -> Response:
    found = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    if found is None or action not in ACTIONS:
        abort(404)
    actor, now, reason = acting_user(), utcnow(), request.form.get("reason", "")
    try:
        if action == "revoke":
            lifecycle.revoke(actor, found, reason, now)
        elif action == "suspend":
            lifecycle.suspend(actor, found, reason, now)
        elif action == "reinstate":
            lifecycle.reinstate(actor, found, now)
        else:
            successor = lifecycle.renew(actor, found, now)
            db.session.commit()
            flash(f"Renewed as {successor.serial}.", "success")
            return redirect(url_for("certificates_admin.certificate", serial=successor.serial))
    except CertificateError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("certificates_admin.certificate", serial=serial))
    db.session.commit()
    flash(f"{serial}: {action} done.", "success")
    return redirect(url_for("certificates_admin.certificate", serial=serial))
