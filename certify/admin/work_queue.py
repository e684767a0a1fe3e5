"""The admin overview's work queue: what waits for an admin, counted from each feature's services.

Each entry names a kind of work, how to count it and where it is done. A feature that gains work
for admins adds one `Entry` to ENTRIES; the overview and its tests need no other change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for

from certify.assessments import services as bank_service
from certify.certificates import services as certificate_service
from certify.database import utcnow
from certify.outbox import services as outbox_service
from certify.reports import items as item_analysis
from certify.review import services as review_service
from certify.standard_setting import angoff_study


@dataclass(frozen=True)
class Entry:
    """One kind of waiting work: `waiting` and `none_waiting` explain the count in words."""

    label: str
    count: Callable[[], int]
    endpoint: str
    waiting: str
    none_waiting: str
    query: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class QueueRow:
    """An entry counted now, with its link."""

    label: str
    count: int
    url: str
    explanation: str


ENTRIES: list[Entry] = [
    Entry(
        "Certification exams not open to candidates",
        bank_service.not_launched_count,
        "standard_setting_admin.standard_setting",
        "Their cut score is a placeholder (informed judgement), so no candidate can start them. Run a "
        "modified-Angoff study on items that represent the blueprint and adopt its cut to open the exam.",
        "Every certification exam has a cut from a standard-setting study.",
    ),
    Entry(
        "Candidates awaiting a certification decision",
        lambda: certificate_service.candidates_awaiting_decision_count(utcnow()),
        "certificates_admin.certificates",
        "They meet every requirement; an admin who did not assess them decides and issues.",
        "No eligible candidate is waiting for a decision.",
    ),
    Entry(
        "Renewals to review",
        certificate_service.renewals_awaiting_review_count,
        "certificates_admin.renewals_queue",
        "Holders asked to renew with their logged development as evidence; an admin approves, asks for more "
        "or refuses.",
        "No renewal request is waiting.",
    ),
    Entry(
        "Portfolios waiting for an assessor",
        review_service.portfolios_waiting_for_assessors_count,
        "review_admin.portfolios",
        "Submitted versions lack an assessor they need: no calibrated one without a conflict was free.",
        "Every submitted portfolio has the assessors it needs.",
    ),
    Entry(
        "Portfolios awaiting adjudication",
        review_service.portfolios_awaiting_adjudication_count,
        "review_admin.portfolios",
        "The two assessors disagreed beyond tolerance; an adjudicator decides.",
        "No portfolio is waiting for adjudication.",
        (("state", "adjudication"),),
    ),
    Entry(
        "Open appeals",
        review_service.open_appeals_count,
        "review_admin.appeals",
        "Lodged and not yet decided; each needs a fresh assessor to re-mark.",
        "No appeal is open.",
    ),
    Entry(
        "Open standard-setting studies",
        angoff_study.open_studies_count,
        "standard_setting_admin.standard_setting",
        "Still in a rating round; advance or close them once the panel has rated.",
        "No standard-setting study is in progress.",
    ),
    Entry(
        "Stale item analyses",
        item_analysis.stale_analyses_count,
        "reports_admin.reports",
        "Attempts were scored since the analysis was made; recompute it.",
        "Every item analysis includes all scored attempts.",
    ),
    Entry(
        "Undelivered mail",
        outbox_service.undelivered_count,
        "admin.outbox",
        "Not delivered yet: waiting for a first try, or failed and being retried.",
        "All mail has been delivered.",
    ),
]


def work_queue(entries: list[Entry] | None = None) -> list[QueueRow]:
    """Every entry counted now, in order; entries with nothing waiting are kept and say so."""
    rows = []
    for entry in ENTRIES if entries is None else entries:
        count = entry.count()
        explanation = entry.waiting if count else entry.none_waiting
        rows.append(QueueRow(entry.label, count, url_for(entry.endpoint, **dict(entry.query)), explanation))
    return rows
