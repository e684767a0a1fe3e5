"""Absolute links for mail, PDFs and credentials, built with or without a request."""

from __future__ import annotations

from flask import current_app


def base_url() -> str:
    """The public address every absolute link starts with (CERTIFY_BASE_URL, or where `flask run` serves)."""
    return str(current_app.config["BASE_URL"])


def external_url(endpoint: str, **values: object) -> str:
    """CERTIFY_BASE_URL plus the endpoint's path; works in CLI commands too."""
    adapter = current_app.url_map.bind("certify.invalid")
    return base_url() + adapter.build(endpoint, values)
