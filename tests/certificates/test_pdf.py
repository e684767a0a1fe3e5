"""Certificate PDFs: content, PDF/A-3 structure, bundled fonts, a fetcher that loads nothing else, determinism.

The PDF's page text is drawn with subset fonts and cannot be searched without a PDF library, so what the
certificate says is checked on the HTML, and the PDF is checked for its structure: the attachment, the PDF/A
identification, the fonts, the link and the metadata. `_readable` inflates every stream so that objects kept
inside compressed object streams can be searched too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import re
import zlib
from datetime import date

import pytest
import segno
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, fetch

from certify.certificates import pdf
from certify.certificates.pdf import (
    FONT_BASE_URL,
    FONT_DIR,
    FONT_FILES,
    TEMPLATE_DIR,
    TEMPLATE_VERSION,
    BundledFontFetcher,
    CertificateDocument,
    RefusedURLError,
    render_html,
    render_pdf,
    safe_fetcher,
    uncovered_characters,
)

# The digest of the template, its stylesheet and the fonts for each TEMPLATE_VERSION. When the test below
# fails, the certificate's look has changed: bump TEMPLATE_VERSION (stored PDFs are then rendered again)
# and record the new digest here.
TEMPLATE_DIGESTS = {1: "9b8f562a6cc27461d94a094a0736d577f2ebbcfe1abf481c4593dce1c45a0723"}

CREDENTIAL = json.dumps(
    {"type": ["VerifiableCredential", "OpenBadgeCredential"], "proof": [{"proofValue": "z3FXQjecWufY46"}]},
    indent=2,
).encode()
MID = [
    ("RA", "Results alignment"),
    ("PA", "Performance and cause analysis"),
    ("SS", "Solution selection"),
    ("OB", "Measurable objectives"),
    ("AD", "Assessment design"),
    ("IS", "Instructional strategy and practice"),
    ("EV", "Evaluation and impact"),
    ("CP", "Consulting partnership and ethics"),
]


def _doc(**changes: object) -> CertificateDocument:
    doc = CertificateDocument(
        holder_name="Zoë Ørsted-Łukasiewicz",
        credential_title="Measurable Instructional Design (MID) Certified Practitioner",
        serial="MID-2025-000123",
        issued_on=date(2025, 3, 1),
        expires_on=date(2028, 2, 29),
        verification_url="https://certify.example.org/verify/7f3a9c2e41b84d0f9a6e2c1d5b8e0f3a",
        competencies=MID,
        issuer_name="MID Certification Board",
        credential_json=CREDENTIAL,
    )
    return dataclasses.replace(doc, **changes)


def _readable(data: bytes) -> bytes:
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue  # "endstream" matches too; what follows it is not a stream
    return b"\n".join(parts)


@pytest.fixture(scope="module")
def certificate_pdf() -> bytes:
    return render_pdf(_doc())


@pytest.fixture(scope="module")
def readable(certificate_pdf: bytes) -> bytes:
    return _readable(certificate_pdf)


def test_html_shows_holder_credential_competencies_dates_serial_and_link() -> None:
    html = render_html(_doc())

    for text in (
        "Zoë Ørsted-Łukasiewicz",
        "Measurable Instructional Design (MID) Certified Practitioner",
        "MID Certification Board",
        "1 March 2025",
        "29 February 2028",
        "MID-2025-000123",
        'href="https://certify.example.org/verify/7f3a9c2e41b84d0f9a6e2c1d5b8e0f3a"',
    ):
        assert text in html
    for code, title in MID:
        assert f'<span class="code">{code}</span><span class="name">{title}</span>' in html


def test_pdf_is_pdfa_3b_with_the_signed_credential_attached(certificate_pdf: bytes, readable: bytes) -> None:
    assert certificate_pdf.startswith(b"%PDF-1.7")
    assert b'pdfaid:part="3"' in readable and b'pdfaid:conformance="B"' in readable
    assert b"/GTS_PDFA1" in readable  # the sRGB output intent PDF/A asks for
    assert b"/UF (credential.json)" in readable
    assert b"/AFRelationship /Source" in readable
    assert b"/Subtype /application#2fjson" in readable
    assert CREDENTIAL in readable


def test_plain_pdf_leaves_out_pdfa_but_keeps_the_attachment() -> None:
    readable = _readable(render_pdf(_doc(), pdfa=False))

    assert b"pdfaid:part" not in readable
    assert b"/UF (credential.json)" in readable


def test_pdf_without_a_credential_has_no_attachment() -> None:
    assert b"/EmbeddedFiles" not in _readable(render_pdf(_doc(credential_json=None)))


def test_pdf_embeds_the_bundled_fonts_and_no_other(readable: bytes) -> None:
    # Subset fonts are named TAG+Family; the families are the ones our @font-face rules declare.
    names = {name.split(b"+")[1] for name in re.findall(rb"/BaseFont /([A-Z]{6}\+[\w-]+)", readable)}

    assert names == {b"Certify-Serif", b"Certify-Serif-Bold", b"Certify-Sans"}
    assert readable.count(b"/FontFile2") == 3


def test_pdf_metadata_names_the_certificate_and_links_to_its_verification_page(readable: bytes) -> None:
    assert "Zoë Ørsted-Łukasiewicz (MID-2025-000123)".encode() in readable  # the XMP dc:title
    assert b"/URI (https://certify.example.org/verify/7f3a9c2e41b84d0f9a6e2c1d5b8e0f3a)" in readable
    assert re.findall(rb"<</Type /Pages[^<>]*/Count (\d+)", readable) == [b"1"]


def test_every_date_in_the_pdf_is_the_issue_date(readable: bytes) -> None:
    assert set(re.findall(rb"(?:CreationDate|ModDate) \(D:(\d{8})", readable)) == {b"20250301"}
    assert b"<xmp:CreateDate>2025-03-01T00:00:00Z</xmp:CreateDate>" in readable


def test_same_document_renders_to_the_same_bytes(certificate_pdf: bytes) -> None:
    assert render_pdf(_doc()) == certificate_pdf
    assert render_pdf(_doc(serial="MID-2025-000124")) != certificate_pdf


def test_cached_stylesheet_gives_exactly_the_standalone_html_rendering() -> None:
    doc = _doc(credential_json=None)

    # A fresh WeasyPrint render of the standalone HTML, fonts fetched through our fetcher.
    standalone = HTML(string=render_html(doc), base_url=FONT_BASE_URL, url_fetcher=safe_fetcher).write_pdf()

    assert render_pdf(doc, pdfa=False) == standalone


def test_long_names_and_many_competencies_still_fit_one_page() -> None:
    doc = _doc(
        holder_name="Maximiliana Alexandra Konstantinopoulou-Featherstonehaugh de la Cruz y Villanueva",
        credential_title="Measurable Instructional Design (MID) Certified Practitioner in Performance "
        "Consulting, Learning Design and the Evaluation of Results",
        competencies=[(f"C{n}", "A competency title long enough to wrap onto a second line") for n in range(12)],
    )

    assert re.findall(rb"<</Type /Pages[^<>]*/Count (\d+)", _readable(render_pdf(doc))) == [b"1"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/x.css",
        "https://example.org/font.ttf",
        "ftp://example.org/x",
        "data:text/css,body{color:red}",
        FONT_BASE_URL + "LICENSE",
        FONT_BASE_URL + "../pdf.py",
        FONT_BASE_URL + "DejaVuSans.ttf?v=2",
        FONT_BASE_URL.replace("file:", "http:") + "DejaVuSans.ttf",
        (FONT_DIR / "DejaVuSans.ttf").as_posix(),
    ],
)
def test_fetcher_refuses_everything_but_the_bundled_fonts(url: str) -> None:
    with pytest.raises(RefusedURLError):
        safe_fetcher(url)
    # Inside WeasyPrint the refusal stops the render rather than leaving a hole in the PDF.
    with pytest.raises(FatalURLFetchingError), fetch(safe_fetcher, url):
        pass


@pytest.mark.parametrize("name", FONT_FILES)
def test_fetcher_serves_the_bundled_fonts(name: str) -> None:
    response = safe_fetcher(FONT_BASE_URL + name)

    assert response.read() == (FONT_DIR / name).read_bytes()


def test_a_template_reaching_for_a_local_file_fails_instead_of_reading_it() -> None:
    with pytest.raises(FatalURLFetchingError):
        HTML(string='<img src="file:///etc/passwd">', base_url=FONT_BASE_URL, url_fetcher=safe_fetcher).write_pdf()


def test_markup_in_a_holder_name_is_printed_not_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = (
        '<img src="file:///etc/passwd"><link rel=stylesheet href=http://example.org/x.css>'
        "<style>@import url(https://example.org/y.css)</style>"
    )
    fetched: list[str] = []
    serve = BundledFontFetcher.fetch

    def spy(self: BundledFontFetcher, url: str, headers: object = None) -> object:
        fetched.append(url)
        return serve(self, url, headers)

    monkeypatch.setattr(BundledFontFetcher, "fetch", spy)
    html = render_html(_doc(holder_name=hostile))
    render_pdf(_doc(holder_name=hostile))

    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;&lt;link rel=stylesheet" in html
    assert "<img" not in html and "<link" not in html and "<style>@import" not in html
    assert set(fetched) <= {FONT_BASE_URL + name for name in FONT_FILES}


def test_qr_code_is_segno_svg_of_the_verification_url(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, object]]] = []
    make = segno.make

    def spy(content: str, **options: object) -> segno.QRCode:
        calls.append((content, options))
        return make(content, **options)

    monkeypatch.setattr(pdf.segno, "make", spy)
    html = render_html(_doc())

    assert calls == [("https://certify.example.org/verify/7f3a9c2e41b84d0f9a6e2c1d5b8e0f3a", {"error": "m"})]
    svg = re.search(r"<div class=\"qr\">(.*?)</div>", html, re.S)
    assert svg is not None and svg.group(1).startswith("<svg viewBox=")
    assert "<?xml" not in html


def test_a_normal_certificate_renders_without_warnings(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(_doc(serial="MID-2025-000999"))

    assert caplog.records == []


def test_characters_the_fonts_lack_are_reported() -> None:
    assert uncovered_characters(_doc()) == ""
    assert uncovered_characters(_doc(holder_name="山田 太郎 (Yamada Tarō)")) == "山田太郎"


def test_verification_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="verification_url"):
        _doc(verification_url="javascript:alert(1)")


def test_template_changes_come_with_a_new_template_version() -> None:
    digest = hashlib.sha256()
    for path in [TEMPLATE_DIR / "certificate.html", TEMPLATE_DIR / "certificate.css"] + [
        FONT_DIR / name for name in FONT_FILES
    ]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())

    assert TEMPLATE_DIGESTS.get(TEMPLATE_VERSION) == digest.hexdigest(), (
        "certificate template changed: bump TEMPLATE_VERSION in certify/certificates/pdf.py "
        f"and record {{{TEMPLATE_VERSION + 1}: {digest.hexdigest()!r}}} in TEMPLATE_DIGESTS"
    )
