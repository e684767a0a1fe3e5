"""Certificates: a warm render against a bare WeasyPrint render of the same HTML, a bulk render, a bulk issue.

The baseline is `HTML(string=render_html(doc)).write_pdf(font_config=fonts)`: the standalone HTML of the
same certificate, rendered by WeasyPrint with a font configuration it has already loaded the fonts into
(rendered once to warm it, like our own cached fonts), so the ratio says what our wrapper costs (template,
QR code, PDF/A-3, attachment) and is not flattered by WeasyPrint reloading its fonts on every render. The
baseline with a fresh font configuration per render (WeasyPrint's default) is printed too, not a target.
They are timed alternately in one process and compared by their medians. The bulk run renders N documents in
a pool of two processes (rendering only). The issue run is the real thing: N candidates made eligible with
database rows (course, a passed certification attempt, a passed portfolio), then `issue_all` by an admin
with two workers, eligibility computed, every credential signed and every PDF rendered and stored, committed.
Its database then serves the public pages (bench/verify.py). CERTIFY_BENCH_CERTIFICATES sets N
(default 1,000).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from bench.certificate_data import NAMES, bench_app, prepare_eligible
from bench.report import before_run, target
from bench.verify import bench_serving
from certify.auth.models import User
from certify.certificates import issuing
from certify.certificates.models import Certificate
from certify.certificates.pdf import FONT_BASE_URL, CertificateDocument, render_html, render_pdf
from certify.database import utcnow, write_intent
from certify.extensions import db
from certify.storage import Blob

RATIO_TARGET = 1.15
BULK_TARGET_SECONDS = 120.0
ISSUE_TARGET_SECONDS = 120.0  # for 1,000 certificates, eligibility to commit
ROUNDS = 30
WORKERS = 2

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
            "name": NAMES[n % len(NAMES)],
            "achievement": {"name": "MID Certified Practitioner", "alignment": [c for c, _ in _COMPETENCIES]},
        },
        "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z" + code * 3}],
    }
    return CertificateDocument(
        holder_name=NAMES[n % len(NAMES)],
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
    loaded_fonts = FontConfiguration()
    cases: dict[str, Callable[[], object]] = {
        "ours": lambda: render_pdf(doc),
        # The baseline: bare WeasyPrint given a font configuration it has already loaded the fonts into.
        "bare": lambda: HTML(string=html, base_url=FONT_BASE_URL).write_pdf(font_config=loaded_fonts),
        # Not the target: bare WeasyPrint with its defaults, which load the fonts again on every render.
        "bare, fonts reloaded": lambda: HTML(string=html, base_url=FONT_BASE_URL).write_pdf(),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():  # warm up: fonts loaded, caches filled, code paths imported
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


@dataclass
class IssueRun:
    count: int
    queue_seconds: float = 0.0  # finding the eligible candidates (the queue, with everyone's evidence)
    decide_seconds: float = 0.0  # the decisions: independence, evidence, serial, code, status slot, audit
    produce_seconds: float = 0.0  # signing, rendering in the pool, storing each result
    commit_seconds: float = 0.0
    total_seconds: float = 0.0
    own_cpu_seconds: float = 0.0  # this process: queue, decisions, storing, commit
    workers_cpu_seconds: float = 0.0  # the pool's processes: start-up, signing, rendering
    load_before: float = 0.0  # the machine's 1-minute load average as the run started
    skipped: list[str] = field(default_factory=list)
    pdf_bytes: int = 0
    codes: list[str] = field(default_factory=list)


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def load_average() -> float:
    return os.getloadavg()[0]


@contextmanager
def _timing(run: IssueRun) -> Iterator[None]:
    """Time the queue and the decisions inside `issue_all_steps` (what is left of the run is production)."""
    original_queue, original_decide = issuing.eligible_candidates, issuing.decide

    def queue(now: datetime) -> list[User]:
        start = time.perf_counter()
        try:
            return original_queue(now)
        finally:
            run.queue_seconds += time.perf_counter() - start

    def decide(*args: Any, **kwargs: Any) -> issuing.Decision:
        start = time.perf_counter()
        try:
            return original_decide(*args, **kwargs)
        finally:
            run.decide_seconds += time.perf_counter() - start

    issuing.eligible_candidates, issuing.decide = queue, decide  # type: ignore[assignment]
    try:
        yield
    finally:
        issuing.eligible_candidates, issuing.decide = original_queue, original_decide  # type: ignore[assignment]


def bench_issue(url: str, count: int, key_file: Path, workers: int = WORKERS) -> IssueRun:
    """`issue_all` by an admin on a database of `count` eligible candidates, timed from the queue to the commit."""
    app = bench_app(url, key_file)
    run = IssueRun(count)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "bench-0@example.org"))
        run.load_before = load_average()
        own, children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        with write_intent():  # as the CLI and the admin page do: one write transaction
            start = time.perf_counter()
            with _timing(run):
                issued, run.skipped = issuing.issue_all(admin, utcnow(), workers=workers)
            committing = time.perf_counter()
            db.session.commit()
            run.total_seconds = time.perf_counter() - start
        # The pool has shut down and its processes have been waited for, so their time is counted.
        run.own_cpu_seconds = _cpu(resource.RUSAGE_SELF) - own
        run.workers_cpu_seconds = _cpu(resource.RUSAGE_CHILDREN) - children
        run.commit_seconds = run.total_seconds - (committing - start)
        run.produce_seconds = committing - start - run.queue_seconds - run.decide_seconds
        assert len(issued) == count and not run.skipped, f"issued {len(issued)} of {count}: {run.skipped[:3]}"
        stored = db.session.execute(
            select(func.count(), func.sum(Blob.size))
            .select_from(Certificate)
            .join(Blob, Blob.sha256 == Certificate.pdf_sha256)
        ).one()
        assert stored[0] == count, f"{stored[0]} of {count} certificates have a stored PDF"
        run.pdf_bytes = int(stored[1] or 0)
        run.codes = list(db.session.scalars(select(Certificate.code)))
        db.engine.dispose()
    return run


def main() -> bool:
    count = max(1, int(os.environ.get("CERTIFY_BENCH_CERTIFICATES", "1000")))
    print(f"\n== Certificates ({count:,}; {os.cpu_count()} cores) ==", flush=True)
    before_run("the render ratio")
    medians = bench_render_ratio()
    ratio = medians["ours"] / medians["bare"]
    ratio_ok = target(
        "certificate PDF, warm, against bare WeasyPrint with its fonts loaded",
        f"{medians['ours']:.1f} ms vs {medians['bare']:.1f} ms, ratio {ratio:.2f}",
        f"≤ {RATIO_TARGET:.2f}",
        ratio <= RATIO_TARGET,
    )
    print(
        f"  (bare WeasyPrint reloading its fonts on every render {medians['bare, fonts reloaded']:6.1f} ms, "
        f"ratio {medians['ours'] / medians['bare, fonts reloaded']:4.2f}; not a target)",
        flush=True,
    )
    before_run("the bulk render")
    seconds, size = bench_bulk(count)
    print(
        f"  {count:,} certificate PDFs rendered, {WORKERS} processes  {seconds:6.1f} s ({count / seconds:5.1f}/s, "
        f"{size / count / 1024:4.1f} KiB each; rendering only, not a target)",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        url, key_file = f"sqlite:///{Path(tmp) / 'certificates.sqlite3'}", Path(tmp) / "signing_key.pem"
        prepare_eligible(url, count, key_file)
        before_run("the bulk issue")
        run = bench_issue(url, count, key_file)
        # The target is for 1,000; a larger run gets proportionally longer, a smaller one the same budget (the
        # pool's start-up is fixed, so scaling a small run up would overstate it).
        limit = ISSUE_TARGET_SECONDS * max(count, 1000) / 1000
        cpu = run.own_cpu_seconds + run.workers_cpu_seconds
        issue_ok = target(
            f"{count:,} certificates issued, {WORKERS} processes, eligibility to commit",
            f"{run.total_seconds:.1f} s ({count / run.total_seconds:.1f}/s)",
            f"≤ {limit:.0f} s",
            run.total_seconds <= limit,
        )
        print(
            f"  queue {run.queue_seconds:.2f} s, decisions {run.decide_seconds:.1f} s, signing + rendering + "
            f"storing {run.produce_seconds:.1f} s, commit {run.commit_seconds:.2f} s; "
            f"{run.pdf_bytes / count / 1024:.1f} KiB per PDF"
        )
        print(
            f"  CPU: this process {run.own_cpu_seconds:.1f} s, pool {run.workers_cpu_seconds:.1f} s, "
            f"{cpu / run.total_seconds:.2f} of {os.cpu_count()} cores on average; load average "
            f"{run.load_before:.1f} at the start, {load_average():.1f} at the end",
            flush=True,
        )
        print("  certificates served (the issued database):", flush=True)
        serving_ok = bench_serving(url, run.codes)
    return ratio_ok and issue_ok and serving_ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
