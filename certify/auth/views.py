"""Sign-in, registration, passwords and the account page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from certify.auth import bp
from certify.auth import services as accounts
from certify.auth.forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from certify.extensions import db
from certify.security.access import acting_user, safe_next_url

SIGN_IN_FAILED = "The email address or password is not correct."


def _start_session(user: accounts.User) -> None:
    """Sign this browser in; the caller commits (the server-side session row)."""
    session.clear()  # a fresh session (and CSRF token) after signing in
    login_user(user)
    session[accounts.SESSION_KEY] = accounts.open_browser_session(user)
    session.permanent = True


def _end_session() -> None:
    """Sign this browser out, on the server too; the caller commits."""
    accounts.close_browser_session(session.get(accounts.SESSION_KEY))
    logout_user()
    session.clear()


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        outcome = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        if outcome.user is not None:
            _start_session(outcome.user)
        db.session.commit()
        if outcome.retry_after:
            minutes = max(1, round(outcome.retry_after / 60))
            message = f"Too many sign-in attempts. Try again in about {minutes} minute{'s' if minutes > 1 else ''}."
            return (
                render_template("auth/login.html", form=form, error=message),
                429,
                {"Retry-After": str(outcome.retry_after)},
            )
        if outcome.user is None:
            return render_template("auth/login.html", form=form, error=SIGN_IN_FAILED)
        flash(f"Welcome, {outcome.user.name}.", "success")
        return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form, error=None)


REGISTRATION_RECEIVED = (
    "Thank you. We have sent a message to {email} that tells you how to go on; "
    "if it does not arrive within a few minutes, check your spam folder."
)


@bp.route("/register", methods=["GET", "POST"])
def register() -> Response | str | tuple[str, int, dict[str, str]]:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            # The same answer whether or not the address already has an account:
            # the mail tells its owner which case it was.
            accounts.register_candidate(form.name.data, form.email.data, form.password.data, request.remote_addr)
        except accounts.TooManyRequests as exc:
            db.session.rollback()
            return _too_many("auth/register.html", form, exc)
        except accounts.AccountError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(REGISTRATION_RECEIVED.format(email=form.email.data), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


def _too_many(template: str, form: object, exc: accounts.TooManyRequests) -> tuple[str, int, dict[str, str]]:
    flash(str(exc), "error")
    return render_template(template, form=form), 429, {"Retry-After": str(exc.retry_after)}


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    _end_session()
    db.session.commit()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password() -> Response | str | tuple[str, int, dict[str, str]]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.request_password_reset(form.email.data, request.remote_addr)
        except accounts.TooManyRequests as exc:
            db.session.rollback()
            return _too_many("auth/forgot.html", form, exc)
        db.session.commit()
        flash("If an account uses that address, we have sent it a link to reset the password.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | str | tuple[str, int]:
    try:
        user = accounts.check_password_token(token)
    except accounts.LinkError as exc:
        return render_template("auth/reset_invalid.html", message=str(exc), form=ForgotPasswordForm()), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except (accounts.AccountError, accounts.LinkError) as exc:
            db.session.rollback()
            form.password.errors = [str(exc)]
        else:
            _end_session()
            db.session.commit()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user)


@bp.route("/account")
def account() -> str:
    return render_template("auth/account.html", confirm=ConfirmForm())


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> Response | str:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(acting_user(), form.current_password.data, form.password.data)
        except accounts.AccountError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            _start_session(acting_user())  # keep this browser signed in; the others are now signed out
            db.session.commit()
            flash("Your password has changed. Other browsers have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere() -> Response:
    accounts.sign_out_everywhere(acting_user(), acting_user())
    _end_session()
    db.session.commit()
    flash("You have been signed out on every browser and device.", "info")
    return redirect(url_for("auth.login"))


def _field_error(form: object, exc: accounts.AccountError) -> None:
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")
