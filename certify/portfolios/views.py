"""Candidate portfolio pages: the editor (autosaved), evidence files, submission, versions and feedback."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from certify import storage
from certify.core.outcome_plan import PLAN_FIELDS
from certify.database import utcnow
from certify.extensions import db
from certify.params import is_sequence_number, whole_number
from certify.portfolios import bp
from certify.portfolios import services as portfolios
from certify.portfolios.services import PortfolioError
from certify.review import appeals
from certify.review.presenting import feedback, reference
from certify.review.services import ReviewError, get_rubric
from certify.security.access import acting_user
from certify.security.json_input import JsonRefused, json_object
from certify.security.uploads import KINDS


def _editor(status: int = 200, error: str | None = None, plan_errors: dict[str, str] | None = None) -> tuple[str, int]:
    candidate = acting_user()
    rubric = get_rubric()
    if rubric is None:
        abort(503)
    portfolio = portfolios.portfolio_for(candidate)
    db.session.commit()  # the empty portfolio, on first visit
    open_version = next((v for v in portfolio.versions if v.state != "resolved"), None)
    files = [a for a in portfolio.attachments if not a.removed]
    page = render_template(
        "portfolios/edit.html",
        rubric=rubric,
        portfolio=portfolio,
        sections=portfolio.draft_sections,
        files=files,
        used_bytes=sum(a.size for a in files),
        open_version=open_version,
        accepted=", ".join(kind.upper() for kind in KINDS),
        error=error,
        plan_values=portfolio.draft_outcome_plan or {},
        plan_errors=plan_errors or {},
    )
    return page, status


@bp.route("/", methods=["GET"])
def edit() -> tuple[str, int]:
    return _editor()


@bp.route("/", methods=["POST"])
def save() -> Response | tuple[str, int]:
    """The editor's Save button (and the whole editor without JavaScript)."""
    codes = portfolios.criteria_codes()
    sections = {code: request.form.get(f"section-{code}", "") for code in codes}
    try:
        portfolios.save_draft(acting_user(), sections, whole_number(request.form.get("seq")), utcnow())
    except PortfolioError as exc:
        db.session.rollback()
        return _editor(exc.status, str(exc))
    db.session.commit()
    flash("Draft saved.", "success")
    return redirect(url_for("portfolios.edit"))


@bp.route("/draft", methods=["PUT"])
def autosave() -> Response | tuple[Response, int]:
    try:
        body = json_object()
    except JsonRefused as exc:
        return jsonify(error="invalid", message=str(exc)), 400
    seq = body.get("seq")
    if not isinstance(body.get("sections"), dict) or not is_sequence_number(seq):
        return jsonify(error="invalid", message="Send {sections: {code: text}, seq: a positive whole number}."), 400
    try:
        seq = portfolios.save_draft(acting_user(), body["sections"], seq, utcnow())
    except PortfolioError as exc:
        db.session.rollback()
        current = portfolios.portfolio_for(acting_user()).draft_seq
        return jsonify(error="refused", message=str(exc), seq=current), exc.status
    db.session.commit()
    return jsonify(seq=seq, saved_at=utcnow().isoformat())


@bp.route("/outcome-plan", methods=["POST"])
def save_plan() -> Response | tuple[str, int]:
    """The structured outcome plan: kept as typed, then checked (a problem is shown beside its field)."""
    raw: dict[str, object] = {name: request.form.get(f"plan-{name}", "") for name in PLAN_FIELDS}
    checked = portfolios.save_outcome_plan(acting_user(), raw, utcnow())
    db.session.commit()
    if checked.errors:
        return _editor(400, plan_errors=checked.errors)
    flash("Outcome plan saved.", "success")
    return redirect(url_for("portfolios.edit") + "#outcome-plan")


@bp.route("/files", methods=["POST"])
def upload() -> Response | tuple[str, int]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _editor(400, "Choose a file to upload.")
    try:
        attachment = portfolios.add_attachment(
            acting_user(), upload.filename, upload.read(), request.form.get("criterion", "")
        )
    except PortfolioError as exc:
        db.session.rollback()
        return _editor(exc.status, str(exc))
    db.session.commit()
    flash(f"{attachment.safe_name} was added to your evidence.", "success")
    return redirect(url_for("portfolios.edit") + "#evidence")


@bp.route("/files/<int:attachment_id>/remove", methods=["POST"])
def remove_file(attachment_id: int) -> Response:
    try:
        attachment = portfolios.remove_attachment(acting_user(), attachment_id)
    except PortfolioError:
        abort(404)
    db.session.commit()
    flash(f"{attachment.safe_name} was removed from your draft.", "success")
    return redirect(url_for("portfolios.edit") + "#evidence")


@bp.route("/files/<int:attachment_id>")
def download(attachment_id: int) -> Response:
    attachment = portfolios.attachment_of(acting_user(), attachment_id)
    if attachment is None:
        abort(404)
    return storage.file_response(attachment.blob_sha256, KINDS[attachment.kind][0], attachment.safe_name)


@bp.route("/preview")
def preview() -> str:
    rubric = get_rubric()
    if rubric is None:
        abort(503)
    portfolio = portfolios.portfolio_for(acting_user())
    db.session.commit()
    return render_template("portfolios/preview.html", rubric=rubric, sections=portfolio.draft_sections)


@bp.route("/submit", methods=["POST"])
def submit() -> Response | tuple[str, int]:
    if request.form.get("confirm") != "yes":
        return _editor(400, "Tick the box to confirm the portfolio is your own work and ready to assess.")
    try:
        version = portfolios.submit(acting_user(), utcnow())
    except PortfolioError as exc:
        db.session.rollback()
        return _editor(exc.status, str(exc))
    db.session.commit()
    flash(f"Version {version.number} was submitted for assessment.", "success")
    return redirect(url_for("portfolios.version", number=version.number))


def _version_page(number: int, *, reason: str = "", error: str | None = None, status: int = 200) -> tuple[str, int]:
    found = portfolios.version_of(acting_user(), number)
    if found is None:
        abort(404)
    shown = feedback(found)
    allowed, why = appeals.can_appeal(found, utcnow()) if shown else (False, "")
    page = render_template(
        "portfolios/version.html",
        version=found,
        reference=reference(found),
        rubric=get_rubric(),
        feedback=shown,
        can_appeal=allowed,
        appeal_blocked=why,
        appeal_deadline=appeals.appeal_deadline(shown.resolution) if shown else None,
        files=portfolios.version_attachments(found),
        min_reason=appeals.MIN_REASON_CHARS,
        reason=reason,
        error=error,
    )
    return page, status


@bp.route("/versions/<int:number>")
def version(number: int) -> tuple[str, int]:
    return _version_page(number)


@bp.route("/versions/<int:number>/appeal", methods=["POST"])
def appeal(number: int) -> Response | tuple[str, int]:
    candidate = acting_user()
    found = portfolios.version_of(candidate, number)
    if found is None:
        abort(404)
    reason = request.form.get("reason", "")
    try:
        appeals.lodge(candidate, found, reason, utcnow())
    except ReviewError as exc:
        db.session.rollback()
        return _version_page(number, reason=reason, error=str(exc), status=exc.status)
    db.session.commit()
    flash(
        "Your appeal was lodged. An administrator will allocate a fresh assessor to re-mark your portfolio.", "success"
    )
    return redirect(url_for("portfolios.version", number=number))
