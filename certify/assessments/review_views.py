"""The item review queue and the review step (admins and assessors; the service enforces who may take which step)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from certify.assessments import item_review, item_review_bp
from certify.assessments import services as bank_service
from certify.assessments.forms import ItemReviewForm
from certify.assessments.models import Item
from certify.assessments.review_findings import findings
from certify.auth.models import User
from certify.core.items import IN_REVIEW
from certify.database import utcnow
from certify.extensions import db
from certify.security.access import acting_user


def review_form(actor: User, item: Item, back: str = "review") -> ItemReviewForm:
    form = ItemReviewForm(back=back)
    form.action.choices = [SelectChoice(a, item_review.LABELS[a]) for a in item_review.allowed_actions(actor, item)]
    return form


def review_step(actor: User, item: Item, form: ItemReviewForm | None = None, back: str = "review") -> dict[str, Any]:
    """What the review step shows: the findings (while in review), the history and the form (when a step is open)."""
    version = item.current()
    form = form or review_form(actor, item, back)
    return {
        "version": version,
        "in_review": version.status in IN_REVIEW,
        "findings": findings(version) if version.status in ("draft", "reviewed") else None,
        "history": item_review.history(item),
        "form": form if form.action.choices else None,
    }


@item_review_bp.route("/items/review")
def queue() -> str:
    return render_template("exams/admin/review_queue.html", rows=item_review.queue(), now=utcnow())


@item_review_bp.route("/items/<ref>/review", methods=["GET", "POST"])
def review(ref: str) -> Response | str | tuple[str, int]:
    item = bank_service.item_by_ref(ref)
    if item is None:
        abort(404)
    actor = acting_user()
    form = review_form(actor, item)
    error = None
    if form.is_submitted():
        if form.validate():
            try:
                version = item_review.decide(
                    actor,
                    item,
                    form.action.data,
                    comment=form.comment.data or "",
                    findings_seen=bool(form.findings_seen.data),
                )
            except item_review.ReviewRefused as exc:
                db.session.rollback()
                error = str(exc)
            else:
                db.session.commit()
                flash(f"{ref} version {version.version} is now {version.status}.", "success")
                if form.back.data == "item" and actor.has_role("admin"):
                    return redirect(url_for("assessments_admin.item", ref=ref))
                return redirect(url_for("item_review.review", ref=ref))
        item = bank_service.item_by_ref(ref) or item
    page = render_template("exams/admin/review.html", item=item, error=error, **review_step(actor, item, form))
    return (page, 400) if form.is_submitted() else page
