"""Blobs (uploads, rendered PDFs) stored in the database by SHA-256, so every node sees them; file downloads."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime

from flask import abort, send_file
from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.wrappers import Response

from certify.database import UTCDateTime, utcnow
from certify.extensions import db


class Blob(db.Model):
    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def put(data: bytes, mime: str) -> str:
    """Store bytes once (identical content is kept once) and return their SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    if db.session.get(Blob, digest) is None:
        db.session.add(Blob(sha256=digest, data=data, size=len(data), mime=mime))
        db.session.flush()
    return digest


def get(digest: str) -> Blob | None:
    return db.session.get(Blob, digest)


def file_response(sha256: str, mimetype: str, name: str) -> Response:
    """A stored file, always as a download: never rendered by the browser on our origin. 404 when it is missing."""
    blob = get(sha256)
    if blob is None:
        abort(404)
    response = send_file(io.BytesIO(blob.data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
