"""Certificate PDFs: a warm render against a bare WeasyPrint render of the same HTML, and a bulk run.

The baseline is `HTML(string=render_html(doc)).write_pdf()`: the standalone HTML of the same certificate,
rendered by WeasyPrint with its defaults (its own fetcher and a fresh font configuration), so the ratio says
what our wrapper costs or saves (template, QR code, PDF/A-3, attachment, cached stylesheet and fonts). The
two are timed alternately in one process and compared by their medians. The bulk run renders N documents in
a pool of two processes, as a bulk issue will. CERTIFY_BENCH_CERTIFICATES sets N (default 1,000).
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from certify.certificates.pdf import FONT_BASE_URL, CertificateDocument, render_html, render_pdf

RATIO_TARGET = 1.15
BULK_TARGET_SECONDS = 120.0
ROUNDS = 30
WORKERS = 2

_NAMES = ("Ada Lovelace", "Zoë Ørsted-Łukasiewicz", "Grace Brewster Murray Hopper", "Nguyễn Thị Minh Khai")
_COMPETENCIES = (
    ("RA", "Results alignment"),
    ("PA", "Performance and cause analysis"),
    ("SS", "Solution selection"),
    ("OB", "Measurable objectives"),
    ("AD", "Assessment design"),
    ("IS", "Instructional strategy and practice"),
    ("EV", "Evaluation and impact"),
    ("CP", "Consulting partnership and ethics"),
)


def sample_document(n: int) -> CertificateDocument:
    """The n-th of a run of realistic certificates, each with its own serial, code and a ~2 KB credential."""
    code = hashlib.sha256(f"bench-{n}".encode()).hexdigest()[:32]
    issued = date(2025, 1, 1) + timedelta(days=n % 365)
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"https://certify.example.org/credentials/{code}.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://certify.example.org/issuer", "type": ["Profile"], "name": "MID Certification Board"},
        "validFrom": f"{issued.isoformat()}T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": _NAMES[n % len(_NAMES)],
            "achievement": {"name": "MID Certified Practitioner", "alignment": [c for c, _ in _COMPETENCIES]},
        },
        "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z" + code * 3}],
    }
    return CertificateDocument(
        holder_name=_NAMES[n % len(_NAMES)],
        credential_title="Measurable Instructional Design (MID) Certified Practitioner",
        serial=f"MID-{issued.year}-{n:06d}",
        issued_on=issued,
        expires_on=issued.replace(year=issued.year + 3),
        verification_url=f"https://certify.example.org/verify/{code}",
        competencies=_COMPETENCIES,
        issuer_name="MID Certification Board",
        credential_json=json.dumps(credential, indent=2).encode(),
    )


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_render_ratio(rounds: int = ROUNDS) -> dict[str, float]:
    """Median ms of a warm `render_pdf` and of bare WeasyPrint renders of the same HTML, timed alternately."""
    doc = sample_document(0)
    html = render_html(doc)
    reused_fonts = FontConfiguration()
    cases: dict[str, Callable[[], object]] = {
        "ours": lambda: render_pdf(doc),
        "bare": lambda: HTML(string=html, base_url=FONT_BASE_URL).write_pdf(),
        # Not the target: bare WeasyPrint given a font configuration it already loaded the fonts into.
        "bare, fonts reused": lambda: HTML(string=html, base_url=FONT_BASE_URL).write_pdf(font_config=reused_fonts),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():  # warm up: caches filled, code paths imported
        fn()
        fn()
    for round_ in range(rounds):
        order = list(cases.items())
        if round_ % 2:
            order.reverse()  # alternate the order so neither side always runs first
        for name, fn in order:
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: _median_ms(values) for name, values in samples.items()}


def _render(n: int) -> bytes:
    return render_pdf(sample_document(n))


def bench_bulk(count: int, workers: int = WORKERS) -> tuple[float, int]:
    """Seconds to render `count` certificates in a pool of `workers` processes, and the total PDF bytes."""
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pdfs = list(pool.map(_render, range(count), chunksize=10))
    seconds = time.perf_counter() - start
    # Same input, same bytes, whichever process rendered it.
    assert pdfs[0] == _render(0) and pdfs[-1] == _render(count - 1), "renders differ between processes"
    return seconds, sum(len(pdf) for pdf in pdfs)


def main() -> bool:
    count = max(1, int(os.environ.get("CERTIFY_BENCH_CERTIFICATES", "1000")))
    medians = bench_render_ratio()
    ratio = medians["ours"] / medians["bare"]
    ratio_ok = ratio <= RATIO_TARGET
    print(
        f"certificate PDF, warm     {medians['ours']:6.1f} ms/render; bare WeasyPrint of the same HTML "
        f"{medians['bare']:6.1f} ms  ratio {ratio:4.2f} (target ≤ {RATIO_TARGET:.2f})  {'ok' if ratio_ok else 'SLOW'}"
    )
    print(
        f"  (bare WeasyPrint with its fonts already loaded {medians['bare, fonts reused']:6.1f} ms, "
        f"ratio {medians['ours'] / medians['bare, fonts reused']:4.2f}; not a target)"
    )
    seconds, size = bench_bulk(count)
    scaled = seconds * 1000 / count
    bulk_ok = scaled <= BULK_TARGET_SECONDS
    print(
        f"{count:,} certificate PDFs, {WORKERS} processes  {seconds:6.1f} s ({count / seconds:5.1f}/s, "
        f"{size / count / 1024:4.1f} KiB each; target ≤ {BULK_TARGET_SECONDS:.0f} s per 1,000, rendering only)  "
        f"{'ok' if bulk_ok else 'SLOW'}"
    )
    return ratio_ok and bulk_ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
