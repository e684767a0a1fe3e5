"""The certificates feature's public counts (the admin work queue reads them)."""

from __future__ import annotations

from datetime import datetime

from certify.certificates.evidence import queue


def candidates_awaiting_decision_count(now: datetime) -> int:
    """Candidates who meet every requirement and hold no current certificate: an admin must decide."""
    return sum(1 for _user, eligibility in queue(now) if eligibility.eligible)
