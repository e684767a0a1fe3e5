"""Absolute links for mail, PDFs and credentials, built with or without a request."""

from __future__ import annotations

from flask import current_app


def external_url(endpoint: str, **values: object) -> str:
    """CERTIFY_BASE_URL plus the endpoint's path; works in CLI commands too."""
    adapter = current_app.url_map.bind("certify.invalid")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)
