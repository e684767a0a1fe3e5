"""Helpers for certificate tests: issue through the service, read and change certificate rows, read pages."""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from certify.auth.models import User
from certify.certificates.issuing import issue
from certify.certificates.models import Certificate
from certify.database import utcnow
from certify.extensions import db
from certify.outbox.models import OutboxMessage
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review.models import Allocation
from tests.support.helpers import text


@dataclass(frozen=True)
class Issued:
    """A certificate as plain values, safe to use outside an app context."""

    id: int
    serial: str
    code: str
    holder_id: int
    issued_at: datetime
    expires_at: datetime
    status: str
    status_reason: str
    status_changed_at: datetime | None
    status_list: int
    status_index: int
    predecessor_id: int | None
    pdf_sha256: str | None
    credential: dict[str, Any]


def _plain(row: Certificate) -> Issued:
    return Issued(
        row.id,
        row.serial,
        row.code,
        row.holder_id,
        row.issued_at,
        row.expires_at,
        row.status,
        row.status_reason,
        row.status_changed_at,
        row.status_list,
        row.status_index,
        row.predecessor_id,
        row.pdf_sha256,
        dict(row.credential),
    )


def issue_now(app: Flask, candidate: User, actor: User | None = None, now: datetime | None = None) -> Issued:
    """Issue through the service (the candidate must be eligible) and commit."""
    with app.app_context():
        who = db.session.get(User, actor.id) if actor is not None else None
        row = issue(who, db.session.get(User, candidate.id), now or utcnow())
        db.session.commit()
        return _plain(row)


def certificate(app: Flask, serial: str) -> Issued:
    with app.app_context():
        return _plain(db.session.scalars(select(Certificate).where(Certificate.serial == serial)).one())


def certificates(app: Flask) -> list[Issued]:
    with app.app_context():
        return [_plain(row) for row in db.session.scalars(select(Certificate).order_by(Certificate.id))]


def change(app: Flask, serial: str, **values: Any) -> None:
    with app.app_context():
        row = db.session.scalars(select(Certificate).where(Certificate.serial == serial)).one()
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def allocated_assessors(app: Flask, candidate: User) -> list[int]:
    """The assessors allocated the candidate's portfolio versions, in allocation order."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(Allocation.assessor_id)
                .join(PortfolioVersion, PortfolioVersion.id == Allocation.version_id)
                .join(Portfolio, Portfolio.id == PortfolioVersion.portfolio_id)
                .where(Portfolio.candidate_id == candidate.id)
                .order_by(Allocation.id)
            )
        )


def make_allocated_assessor(app: Flask, candidate: User, person: User) -> None:
    """Hand the first allocation (and its review) of the candidate's portfolio to `person`, as if they marked it."""
    with app.app_context():
        allocation = db.session.scalars(
            select(Allocation)
            .join(PortfolioVersion, PortfolioVersion.id == Allocation.version_id)
            .join(Portfolio, Portfolio.id == PortfolioVersion.portfolio_id)
            .where(Portfolio.candidate_id == candidate.id)
            .order_by(Allocation.id)
            .limit(1)
        ).one()
        allocation.assessor_id = person.id
        db.session.commit()


def mail_to(app: Flask, email: str) -> list[tuple[str, str]]:
    """(subject, body) of every outbox message to `email`, oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
        )
        return [(m.subject, m.body) for m in rows]


def page(response: Any) -> str:
    """The body with tags removed, whitespace collapsed and entities decoded: the text a reader sees."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", text(response), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def flashes(response: Any) -> str:
    """The flashed messages of a (redirected-to) page, as text."""
    body = text(response)
    start = body.find('<div class="flashes"')
    if start < 0:
        return ""
    block = body[start:]
    block = block[: block.index("</div>")]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block))).strip()


def readable_pdf(data: bytes) -> bytes:
    """The PDF with every compressed stream inflated beside it, so names inside object streams can be found."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)
