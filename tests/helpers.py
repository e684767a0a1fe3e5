"""Small helpers shared by feature tests."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PASSWORD = "Quiet-Harbour-Lamp-91"


def csrf_token(client: FlaskClient, page: str = "/") -> str:
    """The CSRF token of the client's session, read from a page's meta tag."""
    match = META_TOKEN.search(client.get(page).get_data(as_text=True))
    assert match, f"no csrf-token meta tag on {page}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
    """POST a form the way a browser would: with the session's CSRF token."""
    payload = {"csrf_token": csrf_token(client), **(data or {})}
    return client.post(url, data=payload, **kwargs)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
