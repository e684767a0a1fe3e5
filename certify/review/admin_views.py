"""Administration of portfolio assessment: versions and their allocations, reallocation, appeals, conflicts."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from certify.audit import services as audit
from certify.auth.models import User, UserRole
from certify.extensions import db
from certify.params import whole_number
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review import admin_bp
from certify.review import appeals as appeal_service
from certify.review.allocation import (
    AllocationError,
    eligible_assessors,
    fill_gaps,
    needs_assessors,
    reallocate,
    record_conflict,
    used_assessors,
)
from certify.review.conflicts import all_declarations
from certify.review.models import Allocation, Appeal, ConflictOfInterest, Resolution
from certify.review.presenting import reference
from certify.review.services import get_rubric
from certify.security.access import acting_user

STATES = {
    "awaiting_review": "Waiting for assessors",
    "in_review": "In review",
    "adjudication": "With an adjudicator",
    "resolved": "Decided",
}


@admin_bp.route("/portfolios")
def portfolios() -> str:
    state = request.args.get("state", "")
    query = (
        select(PortfolioVersion, User)
        .join(Portfolio, Portfolio.id == PortfolioVersion.portfolio_id)
        .join(User, User.id == Portfolio.candidate_id)
        .order_by(PortfolioVersion.submitted_at.desc())
        .limit(500)
    )
    if state in STATES:
        query = query.where(PortfolioVersion.state == state)
    rows = db.session.execute(query).all()
    resolutions = {
        r.version_id: r
        for r in db.session.scalars(select(Resolution).where(Resolution.version_id.in_([v.id for v, _ in rows])))
    }
    return render_template(
        "review/admin/portfolios.html",
        rows=rows,
        resolutions=resolutions,
        states=STATES,
        state=state,
        reference=reference,
    )


def _version_or_404(version_id: int) -> PortfolioVersion:
    version = db.session.get(PortfolioVersion, version_id)
    if version is None:
        abort(404)
    return version


@admin_bp.route("/portfolios/<int:version_id>")
def portfolio(version_id: int) -> str:
    version = _version_or_404(version_id)
    owner = db.session.get(Portfolio, version.portfolio_id)
    assert owner is not None
    allocations = db.session.scalars(
        select(Allocation).where(Allocation.version_id == version.id).order_by(Allocation.id)
    ).all()
    people = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_([a.assessor_id for a in allocations])))
    }
    used = used_assessors(version)
    options = {role: eligible_assessors(version, exclude=used, role=role) for role in ("assessor", "adjudicator")}
    appeal = db.session.scalar(select(Appeal).where(Appeal.version_id == version.id))
    return render_template(
        "review/admin/portfolio.html",
        version=version,
        candidate=db.session.get(User, owner.candidate_id),
        reference=reference(version),
        allocations=allocations,
        people=people,
        options=options,
        resolution=db.session.get(Resolution, version.id),
        appeal=appeal,
        fresh=appeal_service.fresh_assessors(appeal) if appeal and appeal.status == "lodged" else [],
        rubric=get_rubric(),
        states=STATES,
        needs_allocation=needs_assessors(version),
    )


@admin_bp.route("/portfolios/<int:version_id>/allocate", methods=["POST"])
def allocate_portfolio(version_id: int) -> Response:
    """Allocate a version that was waiting: the two assessors, or the adjudicator."""
    version = _version_or_404(version_id)
    try:
        if not needs_assessors(version):
            raise AllocationError("This portfolio already has its assessors.")
        fill_gaps(version)
    except AllocationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        audit.record(acting_user(), "portfolio.allocation_requested", "portfolio_version", version.id)
        db.session.commit()
        flash("Allocated.", "success")
    return redirect(url_for("review_admin.portfolio", version_id=version.id))


def _assign(missing: str, give: Callable[[User], object], done: str) -> None:
    """Give a review to the assessor chosen in the form; flash the outcome, commit only on success."""
    person = db.session.get(User, whole_number(request.form.get("assessor_id")))
    try:
        if person is None:
            raise AllocationError(missing)
        give(person)
    except AllocationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(done.format(name=person.name), "success")


@admin_bp.route("/allocations/<int:allocation_id>/reallocate", methods=["POST"])
def reallocate_review(allocation_id: int) -> Response:
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None:
        abort(404)
    force = request.form.get("force") == "yes"
    _assign(
        "Choose the assessor to take this review.",
        lambda person: reallocate(acting_user(), allocation, person, force=force),
        "The review was reallocated to {name}.",
    )
    return redirect(url_for("review_admin.portfolio", version_id=allocation.version_id))


@admin_bp.route("/appeals")
def appeals() -> str:
    rows = db.session.execute(
        select(Appeal, User, PortfolioVersion)
        .join(User, User.id == Appeal.candidate_id)
        .join(PortfolioVersion, PortfolioVersion.id == Appeal.version_id)
        .order_by(Appeal.lodged_at.desc())
    ).all()
    return render_template("review/admin/appeals.html", rows=rows, reference=reference)


@admin_bp.route("/appeals/<int:appeal_id>/allocate", methods=["POST"])
def allocate_appeal(appeal_id: int) -> Response:
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        abort(404)
    _assign(
        "Choose a fresh assessor.",
        lambda person: appeal_service.allocate(acting_user(), appeal, person),
        "{name} will re-mark the portfolio.",
    )
    return redirect(url_for("review_admin.portfolio", version_id=appeal.version_id) + "#appeal")


@admin_bp.route("/conflicts", methods=["GET", "POST"])
def conflicts() -> tuple[str, int]:
    """Conflicts of interest, including the candidate's own trainer, recorded by an admin."""
    error, status = None, 200
    form = {k: request.form.get(k, "").strip() for k in ("assessor_id", "email", "reason")}
    if request.method == "POST":
        assessor = db.session.get(User, whole_number(form["assessor_id"]))
        candidate = db.session.scalar(select(User).where(User.email == form["email"].lower()))
        if assessor is None or not assessor.has_role("assessor", "adjudicator"):
            error = "Choose an assessor."
        elif candidate is None or candidate.id == assessor.id:
            error = "No other account uses that email address."
        elif not form["reason"] or len(form["reason"]) > 300:
            error = "Describe the conflict (for example, “their trainer”) in at most 300 characters."
        if error:
            status = 400
        else:
            assert assessor is not None and candidate is not None
            moved = record_conflict(acting_user(), assessor, candidate, form["reason"])
            db.session.commit()
            flash(
                f"Recorded: {assessor.name} will never be allocated work by {candidate.name}."
                + (f" {len(moved)} unfinished review(s) of theirs moved to another assessor." if moved else ""),
                "success",
            )
            form = {"assessor_id": "", "email": "", "reason": ""}
    assessors = db.session.scalars(
        select(User).join(UserRole).where(UserRole.role.in_(("assessor", "adjudicator"))).distinct().order_by(User.name)
    ).all()
    candidate_user = db.aliased(User)
    rows = db.session.execute(
        select(ConflictOfInterest, User, candidate_user)
        .join(User, User.id == ConflictOfInterest.assessor_id)
        .join(candidate_user, candidate_user.id == ConflictOfInterest.candidate_id)
        .order_by(User.name)
    ).all()
    page = render_template(
        "review/admin/conflicts.html",
        rows=rows,
        declared=all_declarations(),
        assessors=assessors,
        form=form,
        error=error,
    )
    return page, status
