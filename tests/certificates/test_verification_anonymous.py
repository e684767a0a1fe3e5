"""Anyone can verify a certificate: its page and status lists, an uploaded PDF, and unknown codes."""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from datetime import timedelta

import pytest

from certify.credentials.dataintegrity import sign
from certify.database import utcnow
from tests.support.certificates import certificate, change, issue_now, page
from tests.support.credentials import CREATED
from tests.support.helpers import post_form, text
from tests.support.verification import PNG, REASON, SUSPENSION, check_json, credential_of, status_bit

# The verification page


def test_page_shows_holder_dates_competencies_and_valid_status(visitor, issued):
    response = visitor.get(f"/verify/{issued.code}")

    assert response.status_code == 200
    body = page(response)
    assert f"Certificate {issued.serial}" in body
    assert "Valid. This certificate was issued by Certify and is in good standing." in body
    assert "Holder Cassandra Quill" in body
    assert f"Issued {issued.issued_at:%d %B %Y}" in body
    assert f"Valid until {issued.expires_at:%d %B %Y}" in body
    for alignment in issued.credential["credentialSubject"]["achievement"]["alignment"]:
        assert f"{alignment['targetCode']}: {alignment['targetName']}" in body
    html = text(response)
    assert f'href="/credentials/{issued.code}.json"' in html and f'href="/credentials/{issued.code}.pdf"' in html


def test_revocation_shows_on_the_page_in_the_status_list_and_in_the_credential_check(
    certification, visitor, admin_client, issued
):
    credential = credential_of(visitor, issued.code)
    assert check_json(visitor, credential)[1].count("Verified.") == 1
    assert not status_bit(visitor, "revocation", issued.status_index)

    post_form(admin_client, f"/admin/certificates/{issued.serial}/revoke", {"reason": REASON})

    revoked = certificate(certification.world.app, issued.serial)
    body = page(visitor.get(f"/verify/{issued.code}"))
    assert f"Revoked. This certificate was revoked on {revoked.status_changed_at:%d %B %Y}. Reason: {REASON}" in body
    assert "Valid." not in body
    assert status_bit(visitor, "revocation", issued.status_index)
    assert not status_bit(visitor, "suspension", issued.status_index)
    status, result = check_json(visitor, credential)
    assert status == 200
    assert "Signature valid, but:" in result and f"The certificate was revoked: {REASON}" in result
    assert "Verified." not in result


def test_suspension_and_reinstatement_show_everywhere(certification, visitor, admin_client, issued):
    credential = credential_of(visitor, issued.code)

    post_form(admin_client, f"/admin/certificates/{issued.serial}/suspend", {"reason": SUSPENSION})

    suspended = certificate(certification.world.app, issued.serial)
    body = page(visitor.get(f"/verify/{issued.code}"))
    assert f"Suspended. This certificate is suspended since {suspended.status_changed_at:%d %B %Y}" in body
    assert status_bit(visitor, "suspension", issued.status_index)
    assert not status_bit(visitor, "revocation", issued.status_index)
    result = check_json(visitor, credential)[1]
    assert "The certificate is suspended." in result and "Verified." not in result

    post_form(admin_client, f"/admin/certificates/{issued.serial}/reinstate")

    assert "Valid. This certificate was issued by Certify" in page(visitor.get(f"/verify/{issued.code}"))
    assert not status_bit(visitor, "suspension", issued.status_index)
    assert "Verified." in check_json(visitor, credential)[1]


def test_expired_certificate_says_so(certification, visitor, issued):
    past = utcnow() - timedelta(days=1)
    change(certification.world.app, issued.serial, expires_at=past)

    body = page(visitor.get(f"/verify/{issued.code}"))

    assert f"Expired. This certificate expired on {past:%d %B %Y}." in body
    assert "Valid." not in body


def test_expired_credential_is_not_verified(visitor, issued):
    """A credential past its validUntil is reported as expired (re-signed here so that only the date differs)."""
    from certify.certificates import keys

    credential = credential_of(visitor, issued.code)
    credential.pop("proof")
    credential["validUntil"] = "2020-01-01T00:00:00Z"
    with visitor.application.app_context():
        resigned = sign(credential, keys.signing_key(), keys.verification_method(), CREATED, proof_as_list=True)

    result = check_json(visitor, resigned)[1]

    assert "The credential expired on 01 January 2020." in result and "Verified." not in result


# Checking an uploaded PDF


def check_pdf(client, code: str, data: bytes, name: str = "certificate.pdf"):
    return post_form(client, f"/verify/{code}/pdf", {"file": (io.BytesIO(data), name)})


def test_genuine_pdf_is_recognised_and_a_changed_byte_is_not(visitor, issued):
    pdf = visitor.get(f"/credentials/{issued.code}.pdf").data
    assert hashlib.sha256(pdf).hexdigest() == issued.pdf_sha256

    genuine = check_pdf(visitor, issued.code, pdf)
    middle = len(pdf) // 2
    altered = check_pdf(visitor, issued.code, pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :])

    assert genuine.status_code == 200
    assert f"Genuine. This PDF is exactly the file we issued for {issued.serial}." in page(genuine)
    assert altered.status_code == 200
    assert "Not genuine." in page(altered) and "Genuine." not in page(altered).replace("Not genuine.", "")


def test_pdf_of_another_certificate_is_not_genuine(certification, visitor, issued, make_user):
    other = make_user(name="Oswin Second")
    certification.make_eligible(other)
    second = issue_now(certification.world.app, other)

    response = check_pdf(visitor, issued.code, visitor.get(f"/credentials/{second.code}.pdf").data)

    assert "Not genuine." in page(response)


@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (PNG, "certificate.png", 400, "That file is not a PDF."),
        (b"This is my certificate, honestly.\n", "certificate.txt", 400, "That file is not a PDF."),
        (b"", "certificate.pdf", 400, "Choose the PDF file to check."),
        (b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "huge.pdf", 413, "larger than any certificate we issue (10 MB)"),
    ],
)
def test_pdf_check_refuses_other_files_clearly(visitor, issued, data, name, status, message):
    response = check_pdf(visitor, issued.code, data, name)

    assert response.status_code == status
    assert message in page(response)
    assert "Genuine." not in page(response)


# Unknown codes


def _scrub(body: str) -> str:
    return re.sub(r'content="[^"]*"|value="[^"]*"', "", body)


def test_unknown_forged_and_malformed_codes_are_indistinguishable_404s(visitor, issued):
    forged = issued.code[:-1] + ("A" if issued.code[-1] != "A" else "B")
    well_formed = secrets.token_urlsafe(24)
    codes = [forged, well_formed, "short", "bad!code*" * 3, "x" * 65, issued.code.lower()]

    responses = [visitor.get(f"/verify/{code}") for code in codes]

    assert [r.status_code for r in responses] == [404] * len(codes)
    bodies = {_scrub(text(r)) for r in responses}
    assert len(bodies) == 1, "a malformed code must look exactly like an unknown one"
    for code in codes:
        assert code not in next(iter(bodies))
    for suffix in (".json", ".pdf"):
        assert visitor.get(f"/credentials/{well_formed}{suffix}").status_code == 404
        assert visitor.get(f"/credentials/bad!{suffix}").status_code == 404
    assert check_pdf(visitor, well_formed, b"%PDF-1.7\n").status_code == 404


def test_thirty_misses_from_one_client_are_throttled(certification, visitor, issued):
    for _ in range(30):
        assert visitor.get(f"/verify/{secrets.token_urlsafe(24)}").status_code == 404

    assert visitor.get(f"/verify/{secrets.token_urlsafe(24)}").status_code == 429
    assert visitor.get("/verify/short").status_code == 429
    assert visitor.get(f"/credentials/{secrets.token_urlsafe(24)}.json").status_code == 429
    elsewhere = certification.world.app.test_client()
    other_address = {"REMOTE_ADDR": "203.0.113.9"}
    assert elsewhere.get(f"/verify/{secrets.token_urlsafe(24)}", environ_base=other_address).status_code == 404


def test_credential_checks_are_throttled_per_client(certification, visitor):
    for _ in range(60):
        assert check_json(visitor, "")[0] == 400

    assert check_json(visitor, "{}")[0] == 429
    other = certification.world.app.test_client()
    response = post_form(other, "/verify/", {"json": ""}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 400


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


def test_issuer_is_an_html_page_for_browsers(visitor):
    response = visitor.get("/issuer", headers={"Accept": BROWSER_ACCEPT})

    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    shown = page(response)
    document = visitor.get("/issuer").get_json(force=True)
    (method,) = document["verificationMethod"]
    assert document["name"] in shown and document["url"] in shown
    assert method["publicKeyMultibase"] in shown and method["id"] in shown
    assert "How to verify a certificate we issued" in shown
    assert 'href="/verify/"' in text(response)


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        (None, "application/ld+json"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/json"),
        ("*/*", "application/ld+json"),
        ("application/ld+json, text/html;q=0.5", "application/ld+json"),
    ],
)
def test_issuer_is_json_ld_for_machines(visitor, accept, mimetype):
    response = visitor.get("/issuer", headers={"Accept": accept} if accept else {})

    assert response.status_code == 200 and response.mimetype == mimetype
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json(force=True)
    assert document["verificationMethod"][0]["type"] == "Multikey"


def test_anonymous_visitors_find_verification_in_the_navigation_and_on_the_home_page(visitor):
    body = text(visitor.get("/"))

    nav = body[body.index('<nav aria-label="Main">') : body.index("</nav>")]
    assert '<a href="/verify/">Verify a certificate</a>' in nav
    main = body[body.index("<main") :]
    assert 'href="/verify/"' in main and "Verify a certificate" in main


@pytest.mark.parametrize("state", ["revoked", "suspended", "expired"])
def test_a_certificate_not_in_good_standing_is_a_warning_with_icon_and_words(certification, visitor, issued, state):
    if state == "expired":
        change(certification.world.app, issued.serial, expires_at=utcnow() - timedelta(days=1))
    else:
        change(certification.world.app, issued.serial, status=state, status_reason=REASON, status_changed_at=utcnow())

    body = text(visitor.get(f"/verify/{issued.code}"))

    notice = re.search(r'<div class="notice ([^"]*)"[^>]*role="status">(.*?)</div>', body, re.S)
    assert notice is not None
    assert "notice-danger" in notice.group(1) and "notice-info" not in notice.group(1)
    assert '<span class="notice-icon" aria-hidden="true">⚠</span>' in notice.group(2)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", notice.group(2)))
    assert f"Warning: {state.capitalize()}." in words
    assert "Do not rely on it as proof of current certification." in words


def test_a_valid_certificate_is_not_a_warning(visitor, issued):
    body = text(visitor.get(f"/verify/{issued.code}"))

    assert "notice-danger" not in body and "Warning:" not in body
