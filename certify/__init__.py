"""Certify: the MID certification platform.

`create_app` is a list of named steps; none of them runs migrations, sleeps or
talks to the network.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import click
from flask import Flask, g, request, session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from certify.config import load_config, testing_overrides
from certify.database import LATE, configure_engine, reset_write_intent, set_write_intent, write_intent
from certify.extensions import csrf, db, login_manager, migrate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    register_config(app, test_config)
    register_extensions(app)
    register_request_hooks(app)
    register_url_converters(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    register_templating(app)
    return app


def register_config(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    env = dict(os.environ)
    if test_config is not None:
        env["CERTIFY_ENV"] = str(test_config.get("CERTIFY_ENV", "testing"))
        if test_config.get("SECRET_KEY"):
            env["CERTIFY_SECRET_KEY"] = str(test_config["SECRET_KEY"])
    app.config.from_mapping(load_config(env, app.instance_path))
    if test_config is not None:
        if test_config.get("CERTIFY_ENV", "testing") == "testing":
            app.config.from_mapping(testing_overrides(app.instance_path))
        app.config.from_mapping(test_config)
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    # Every model must be imported before the metadata is used (migrations, create_all).
    from certify.auth import services as accounts
    from certify.models import configure_models

    configure_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(lambda user_key: accounts.load_session_user(user_key, session.get(accounts.SESSION_KEY)))

    @login_manager.request_loader
    def load_bearer_user(req: Any) -> Any:
        header = req.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        user = accounts.user_for_api_token(header[len("Bearer ") :].strip())
        if user is not None:
            g.authenticated_by_token = True
        return user

    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])


def register_request_hooks(app: Flask) -> None:
    from flask_login import current_user

    from certify.feature import access_table
    from certify.outbox import services as outbox
    from certify.security.access import enforce_access
    from certify.security.headers import add_security_headers

    @app.before_request
    def declare_write_intent() -> None:
        # Registered first: the transaction may begin while loading the user.
        table = access_table(app)
        if request.endpoint in table.late_writes:
            g.write_intent_token = set_write_intent(LATE)
            return
        writes = request.method not in SAFE_METHODS or request.endpoint in table.writing_reads
        g.write_intent_token = set_write_intent(writes)

    @app.before_request
    def check_csrf() -> None:
        if request.method in SAFE_METHODS or not app.config.get("WTF_CSRF_ENABLED", True):
            return
        if request.headers.get("Authorization", "").startswith("Bearer "):
            current_user._get_current_object()  # runs the bearer loader
            if g.get("authenticated_by_token"):
                return  # a bearer token is not sent automatically by browsers
        csrf.protect()

    app.before_request(enforce_access)

    @app.after_request
    def finish(response: Response) -> Response:
        if outbox.has_pending_in_session() and response.status_code < 400:
            if app.config["MAIL_AFTER_RESPONSE"]:
                # Sent once the answer has gone out, so how long a page takes tells
                # nobody whether it sent mail (e.g. whether an address has an account).
                response.call_on_close(lambda: deliver_after_response(app))
            else:
                outbox.deliver_pending(app)
        return add_security_headers(app, response)

    @app.teardown_request
    def clear_write_intent(_exc: BaseException | None) -> None:
        token = g.pop("write_intent_token", None)
        if token is not None:
            reset_write_intent(token)


def register_url_converters(app: Flask) -> None:
    # Every <int:...> in a URL is a row id or a position stored in a 32-bit column: a larger
    # number can match nothing, so it is a 404 rather than an overflow deep in the database driver.
    from certify.security.urls import DatabaseInteger

    app.url_map.converters["int"] = DatabaseInteger


def deliver_after_response(app: Flask) -> None:
    """Send the mail a request queued, after its response has been sent."""
    from certify.outbox import services as outbox

    with app.app_context(), write_intent():
        try:
            outbox.deliver_pending(app)
        except Exception:  # the mail stays queued; `flask outbox send` retries it
            db.session.rollback()
            app.logger.exception("mail delivery after the response failed")


def register_blueprints(app: Flask) -> None:
    # Each feature's blueprints bring their own routes and access rules (see certify/feature.py).
    from certify import (
        admin,
        api,
        assessments,
        auth,
        certificates,
        course,
        handbook,
        job_analysis,
        main,
        outcomes,
        portfolios,
        reports,
        review,
        standard_setting,
    )

    for blueprint in (
        main.bp,
        handbook.bp,
        auth.bp,
        admin.bp,
        api.bp,
        course.bp,
        assessments.bp,
        assessments.admin_bp,
        assessments.item_review_bp,
        assessments.media_bp,
        portfolios.bp,
        review.bp,
        review.admin_bp,
        certificates.bp,
        certificates.admin_bp,
        standard_setting.bp,
        standard_setting.admin_bp,
        job_analysis.bp,
        job_analysis.admin_bp,
        reports.admin_bp,
        outcomes.bp,
        outcomes.admin_bp,
    ):
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    from certify.errors import register_error_handlers as register

    register(app)


def register_cli(app: Flask) -> None:
    from certify.assessments.cli import attempts_cli, banks_cli
    from certify.auth.cli import users_cli
    from certify.certificates.cli import certificates_cli
    from certify.outbox.cli import outbox_cli
    from certify.outbox.services import deliver_after_command
    from certify.outcomes.cli import outcomes_cli
    from certify.reports.cli import analysis_cli
    from certify.seed import certify_cli

    for group in (
        certify_cli,
        users_cli,
        outbox_cli,
        banks_cli,
        attempts_cli,
        certificates_cli,
        analysis_cli,
        outcomes_cli,
    ):
        app.cli.add_command(group)

    @app.teardown_appcontext
    def deliver_mail_queued_by_a_command(_exc: BaseException | None) -> None:
        # Requests deliver in `finish`; a command (seed, issue, revoke) delivers when its app context ends.
        if click.get_current_context(silent=True) is not None:
            deliver_after_command(app)


def register_templating(app: Flask) -> None:
    from certify.security.sanitize import clean_filter, markdown_filter, render_inline

    # Flask-WTF already provides `csrf_token()` to templates.
    app.jinja_env.filters["markdown"] = markdown_filter
    app.jinja_env.filters["inline_markdown"] = render_inline
    app.jinja_env.filters["clean_html"] = clean_filter
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
