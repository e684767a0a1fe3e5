"""Public certificate pages: verification, the credential and PDF, status lists, the issuer and the achievement."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from flask import Response, abort, jsonify, render_template, request
from sqlalchemy import select

from certify import storage
from certify.assessments import services as bank_service
from certify.certificates import bp
from certify.certificates.credential import ACHIEVEMENT_DESCRIPTION, ACHIEVEMENT_NAME, CRITERIA, issuer_document
from certify.certificates.issuing import store
from certify.certificates.models import Certificate
from certify.certificates.pdf import TEMPLATE_VERSION, render_pdf
from certify.certificates.production import document_for
from certify.certificates.status import check_credential, parse_list_name, status_list_document
from certify.database import utcnow, write_intent
from certify.extensions import db
from certify.outcomes.evidence import attested_outcome
from certify.security import throttle
from certify.security.json_input import JsonRefused, parse_json

CODE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_CHECK_BYTES = 10 * 1024 * 1024
MAX_JSON_BYTES = 512 * 1024
MAX_JSON_DEPTH = 32  # an Open Badges credential nests about eight levels
LOOKUP_LIMIT, CHECK_LIMIT, WINDOW = 30, 60, 15 * 60


def _client() -> str:
    return request.remote_addr or "unknown"


def _limited(kind: str, limit: int) -> None:
    wait = throttle.retry_after(f"{kind}:{_client()}", limit=limit, window=WINDOW)
    if wait:
        abort(429, description=f"Too many requests; try again in {wait // 60 + 1} minutes.")


def certificate_or_404(code: str) -> Certificate:
    """The certificate with this code. Unknown or malformed codes count against the client and get a bare 404."""
    found = db.session.scalar(select(Certificate).where(Certificate.code == code)) if CODE.fullmatch(code) else None
    if found is None or not found.credential:
        _limited("verify-miss", LOOKUP_LIMIT)
        db.session.rollback()  # leave the read transaction; counting the miss writes
        with write_intent():
            throttle.count(f"verify-miss:{_client()}")
            db.session.commit()
        abort(404)
    return found


def _page(
    certificate: Certificate,
    *,
    pdf_result: str | None = None,
    check: Any = None,
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    now = utcnow()
    competencies = certificate.credential["credentialSubject"]["achievement"].get("alignment", [])
    successor = db.session.scalar(select(Certificate).where(Certificate.predecessor_id == certificate.id))
    page = render_template(
        "certificates/verify.html",
        certificate=certificate,
        state=certificate.state(now),
        competencies=competencies,
        successor=successor,
        outcome=attested_outcome(certificate),
        pdf_result=pdf_result,
        check=check,
        error=error,
    )
    return page, status


@bp.route("/verify/<code>")
def verify(code: str) -> tuple[str, int]:
    return _page(certificate_or_404(code))


@bp.route("/verify/<code>/pdf", methods=["POST"])
def check_pdf(code: str) -> tuple[str, int]:
    certificate = certificate_or_404(code)
    _limited("verify-check", CHECK_LIMIT)
    throttle.count(f"verify-check:{_client()}")
    db.session.commit()
    upload = request.files.get("file")
    data = upload.read(MAX_CHECK_BYTES + 1) if upload else b""
    if not data:
        return _page(certificate, error="Choose the PDF file to check.", status=400)
    if len(data) > MAX_CHECK_BYTES:
        return _page(certificate, error="That file is larger than any certificate we issue (10 MB).", status=413)
    if not data.startswith(b"%PDF-"):
        return _page(certificate, error="That file is not a PDF.", status=400)
    digest = hashlib.sha256(data).hexdigest()
    if digest in (certificate.pdf_history or []):
        return _page(certificate, pdf_result="genuine")
    return _page(certificate, pdf_result="not_genuine")


@bp.route("/verify/", methods=["GET", "POST"])
def check() -> tuple[str, int]:
    """Check any eddsa-rdfc-2022 credential: pasted, or uploaded as a file."""
    result, error, pasted, status = None, None, "", 200
    if request.method == "POST":
        _limited("verify-check", CHECK_LIMIT)
        throttle.count(f"verify-check:{_client()}")
        db.session.commit()
        upload = request.files.get("file")
        raw = upload.read(MAX_JSON_BYTES + 1) if upload and upload.filename else request.form.get("json", "").encode()
        pasted = request.form.get("json", "")
        if not raw.strip():
            error, status = "Paste the credential's JSON or choose its file.", 400
        elif len(raw) > MAX_JSON_BYTES:
            error, status = "That is larger than any credential (512 KB).", 413
        else:
            try:
                document = parse_json(raw, MAX_JSON_DEPTH)
            except JsonRefused as exc:
                error, status = str(exc), 400
            else:
                result = check_credential(document, utcnow())
    return render_template("certificates/check.html", result=result, error=error, pasted=pasted), status


@bp.route("/credentials/<code>.json")
def credential_json(code: str) -> Response:
    certificate = certificate_or_404(code)
    response = Response(
        json.dumps(certificate.credential, indent=2, ensure_ascii=False), mimetype="application/vc+ld+json"
    )
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.serial}.json"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/credentials/<code>.pdf")
def credential_pdf(code: str) -> Response:
    certificate = certificate_or_404(code)
    if certificate.template_version != TEMPLATE_VERSION:
        rerender(certificate)
    blob = storage.get(certificate.pdf_sha256 or "")
    if blob is None:
        abort(404)
    response = Response(blob.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.serial}.pdf"'
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["ETag"] = certificate.pdf_sha256 or ""
    return response


def rerender(certificate: Certificate) -> None:
    """The certificate template changed since this PDF was made: render it again, once, and keep the old hash."""
    serial = certificate.serial
    db.session.rollback()
    with write_intent():
        fresh = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
        assert fresh is not None
        if fresh.template_version != TEMPLATE_VERSION:
            store(fresh, fresh.credential, render_pdf(document_for(fresh), pdfa=True), TEMPLATE_VERSION)
            db.session.commit()


@bp.route("/credentials/status/<name>")
def status_list(name: str) -> Response:
    parsed = parse_list_name(name)
    document = status_list_document(*parsed) if parsed else None
    if document is None:
        abort(404)
    response = Response(json.dumps(document), mimetype="application/vc+ld+json")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


ISSUER_TYPES = ("application/ld+json", "application/json", "text/html")  # the first is the default


@bp.route("/issuer")
def issuer() -> Response:
    """The issuer profile: JSON-LD for machines (and by default), an HTML page for browsers, by the Accept header."""
    document = issuer_document()
    wanted = request.accept_mimetypes.best_match(ISSUER_TYPES, default=ISSUER_TYPES[0])
    if wanted == "text/html":
        response = Response(
            render_template(
                "certificates/issuer.html",
                issuer=document,
                method=document["verificationMethod"][0],
                document=json.dumps(document, indent=2, ensure_ascii=False),
            ),
            mimetype="text/html",
        )
    else:
        response = jsonify(document)
        response.mimetype = wanted or ISSUER_TYPES[0]
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept")
    return response


@bp.route("/achievements/mid")
def achievement() -> str:
    rows = bank_service.competencies()
    return render_template(
        "certificates/achievement.html",
        name=ACHIEVEMENT_NAME,
        description=ACHIEVEMENT_DESCRIPTION,
        criteria=CRITERIA,
        competencies=rows,
    )
