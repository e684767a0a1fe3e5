"""Certificate PDFs: a Jinja template laid out by WeasyPrint, with bundled fonts and nothing fetched.

No Flask app context is needed. The template receives plain values only; the one piece of markup it gets,
the QR code, is SVG that segno draws from our own verification URL. WeasyPrint is handed a fetcher that
serves the three bundled font files and refuses every other URL, so neither the template nor anything a
holder typed can make a render read a local file or reach the network.

The stylesheet is parsed once per process, and the fonts it declares are registered once in a
FontConfiguration that every render reuses: loading them is most of the difference between a cold and a
warm render. Renders in one process are serialised, because that configuration (fontconfig underneath) is
not safe to share between threads; bulk work runs in several processes instead.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import segno
from fontTools.ttLib import TTFont
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, iri_to_uri

# Bump on any change to certificate.html or certificate.css: stored PDFs rendered with an older version
# are rendered again, and only those.
TEMPLATE_VERSION = 1

PDFA_VARIANT = "pdf/a-3b"
ATTACHMENT_NAME = "credential.json"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "certificates" / "pdf"
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSans.ttf")
# Relative url(...) references in the template resolve against this; the fetcher then matches the
# result against the exact URLs of the bundled files, so no other file under it (or above it) is served.
FONT_BASE_URL = FONT_DIR.as_uri() + "/"
# Built with the same join and quoting WeasyPrint applies before calling the fetcher.
_FONT_URLS = {iri_to_uri(urljoin(FONT_BASE_URL, name)): name for name in FONT_FILES}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class CertificateDocument:
    """What a certificate PDF shows, as plain values; `credential_json` is embedded as an attachment."""

    holder_name: str
    credential_title: str
    serial: str
    issued_on: date
    expires_on: date
    verification_url: str
    competencies: Sequence[tuple[str, str]]
    issuer_name: str
    credential_json: bytes | None = None

    def __post_init__(self) -> None:
        # The URL becomes a link and a QR code; only our own http(s) verification pages belong there.
        if not self.verification_url.startswith(("https://", "http://")):
            raise ValueError(f"verification_url must be an http(s) URL, got {self.verification_url[:80]!r}")


class RefusedURLError(ValueError):
    """Raised by the certificate fetcher for any URL other than a bundled font."""


class BundledFontFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """A WeasyPrint fetcher that serves the bundled fonts and refuses every other URL (file:, http(s):, data:…).

    `fail_on_errors` makes a refusal stop the render instead of leaving a gap in the PDF, so a template
    change that reaches for anything else fails loudly in the tests.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        name = _FONT_URLS.get(url)
        if name is None:
            raise RefusedURLError(f"certificate PDFs load nothing but their bundled fonts; refused {url[:200]!r}")
        return URLFetcherResponse(url, _font_bytes(name), {"Content-Type": "font/ttf"})


@cache
def _font_bytes(name: str) -> bytes:
    return (FONT_DIR / name).read_bytes()


# Call it like a function, `safe_fetcher(url)`, or hand it to WeasyPrint as `url_fetcher`.
safe_fetcher = BundledFontFetcher()


@cache
def _template() -> Template:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("certificate.html")


@cache
def _font_config() -> FontConfiguration:
    # One per process, kept for its lifetime (it owns the temporary folder WeasyPrint copies the fonts to).
    return FontConfiguration()


@cache
def _stylesheet() -> CSS:
    # Parsing it registers the @font-face rules with the shared font configuration, once.
    return CSS(
        string=(TEMPLATE_DIR / "certificate.css").read_text(encoding="utf-8"),
        base_url=FONT_BASE_URL,
        url_fetcher=safe_fetcher,
        font_config=_font_config(),
    )


_render_lock = threading.Lock()


def qr_svg(url: str) -> str:
    """The QR code for `url` as an inline <svg> element (no XML declaration, sized by CSS)."""
    return segno.make(url, error="m").svg_inline(omitsize=True, dark="#1d2b4f", svgclass=None, lineclass=None)


@cache
def _covered(font_file: str) -> frozenset[int]:
    return frozenset(TTFont(FONT_DIR / font_file, lazy=True)["cmap"].getBestCmap())


def uncovered_characters(doc: CertificateDocument) -> str:
    """The characters of `doc` its fonts lack, which would print as empty boxes ("" when there are none).

    Glyph fallback would pick whatever font the machine has, so instead of rendering such a name the caller
    can ask for a transliteration, or a font can be added to the bundle.
    """
    by_font = {
        "DejaVuSerif-Bold.ttf": [doc.holder_name, doc.credential_title, *(code for code, _ in doc.competencies)],
        "DejaVuSerif.ttf": [doc.serial, *(title for _, title in doc.competencies)],
        "DejaVuSans.ttf": [doc.issuer_name.upper(), doc.verification_url],
    }
    missing: dict[str, None] = {}
    for font_file, texts in by_font.items():
        covered = _covered(font_file)
        for char in "".join(texts):
            if ord(char) not in covered and not char.isspace():
                missing[char] = None
    return "".join(missing)


def _long_date(day: date) -> str:
    # Spelled out here rather than with strftime("%B"), which follows the process locale.
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _timestamp(doc: CertificateDocument) -> datetime:
    # The PDF's creation and modification dates are the issue date, so the same input gives the same bytes.
    return datetime.combine(doc.issued_on, time(), tzinfo=UTC)


def _size_step(text: str, smaller_from: int, smallest_from: int) -> str:
    # A CSS class that steps a heading down by length, so long names stay inside the frame.
    if len(text) >= smallest_from:
        return "smallest"
    return "smaller" if len(text) >= smaller_from else ""


def render_html(doc: CertificateDocument, *, inline_styles: bool = True) -> str:
    """The certificate as HTML: standalone by default, its fonts referenced relative to FONT_BASE_URL.

    `render_pdf` asks for it without the inline <style> and supplies the same stylesheet already parsed.
    """
    competencies = [(str(code), str(title)) for code, title in doc.competencies]
    return _template().render(
        inline_styles=inline_styles,
        title=f"{doc.credential_title} — {doc.holder_name} ({doc.serial})",
        description=f"Certificate {doc.serial}; verify at {doc.verification_url}",
        template_version=TEMPLATE_VERSION,
        timestamp=_timestamp(doc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        issuer_name=doc.issuer_name,
        holder_name=doc.holder_name,
        holder_size=_size_step(doc.holder_name, 30, 46),
        credential_title=doc.credential_title,
        credential_size=_size_step(doc.credential_title, 64, 100),
        competencies=competencies,
        compact_competencies=len(competencies) > 8 or any(len(title) > 44 for _, title in competencies),
        issued_on=_long_date(doc.issued_on),
        expires_on=_long_date(doc.expires_on),
        serial=doc.serial,
        verification_url=doc.verification_url,
        qr_svg=Markup(qr_svg(doc.verification_url)),  # noqa: S704 - drawn by segno from our own URL, see above
    )


def render_pdf(doc: CertificateDocument, *, pdfa: bool = True) -> bytes:
    """The certificate as PDF bytes: PDF/A-3b by default, with the signed credential attached when given.

    The same document gives the same bytes with the same WeasyPrint, Pango and HarfBuzz: every date in
    the file comes from `issued_on` and the file identifier is a hash of the content.
    """
    html = render_html(doc, inline_styles=False)
    attachments = []
    if doc.credential_json is not None:
        stamp = _timestamp(doc)
        attachments.append(
            Attachment(
                string=doc.credential_json,
                name=ATTACHMENT_NAME,
                description="Signed credential (Open Badges 3.0)",
                created=stamp,
                modified=stamp,
                # AFRelationship (PDF/A-3): the signed credential is the source this PDF presents.
                relationship="Source",
                url_fetcher=safe_fetcher,
            )
        )
    with _render_lock:
        document: bytes = HTML(string=html, base_url=FONT_BASE_URL, url_fetcher=safe_fetcher).write_pdf(
            stylesheets=[_stylesheet()],
            font_config=_font_config(),
            attachments=attachments,
            pdf_variant=PDFA_VARIANT if pdfa else None,
        )
    return document
