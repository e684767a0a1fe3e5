"""The factory, configuration, security headers, health check and error pages."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from certify import create_app
from certify.config import ConfigError, load_config
from tests.support.helpers import csrf_token, text


def test_production_refuses_to_start_without_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="CERTIFY_SECRET_KEY"):
        load_config({}, str(tmp_path))


def test_production_refuses_short_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="at least 32"):
        load_config({"CERTIFY_SECRET_KEY": "short"}, str(tmp_path))


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    first = load_config({"CERTIFY_ENV": "development"}, str(tmp_path))["SECRET_KEY"]
    second = load_config({"CERTIFY_ENV": "development"}, str(tmp_path))["SECRET_KEY"]
    assert len(first) >= 64 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_environment_and_bad_numbers_are_named(tmp_path):
    with pytest.raises(ConfigError, match="CERTIFY_ENV"):
        load_config({"CERTIFY_ENV": "staging"}, str(tmp_path))
    with pytest.raises(ConfigError, match="CERTIFY_SMTP_PORT"):
        load_config({"CERTIFY_ENV": "development", "CERTIFY_SMTP_PORT": "lots"}, str(tmp_path))
    with pytest.raises(ConfigError, match="CERTIFY_REVIEW_COMBINE must be one of mean_floor"):
        load_config({"CERTIFY_ENV": "development", "CERTIFY_REVIEW_COMBINE": "average"}, str(tmp_path))
    with pytest.raises(ConfigError, match="CERTIFY_REVIEW_TOLERANCE must be between 0 and 3"):
        load_config({"CERTIFY_ENV": "development", "CERTIFY_REVIEW_TOLERANCE": "7"}, str(tmp_path))
    with pytest.raises(ConfigError, match="CERTIFY_APPEAL_WINDOW_DAYS"):
        load_config({"CERTIFY_ENV": "development", "CERTIFY_APPEAL_WINDOW_DAYS": "two weeks"}, str(tmp_path))


def test_production_cookies_are_secure_httponly_lax(tmp_path):
    config = load_config({"CERTIFY_SECRET_KEY": "k" * 40}, str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_password_hash_is_scrypt_with_n_at_least_2_17(tmp_path):
    method = load_config({"CERTIFY_SECRET_KEY": "k" * 40}, str(tmp_path))["PASSWORD_HASH_METHOD"]
    name, n, _r, _p = method.split(":")
    assert name == "scrypt" and int(n) >= 2**17


def test_csrf_tokens_outlast_the_longest_exam(tmp_path):
    config = load_config({"CERTIFY_SECRET_KEY": "k" * 40}, str(tmp_path))
    assert config["WTF_CSRF_TIME_LIMIT"] >= 5 * 3600


def test_postgres_urls_use_psycopg3(tmp_path):
    config = load_config({"CERTIFY_ENV": "development", "CERTIFY_DATABASE_URL": "postgres://u@h/db"}, str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_session_cookie_flags_on_sign_in(client, make_user, auth):
    user = make_user()
    response = auth.login(user.email)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("certify_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers_on_every_page(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_when_served_over_https(app):
    response = app.test_client().get("/auth/login", base_url="https://certify.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script(client):
    for page in ("/", "/auth/login", "/auth/register", "/nope"):
        body = text(client.get(page))
        assert "<script>" not in body and " on" + "click=" not in body and "style=" not in body


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(app, monkeypatch):
    from certify.extensions import db

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_unknown_route_gets_site_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in text(response) and 'id="main"' in text(response)


def test_unknown_api_route_gets_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"] == "page_not_found"


def test_oversized_body_gets_413(app_factory):
    app = app_factory(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/auth/login", data={"csrf_token": token, "email": "a" * 5000, "password": "x"})
    assert response.status_code == 413
    assert "Too large" in text(response)


def test_unexpected_error_gets_500_page_and_is_logged(app_factory, caplog):
    app = app_factory()

    @app.get("/explode")
    def explode():
        raise RuntimeError("boom")

    from certify.security.access import PUBLIC, rules

    rules(app)["explode"] = PUBLIC
    response = app.test_client().get("/explode")
    assert response.status_code == 500
    assert "Something went wrong" in text(response)
    assert "boom" not in text(response)
    assert "unhandled error" in caplog.text


def test_undeclared_endpoint_is_refused(app_factory):
    app = app_factory()

    @app.get("/undeclared")
    def undeclared():
        return "secret"

    response = app.test_client().get("/undeclared")
    assert response.status_code == 403


def test_factory_does_not_touch_the_database(tmp_path):
    # Pointing at a database that does not exist must not fail at creation time.
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/absent/none.sqlite3"})
    assert app.name == "certify"


def test_templates_get_plain_values_not_callables_from_our_context_processors(app):
    """No template reaches the database through a Jinja global: what our context processors add is data."""
    processors = [
        processor
        for group in app.template_context_processors.values()
        for processor in group
        if processor.__module__.startswith("certify")
    ]
    assert processors
    with app.test_request_context("/"):
        for processor in processors:
            for name, value in processor().items():
                assert not callable(value), f"{processor.__module__}.{processor.__name__} gives templates {name}()"
