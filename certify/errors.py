"""Error pages in the site's style, and JSON errors under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from certify.extensions import db
from certify.security.access import is_api_request

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Check what you sent and try again."),
    401: ("Sign in needed", "Sign in to continue."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "There is nothing at this address. Check the link, or start from the home page."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    409: ("Conflict", "Something changed while you were working. Reload the page to see the current state."),
    413: ("Too large", "What you sent is larger than this site accepts."),
    429: ("Too many requests", "You have made too many requests. Wait a little and try again."),
    500: (
        "Something went wrong",
        "An unexpected error happened on our side. Nothing you sent has been lost; try again in a moment.",
    ),
}


def _respond(code: int, detail: str | None = None, headers: dict[str, str] | None = None) -> Response:
    title, message = MESSAGES.get(code, (f"Error {code}", "The request could not be completed."))
    if is_api_request():
        response = jsonify(error=title.lower().replace(" ", "_"), message=detail or message)
    else:
        try:
            body = render_template("errors/error.html", code=code, title=title, message=detail or message)
        except Exception:  # e.g. the database is down and the layout cannot load the user
            body = f"<!doctype html><html lang=en><title>{title}</title><h1>{title}</h1><p>{message}</p>"
        response = Response(body, mimetype="text/html")
    response.status_code = code
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        return _respond(
            400,
            "This form has expired or did not come from this site, so nothing was saved. "
            "Go back, reload the page and send it again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        code = error.code or 500
        headers = {k: v for k, v in error.get_headers() if k.lower() in ("retry-after", "allow")}
        detail = error.description if code in (400, 409) and error.description != type(error).description else None
        return _respond(code, detail, headers)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unhandled error", exc_info=error)
        db.session.rollback()
        return _respond(InternalServerError.code)
