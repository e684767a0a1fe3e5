"""Certificates in a real browser: an administrator issues one, the candidate downloads the PDF and the signed
credential, and an anonymous visitor verifies both; then the administrator revokes it and the visitor sees so.

Each person works in their own browser context (their own cookies). Every page state on the way is checked
with axe.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Download, Locator, Page, expect

from certify.auth.models import User
from tests.e2e.test_accounts_e2e import sign_in
from tests.support.axe import assert_accessible
from tests.support.certification import Certification
from tests.support.helpers import PASSWORD

REASON = "The exam attempt was taken by someone else."
FORGER = "Mallory Forger"


@contextmanager
def _context(browser: Browser, live_server: str, user: User | None = None) -> Iterator[Page]:
    """A separate browser context (its own cookies); signed in as `user`, or anonymous when None."""
    context = browser.new_context(bypass_csp=True, base_url=live_server, accept_downloads=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        if user is not None:
            sign_in(page, user.email, PASSWORD)
            expect(page.get_by_role("heading", level=1, name=f"Welcome, {user.name}")).to_be_visible()
        yield page
    finally:
        context.close()


def _download(page: Page, link: str) -> tuple[str, bytes]:
    """Click the link named `link`; return the suggested file name and the bytes the browser saved."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link).click()
    download: Download = info.value
    assert download.failure() is None, download.failure()
    return download.suggested_filename, Path(download.path()).read_bytes()


def _holder(credential: dict[str, Any]) -> str:
    """The holder's name in an Open Badges 3.0 credential: an unhashed "name" IdentityObject."""
    (identity,) = credential["credentialSubject"]["identifier"]
    assert (identity["identityType"], identity["hashed"]) == ("name", False)
    return identity["identityHash"]


def _verdict(page: Page, word: str) -> Locator:
    """The status message led by `word` in bold (exactly: "Genuine." is not "Not genuine.")."""
    return page.get_by_role("status").filter(has=page.get_by_text(word, exact=True))


def _check_pdf(page: Page, name: str, data: bytes) -> None:
    page.get_by_label("PDF file").set_input_files(files=[{"name": name, "mimeType": "application/pdf", "buffer": data}])
    page.get_by_role("button", name="Check the PDF").click()


def _check_json_file(page: Page, name: str, data: bytes) -> None:
    page.get_by_label("Or a file").set_input_files(
        files=[{"name": name, "mimeType": "application/json", "buffer": data}]
    )
    page.get_by_role("button", name="Check", exact=True).click()


def _flip_one_byte(data: bytes) -> bytes:
    """The same PDF with one byte of its body changed (the header stays, so it is still taken for a PDF)."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def test_issue_download_verify_and_revoke(browser: Browser, live_server: str, certification: Certification) -> None:
    world, admin = certification.world, certification.admin
    candidate = world.candidate
    certification.make_eligible(candidate)

    with (
        _context(browser, live_server, admin) as admin_page,
        _context(browser, live_server, candidate) as candidate_page,
        _context(browser, live_server) as visitor,
    ):
        # 1. The administrator sees the candidate with the evidence, and issues.
        admin_page.goto("/admin/certificates")
        expect(admin_page.get_by_role("heading", level=1, name="Certificates")).to_be_visible()
        queue = admin_page.get_by_role("table", name="Eligibility, with the evidence (eligible first)")
        row = queue.get_by_role("row").filter(has=admin_page.get_by_role("rowheader", name=candidate.name))
        expect(row).to_contain_text(candidate.email)
        evidence = row.get_by_role("listitem")
        for fact in ("Course completed on", "Certification exam passed with 80.0 %", "Portfolio version 1 passed on"):
            expect(evidence.filter(has_text=fact)).to_contain_text("met:")
        expect(evidence.filter(has_text="not met:")).to_have_count(0)
        expect(admin_page.get_by_text("None.", exact=True)).to_be_visible()  # nothing issued yet
        assert_accessible(admin_page)

        row.get_by_role("button", name=f"Issue to {candidate.name}").click()
        heading = admin_page.get_by_role("heading", level=1)
        expect(heading).to_have_text(re.compile(r"^Certificate MID-\d{4}-000001$"))
        serial = heading.inner_text().removeprefix("Certificate ")
        expect(admin_page).to_have_url(re.compile(rf"/admin/certificates/{serial}$"))
        expect(admin_page.get_by_role("status")).to_contain_text(f"Issued {serial} to {candidate.name}.")
        expect(admin_page.locator("dl")).to_contain_text(candidate.name)
        expect(admin_page.locator("dl")).to_contain_text("active")
        assert_accessible(admin_page)

        # 2. The candidate downloads the PDF and the signed credential, and copies the verification link.
        candidate_page.goto("/certificates/")
        expect(candidate_page.get_by_role("heading", level=1, name="Your certificates")).to_be_visible()
        card = candidate_page.get_by_role("region", name=re.compile(rf": {serial}$"))
        expect(card).to_contain_text("Valid")
        pdf_name, pdf = _download(candidate_page, "Download the PDF")
        json_name, credential_bytes = _download(candidate_page, "Download the signed credential (Open Badges 3.0)")
        assert (pdf_name, json_name) == (f"{serial}.pdf", f"{serial}.json")
        assert pdf.startswith(b"%PDF-")
        assert _holder(json.loads(credential_bytes)) == candidate.name
        link = candidate_page.get_by_label("Verification link to share:").input_value()
        assert link.startswith(f"{live_server}/verify/"), link
        assert_accessible(candidate_page)

        # 3. An anonymous visitor follows the link: the certificate is valid, with its holder and competencies.
        visitor.goto(link)
        expect(visitor.get_by_role("heading", level=1, name=f"Certificate {serial}")).to_be_visible()
        expect(_verdict(visitor, "Valid.")).to_contain_text("in good standing")
        expect(visitor.locator("dl")).to_contain_text(candidate.name)
        competencies = visitor.get_by_role("heading", name="Competencies certified").locator("+ ul")
        expect(competencies.get_by_role("listitem")).not_to_have_count(0)
        expect(visitor.get_by_role("button", name="Sign out")).to_have_count(0)  # nobody is signed in
        assert_accessible(visitor)

        # The PDF as issued is genuine; one byte changed and it is not.
        _check_pdf(visitor, pdf_name, pdf)
        expect(_verdict(visitor, "Genuine.")).to_contain_text(f"exactly the file we issued for {serial}")
        assert_accessible(visitor)
        _check_pdf(visitor, pdf_name, _flip_one_byte(pdf))
        expect(_verdict(visitor, "Not genuine.")).to_contain_text("it has been altered")
        expect(_verdict(visitor, "Genuine.")).to_have_count(0)
        assert_accessible(visitor)

        # The credential file verifies; the same credential with another holder's name does not.
        visitor.goto("/verify/")
        expect(visitor.get_by_role("heading", level=1, name="Check a credential")).to_be_visible()
        assert_accessible(visitor)
        _check_json_file(visitor, json_name, credential_bytes)
        expect(_verdict(visitor, "Verified.")).to_contain_text(f"{serial} is in good standing")
        assert_accessible(visitor)

        tampered = json.loads(credential_bytes)
        tampered["credentialSubject"]["identifier"][0]["identityHash"] = FORGER
        tampered["description"] = tampered["description"].replace(candidate.name, FORGER)
        visitor.get_by_label("Credential JSON").fill(json.dumps(tampered, indent=2))
        visitor.get_by_role("button", name="Check", exact=True).click()
        expect(_verdict(visitor, "Not verified.")).to_contain_text("The signature does not verify")
        expect(_verdict(visitor, "Verified.")).to_have_count(0)
        assert_accessible(visitor)

        # 4. The administrator revokes it, with a reason; the public page and the credential check say so.
        admin_page.get_by_label("Reason for revoking (shown publicly on the verification page)").fill(REASON)
        admin_page.get_by_role("button", name="Revoke").click()
        expect(admin_page.get_by_role("status")).to_contain_text(f"{serial}: revoke done.")
        expect(admin_page.get_by_text("Revoked certificates cannot be changed.")).to_be_visible()
        expect(admin_page.locator("dl")).to_contain_text(f"revoked: {REASON}")
        assert_accessible(admin_page)

        visitor.goto(link)
        expect(_verdict(visitor, "Revoked.")).to_contain_text(f"Reason: {REASON}")
        expect(_verdict(visitor, "Valid.")).to_have_count(0)
        assert_accessible(visitor)

        visitor.goto("/verify/")
        _check_json_file(visitor, json_name, credential_bytes)
        expect(_verdict(visitor, "Signature valid, but:")).to_contain_text(f"The certificate was revoked: {REASON}")
        expect(_verdict(visitor, "Verified.")).to_have_count(0)
        assert_accessible(visitor)

        # The candidate's wallet shows it too.
        candidate_page.reload()
        expect(candidate_page.get_by_role("region", name=re.compile(rf": {serial}$"))).to_contain_text("Revoked")


def test_issue_to_all_eligible_streams_progress(
    page: Page, certification: Certification, make_user: Callable[..., User]
) -> None:
    world, admin = certification.world, certification.admin
    second = make_user(roles=("candidate",), name="Bartholomew Reyes", email="bart.reyes@example.org")
    certification.make_eligible(world.candidate)
    certification.make_eligible(second)

    sign_in(page, admin.email, PASSWORD)
    expect(page.get_by_role("heading", level=1, name=f"Welcome, {admin.name}")).to_be_visible()
    page.goto("/admin/certificates")
    expect(page.get_by_text("2 candidate(s) are eligible.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Issue to all eligible").click()
    expect(page.get_by_role("heading", level=1, name="Issuing certificates")).to_be_visible()
    steps = page.locator("ol.progress-list").get_by_role("listitem")
    expect(steps).to_have_text(
        [
            re.compile(r"^1 of 2: MID-\d{4}-000001 for (Cassandra Quill|Bartholomew Reyes)$"),
            re.compile(r"^2 of 2: MID-\d{4}-000002 for (Cassandra Quill|Bartholomew Reyes)$"),
        ]
    )
    expect(page.locator("ol.progress-list")).to_contain_text(world.candidate.name)
    expect(page.locator("ol.progress-list")).to_contain_text(second.name)
    expect(page.get_by_role("status").filter(has_text="Issued")).to_have_text("Issued 2 certificate(s).")
    expect(page.get_by_role("heading", name="Not issued")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Back to certificates").click()
    issued = page.get_by_role("table", name="Certificates, newest first")
    expect(issued.get_by_role("rowheader", name=re.compile(r"^MID-\d{4}-00000[12]$"))).to_have_count(2)
    expect(page.get_by_role("button", name="Issue to all eligible")).to_have_count(0)
    assert_accessible(page)
