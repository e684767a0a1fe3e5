"""Administration: the overview (work queue), people, roles, accommodations, outgoing mail and the audit log."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from certify.admin import bp
from certify.admin.forms import AccommodationForm, CreateUserForm, EditUserForm
from certify.admin.work_queue import work_queue
from certify.assessments.accommodations import accommodation_for, set_accommodation
from certify.audit import services as audit
from certify.auth import directory
from certify.auth import services as accounts
from certify.auth.forms import ConfirmForm
from certify.database import utcnow
from certify.extensions import db
from certify.outbox import services as outbox_service
from certify.params import whole_number
from certify.security.access import acting_user


@bp.route("/")
def index() -> str:
    return render_template("admin/index.html", queue=work_queue())


AUDIT_FIELDS = ("actor", "action", "type", "id", "from", "to")


@bp.route("/users")
def users() -> str:
    page = directory.search_users(
        text=request.args.get("q", "")[:200],
        role=request.args.get("role", ""),
        status=request.args.get("status", ""),
        page=request.args.get("page", 1, type=int) or 1,
    )
    return render_template("admin/users.html", page=page, args=request.args)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user() -> Response | str:
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                acting_user(), name=form.name.data, email=form.email.data, roles=set(form.roles.data)
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Account created for {user.email}; a set-password link has been sent.", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


def _user_or_404(user_id: int) -> accounts.User:
    user = accounts.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> Response | str:
    user = _user_or_404(user_id)
    form = EditUserForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
    if form.validate_on_submit():
        try:
            changed = directory.update_user(
                acting_user(), user, name=form.name.data, roles=set(form.roles.data), active=form.active.data
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Changes saved." if changed else "Nothing to change.", "success" if changed else "info")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "admin/user_edit.html", user=user, form=form, confirm=ConfirmForm(), accommodation=_accommodation_form(user)
    )


def _accommodation_form(user: accounts.User) -> AccommodationForm:
    form = AccommodationForm(prefix="acc")
    row = accommodation_for(user)
    if not form.is_submitted():
        form.time_multiplier.data = Decimal(str(row.time_multiplier)) if row else Decimal("1.00")
        form.notes.data = row.notes if row else ""
    return form


@bp.route("/users/<int:user_id>/accommodation", methods=["POST"])
def accommodation(user_id: int) -> Response | tuple[str, int]:
    user = _user_or_404(user_id)
    form = _accommodation_form(user)
    if not form.validate_on_submit():
        page = render_template(
            "admin/user_edit.html", user=user, form=EditUserForm(obj=user), confirm=ConfirmForm(), accommodation=form
        )
        return page, 400
    changed = set_accommodation(acting_user(), user, float(form.time_multiplier.data), form.notes.data or "", utcnow())
    db.session.commit()
    flash(
        "Accommodation saved." + (f" {len(changed)} attempt in progress now ends later." if changed else ""), "success"
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/force-logout", methods=["POST"])
def force_logout(user_id: int) -> Response:
    user = _user_or_404(user_id)
    accounts.sign_out_everywhere(acting_user(), user)
    db.session.commit()
    flash(f"{user.name} has been signed out everywhere.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/reset-link", methods=["POST"])
def send_reset_link(user_id: int) -> Response:
    user = _user_or_404(user_id)
    if not user.active:
        flash("Reactivate the account before sending a reset link.", "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    accounts.request_password_reset(user.email)
    audit.record(acting_user(), "user.reset_link_sent", "user", user.id)
    db.session.commit()
    flash(f"A password reset link has been sent to {user.email}.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/outbox")
def outbox() -> str:
    return render_template("admin/outbox.html", messages=outbox_service.recent(100))


@bp.route("/audit")
def audit_log() -> tuple[str, int]:
    typed = {name: request.args.get(name, "").strip()[:300] for name in AUDIT_FIELDS}
    try:
        filters = audit.read_filters(typed)
    except audit.AuditFilterError as exc:
        found, error = None, str(exc)
    else:
        found, error = audit.search(filters, whole_number(request.args.get("page"), 1)), None
    page = render_template(
        "admin/audit.html",
        found=found,
        error=error,
        typed=typed,
        query={name: value for name, value in typed.items() if value},
        actions=audit.known_actions(),
        object_types=audit.known_object_types(),
    )
    return page, 400 if error else 200
