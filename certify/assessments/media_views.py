"""The images items show, served by their sha256 (certify.core.media.media_ref names them in item text)."""

from __future__ import annotations

import re

from flask import abort
from werkzeug.wrappers import Response

from certify import storage
from certify.assessments import media_bp
from certify.assessments.models import ItemMedia
from certify.extensions import db

_DIGEST = re.compile(r"[0-9a-f]{64}")


@media_bp.route("/<digest>")
def media(digest: str) -> Response:
    listed = db.session.get(ItemMedia, digest) if _DIGEST.fullmatch(digest) else None
    blob = storage.get(digest) if listed is not None else None
    if listed is None or blob is None:
        abort(404)
    response = Response(blob.data, mimetype=listed.mime)
    # Never run as a document (an SVG could hold script): no scripts, no plugins, a sandbox, no sniffing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"  # the name is the content's hash
    return response
