"""Small helpers shared by feature tests."""

from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING, Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

if TYPE_CHECKING:
    from certify.auth.models import User

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


def sign_in_directly(client: FlaskClient, user: Any) -> None:
    """Start a signed-in browser session for `user` without the password round trip:
    the server-side session row, and the cookie that carries its id."""
    from certify.auth import services as accounts
    from certify.auth.models import User
    from certify.extensions import db

    with client.application.app_context():
        stored = db.session.get(User, user.id)
        assert stored is not None
        session_id = accounts.open_browser_session(stored)
        user_key = stored.get_id()
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user_key
        session["_fresh"] = True
        session[accounts.SESSION_KEY] = session_id


class AuthActions:
    """Signing in and out through a test client (the `auth` fixture; other clients make their own)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, **kwargs: Any) -> Any:
        return post_form(self.client, "/auth/login", {"email": email, "password": password}, **kwargs)

    def login_as(self, user: User) -> None:
        """Start a session for `user` directly (no password round trip)."""
        sign_in_directly(self.client, user)

    def logout(self) -> Any:
        return post_form(self.client, "/auth/logout")


IMPORT_TOKEN = re.compile(r'name="token" value="([^"]+)"')


def upload_bank(
    client: FlaskClient,
    name: str,
    data: bytes,
    *,
    confirm: bool = True,
    mapping: dict[str, str] | None = None,
    **fields: str,
) -> TestResponse:
    """Upload a bank file on the admin page and, when `confirm`, confirm the preview (with `mapping` chosen for
    the categories the preview asks about). Returns the last response."""
    form = {"csrf_token": csrf_token(client), "file": (io.BytesIO(data), name), "competency": "", **fields}
    preview = client.post("/admin/banks", data=form, content_type="multipart/form-data")
    found = IMPORT_TOKEN.search(preview.get_data(as_text=True))
    if not confirm or found is None:
        return preview
    return confirm_import(client, html.unescape(found.group(1)), preview.get_data(as_text=True), mapping or {})


def confirm_import(
    client: FlaskClient, token: str, page: str, mapping: dict[str, str], action: str = "import"
) -> TestResponse:
    """Post the preview's form: the categories it lists with the competencies chosen from `mapping`."""
    data: dict[str, str] = {"csrf_token": csrf_token(client), "token": token, "action": action}
    for index, category in enumerate(re.findall(r'name="category-\d+" value="([^"]*)"', page)):
        category = html.unescape(category)
        data[f"category-{index}"] = category
        data[f"competency-{index}"] = mapping.get(category, "")
    return client.post("/admin/banks/import", data=data)
