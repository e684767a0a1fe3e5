"""Administration of question banks (browse and search items, versions, import, export, regrade) and of each
assessment's equated pass marks (their state, and re-deciding earlier results)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for

from certify.assessments import admin_bp, equating, redecide
from certify.assessments import regrade as regrading
from certify.assessments import services as bank_service
from certify.assessments.formats import EXPORT_FORMATS, export_bank
from certify.assessments.review_views import review_step
from certify.auth.forms import ConfirmForm
from certify.core.irt import MID_SCALE
from certify.core.items import ITEM_TYPES, REGISTRY, STATUSES
from certify.extensions import db
from certify.security.access import acting_user

MIME = {
    "yaml": "application/yaml",
    "gift": "text/plain; charset=utf-8",
    "moodle_xml": "application/xml",
    "qti3": "application/zip",
}


@admin_bp.route("/items")
def items() -> str:
    args = request.args
    page = bank_service.search_items(
        text=args.get("q", "")[:200],
        competency=args.get("competency", ""),
        item_type=args.get("type", ""),
        status=args.get("status", ""),
        bank=args.get("bank", ""),
        page=args.get("page", 1, type=int) or 1,
    )
    return render_template(
        "exams/admin/items.html",
        page=page,
        args=args,
        competencies=bank_service.competencies(),
        types=ITEM_TYPES,
        type_labels={name: module.label for name, module in REGISTRY.items()},
        statuses=STATUSES,
        banks=bank_service.banks(),
    )


@admin_bp.route("/items/<ref>")
def item(ref: str) -> str:
    stored = bank_service.item_by_ref(ref)
    if stored is None:
        abort(404)
    return render_template(
        "exams/admin/item.html",
        item=stored,
        versions=list(reversed(stored.versions)),
        **review_step(acting_user(), stored, back="item"),
    )


@admin_bp.route("/banks/<slug>/export/<fmt>")
def export(slug: str, fmt: str) -> Response:
    bank = bank_service.bank_by_slug(slug)
    if bank is None or fmt not in EXPORT_FORMATS:
        abort(404)
    data, _warnings = export_bank(bank_service.bank_as_spec(bank), fmt)
    response = Response(data, mimetype=MIME[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{bank.slug}{EXPORT_FORMATS[fmt]}"'
    return response


@admin_bp.route("/items/<ref>/regrade", methods=["GET", "POST"])
def regrade(ref: str) -> Response | str:
    stored = bank_service.item_by_ref(ref)
    if stored is None:
        abort(404)
    confirm = ConfirmForm()
    if request.method == "POST" and confirm.validate_on_submit():
        changes = regrading.apply(acting_user(), stored)
        db.session.commit()
        flash(
            f"Regraded: {len(changes)} attempt{'s' if len(changes) != 1 else ''} changed; the candidates have been "
            "told by email.",
            "success",
        )
        return redirect(url_for("assessments_admin.item", ref=ref))
    return render_template(
        "exams/admin/regrade.html",
        item=stored,
        version=stored.current(),
        changes=regrading.preview(stored),
        given=regrading.given_answers(stored),
        confirm=confirm,
    )


@admin_bp.route("/items/<ref>/accept", methods=["POST"])
def accept_answers(ref: str) -> Response:
    stored = bank_service.item_by_ref(ref)
    if stored is None:
        abort(404)
    answers = [*request.form.getlist("answer"), *request.form.get("other", "").split("\n")]
    try:
        version = regrading.accept_answers(acting_user(), stored, [a[:500] for a in answers])
    except regrading.RegradeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"Version {version.version} accepts the new answers. Review the regrade below, then apply it.", "success")
    return redirect(url_for("assessments_admin.regrade", ref=ref))


@admin_bp.route("/assessments/<slug>/equating", methods=["GET", "POST"])
def equating_page(slug: str) -> Response | str:
    assessment = bank_service.assessment_by_slug(slug)
    if assessment is None:
        abort(404)
    confirm = ConfirmForm()
    if request.method == "POST" and confirm.validate_on_submit():
        done = redecide.apply(acting_user(), assessment)
        db.session.commit()
        flash(
            f"Re-decided {len(done.changes)} result{'s' if len(done.changes) != 1 else ''} by the equating rule in "
            f"force; {len(done.outcome_changes)} outcome{'s' if len(done.outcome_changes) != 1 else ''} changed and "
            "those candidates have been told by email.",
            "success",
        )
        return redirect(url_for("assessments_admin.equating_page", slug=slug))
    return render_template(
        "exams/admin/equating.html",
        assessment=assessment,
        status=equating.status(assessment),
        preview=redecide.preview(assessment),
        scale=MID_SCALE,
        confirm=confirm,
    )
