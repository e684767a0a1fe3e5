"""Assessor pages: allocations (blind), the review form with a renewable lock, calibration, conflicts."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from certify import storage
from certify.database import utcnow
from certify.extensions import db
from certify.params import is_sequence_number, whole_number
from certify.portfolios.models import PortfolioVersion
from certify.portfolios.services import blind_copy
from certify.review import bp
from certify.review import workspace as ws
from certify.review.allocation import AllocationError, withdraw_for_conflict
from certify.review.conflicts import ConflictError, declarations_of, declare_by_email
from certify.review.models import Allocation, AnchorPortfolio, CalibrationAttempt
from certify.review.presenting import blind_files, blind_portfolio, reference
from certify.review.reviewing import allocation_for, criteria, record_calibration, submit_review
from certify.review.services import ReviewError, get_rubric
from certify.security.access import acting_user
from certify.security.json_input import JsonRefused, json_object
from certify.security.scrub import ScrubFailed
from certify.security.uploads import KINDS


def _mine(allocation_id: int) -> Allocation:
    allocation = allocation_for(acting_user(), allocation_id)
    if allocation is None or allocation.status == "withdrawn":
        abort(404)
    return allocation


@bp.route("/")
def index() -> str:
    me = acting_user()
    rows = db.session.scalars(
        select(Allocation)
        .where(Allocation.assessor_id == me.id, Allocation.status != "withdrawn")
        .order_by(Allocation.id)
    ).all()
    versions = {
        v.id: v
        for v in db.session.scalars(
            select(PortfolioVersion).where(PortfolioVersion.id.in_([r.version_id for r in rows]))
        )
    }
    latest = db.session.scalar(
        select(CalibrationAttempt).where(CalibrationAttempt.assessor_id == me.id).order_by(CalibrationAttempt.id.desc())
    )
    calibrated = db.session.scalar(
        select(CalibrationAttempt.id).where(CalibrationAttempt.assessor_id == me.id, CalibrationAttempt.calibrated)
    )
    return render_template(
        "review/index.html",
        todo=[(r, reference(versions[r.version_id])) for r in rows if r.status == "allocated"],
        done=[(r, reference(versions[r.version_id])) for r in rows if r.status == "submitted"],
        latest=latest,
        calibrated=calibrated is not None,
        is_assessor=me.has_role("assessor", "adjudicator"),
    )


def _review_page(
    allocation: Allocation,
    *,
    token: str | None,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The review as this window sees it: holding the lock, free to start, or held by another window."""
    review, now = allocation.review, utcnow()
    levels = form["levels"] if form else (dict(review.levels) if review else {})
    comments = form["comments"] if form else (dict(review.comments) if review else {})
    overall = form["overall"] if form else (review.overall_comment if review else "")
    page = render_template(
        "review/allocation.html",
        allocation=allocation,
        shown=blind_portfolio(allocation),
        rubric=get_rubric(),
        lock=ws.lock_held(allocation, token, now),
        busy=ws.held_elsewhere(allocation, token, now),
        levels=levels,
        comments=comments,
        overall=overall,
        seq=(review.seq if review else 0) + 1,
        error=error,
    )
    return page, status


@bp.route("/allocations/<int:allocation_id>")
def allocation(allocation_id: int) -> tuple[str, int]:
    """Opening a review takes nothing; a window that holds the lock keeps its token in the URL across reloads."""
    return _review_page(_mine(allocation_id), token=request.args.get("lock") or None)


def _posted_review() -> dict[str, Any]:
    codes = criteria()
    return {
        "levels": {c: request.form.get(f"level-{c}", "") for c in codes},
        "comments": {c: request.form.get(f"comment-{c}", "") for c in codes},
        "overall": request.form.get("overall", ""),
    }


@bp.route("/allocations/<int:allocation_id>", methods=["POST"])
def save(allocation_id: int) -> Response | tuple[str, int]:
    """Save (or Start reviewing, which saves and so takes the lock), Submit (asks to confirm), Confirm, Take over."""
    found = _mine(allocation_id)
    me, now, action = acting_user(), utcnow(), request.form.get("action", "save")
    token = request.form.get("lock", "")
    if action == "take_over":
        lock = ws.take_lock(me, found, now, token=token, take_over=True)
        db.session.commit()
        flash("This window now holds the review; any other window can no longer save it.", "success")
        return redirect(url_for("review.allocation", allocation_id=found.id, lock=lock.token if lock else None))
    form = _posted_review()
    try:
        levels = ws.parse_levels(form["levels"], complete=action in ("submit", "confirm"))
        comments, overall = ws.parse_comments(form["comments"]), ws.check_overall(form["overall"])
        if action == "submit":
            return _confirmation(found, token, form)
        if action == "confirm":
            submit_review(me, found, levels, comments, overall, now, token=token)
        else:
            lock = ws.save_draft(
                me,
                found,
                token=token,
                seq=whole_number(request.form.get("seq")),
                levels=levels,
                comments=comments,
                overall=overall,
                now=now,
            )
    except ReviewError as exc:
        db.session.rollback()
        return _review_page(found, token=token, form=form, error=str(exc), status=exc.status)
    db.session.commit()
    if action == "confirm":
        flash(f"Your review of {reference(found_version(found))} was submitted.", "success")
        return redirect(url_for("review.index"))
    flash(f"Review draft saved. This window holds the review until {lock.expires_at:%H:%M} UTC.", "success")
    return redirect(url_for("review.allocation", allocation_id=found.id, lock=lock.token))


def _confirmation(found: Allocation, token: str, form: dict[str, Any]) -> tuple[str, int]:
    """A complete review is shown back for confirmation; nothing is recorded until the assessor confirms."""
    if found.status != "allocated":
        raise ReviewError("This review has already been submitted.", 409)
    if ws.held_elsewhere(found, token, utcnow()):
        raise ReviewError("This review is open in another window, which now holds it; reload to continue here.", 423)
    page = render_template(
        "review/confirm.html",
        allocation=found,
        reference=reference(found_version(found)),
        rubric=get_rubric(),
        form=form,
        token=token,
        seq=request.form.get("seq", ""),
    )
    return page, 200


def found_version(allocation: Allocation) -> PortfolioVersion:
    version = db.session.get(PortfolioVersion, allocation.version_id)
    assert version is not None
    return version


@bp.route("/allocations/<int:allocation_id>/draft", methods=["PUT"])
def autosave(allocation_id: int) -> Response | tuple[Response, int]:
    found = _mine(allocation_id)
    try:
        body = json_object()
    except JsonRefused as exc:
        return jsonify(error="invalid", message=str(exc)), 400
    seq = body.get("seq")
    if not is_sequence_number(seq):
        return jsonify(error="invalid", message="Send {levels, comments, overall, seq, lock}."), 400
    try:
        lock = ws.save_draft(
            acting_user(),
            found,
            token=str(body.get("lock", "")),
            seq=seq,
            levels=ws.parse_levels(body.get("levels", {}), complete=False),
            comments=ws.parse_comments(body.get("comments")),
            overall=ws.check_overall(body.get("overall", "")),
            now=utcnow(),
        )
    except ReviewError as exc:
        db.session.rollback()
        return jsonify(error="refused", message=str(exc)), exc.status
    db.session.commit()
    # The first autosave of a window takes the lock: the script keeps the token it is given.
    return jsonify(seq=seq, lock=lock.token, lock_expires_at=lock.expires_at.isoformat())


@bp.route("/allocations/<int:allocation_id>/files/<int:position>")
def download(allocation_id: int, position: int) -> Response:
    found = _mine(allocation_id)
    files = blind_files(found_version(found))
    if not 1 <= position <= len(files):
        abort(404)
    chosen = files[position - 1]
    try:
        cleaned = blind_copy(chosen.attachment)
    except ScrubFailed:
        db.session.rollback()
        flash(
            f"{chosen.name} cannot be given to you: its author details could not be removed. "
            "Ask the certification office for a clean copy.",
            "error",
        )
        return redirect(url_for("review.allocation", allocation_id=found.id))
    db.session.commit()  # a copy made now, for a file uploaded before copies were made at upload
    return storage.file_response(cleaned, KINDS[chosen.attachment.kind][0], chosen.name)


@bp.route("/allocations/<int:allocation_id>/conflict", methods=["POST"])
def declare_conflict_here(allocation_id: int) -> Response:
    found = _mine(allocation_id)
    try:
        withdraw_for_conflict(acting_user(), found, request.form.get("reason", "") or "recognised during review")
    except AllocationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("review.allocation", allocation_id=found.id))
    db.session.commit()
    flash(
        "Recorded: you will never be allocated this candidate's work. The review was passed to another assessor.",
        "success",
    )
    return redirect(url_for("review.index"))


@bp.route("/calibration", methods=["GET", "POST"])
def calibration() -> tuple[str, int]:
    anchors = db.session.scalars(select(AnchorPortfolio).order_by(AnchorPortfolio.slug)).all()
    rubric = get_rubric()
    if rubric is None or not anchors:
        abort(503)
    me, attempt, error, status = acting_user(), None, None, 200
    given: dict[str, dict[str, Any]] = {
        a.slug: {c.code: request.form.get(f"{a.slug}-{c.code}", "") for c in rubric.criteria} for a in anchors
    }
    if request.method == "POST":
        try:
            scores = {slug: ws.parse_levels(levels, complete=True) for slug, levels in given.items()}
            attempt = record_calibration(me, scores, utcnow())
        except ReviewError as exc:
            db.session.rollback()
            error, status = str(exc), exc.status
        else:
            db.session.commit()
    return render_template(
        "review/calibration.html", anchors=anchors, rubric=rubric, given=given, attempt=attempt, error=error
    ), status


@bp.route("/conflicts", methods=["GET", "POST"])
def conflicts() -> Response | tuple[str, int]:
    """Declare a conflict by email. The answer is the same whether or not the address has an account."""
    me, error, status = acting_user(), None, 200
    email, reason = request.form.get("email", "").strip(), request.form.get("reason", "").strip()
    if request.method == "POST":
        try:
            declared = declare_by_email(me, email, reason)
        except ConflictError as exc:
            db.session.rollback()
            error, status = str(exc), 400
        else:
            db.session.commit()
            flash(
                f"Recorded: you will never be allocated work by whoever uses {declared.email}, now or if they "
                "register later. Any review of theirs you had open has been passed to another assessor.",
                "success",
            )
            return redirect(url_for("review.conflicts"))
    page = render_template(
        "review/conflicts.html", declared=declarations_of(me), email=email, reason=reason, error=error
    )
    return page, status
