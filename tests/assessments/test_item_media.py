"""Item images: served by their sha256 to anyone signed in, only when imported as item media, never as a
document that could run script; a stem's media reference renders as that image."""

from __future__ import annotations

import hashlib

from certify import storage
from certify.assessments.models import ItemMedia
from certify.extensions import db
from certify.security.sanitize import render_markdown
from tests.support.helpers import sign_in_directly

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def _stored(app, data: bytes, mime: str, *, listed: bool) -> str:
    with app.app_context():
        digest = storage.put(data, mime)
        if listed:
            db.session.add(ItemMedia(sha256=digest, mime=mime, name="queue.png"))
        db.session.commit()
    return digest


def test_an_item_image_is_served_to_anyone_signed_in_and_cannot_run_as_a_page(app, client, make_user):
    digest = _stored(app, PNG, "image/png", listed=True)
    assert client.get(f"/media/{digest}").status_code in (302, 401)  # not to the anonymous
    sign_in_directly(client, make_user(roles=("candidate",)))
    response = client.get(f"/media/{digest}")
    assert response.status_code == 200 and response.data == PNG and response.mimetype == "image/png"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(response.data).hexdigest() == digest


def test_only_item_media_is_served_never_other_blobs(app, client, make_user):
    evidence = _stored(app, b"%PDF-1.4 a candidate's portfolio evidence", "application/pdf", listed=False)
    sign_in_directly(client, make_user(roles=("candidate",)))
    assert client.get(f"/media/{evidence}").status_code == 404
    assert client.get(f"/media/{'f' * 64}").status_code == 404
    assert client.get("/media/not-a-digest").status_code == 404


def test_a_media_reference_in_a_stem_renders_as_the_served_image():
    digest = hashlib.sha256(PNG).hexdigest()
    html = render_markdown(f"The queue this morning:\n\n![Ticket queue by hour](media:{digest})")
    assert f'<img alt="Ticket queue by hour" src="/media/{digest}">' in html
