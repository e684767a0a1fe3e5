"""The certificates feature's public surface for other features (the admin work queue reads its counts; the
outcomes feature re-issues a credential when the holder's consent or their attested outcome changes)."""

from __future__ import annotations

from datetime import datetime

from certify.certificates import renewals
from certify.certificates.evidence import queue
from certify.certificates.reissue import refresh_credential

__all__ = ["candidates_awaiting_decision_count", "refresh_credential", "renewals_awaiting_review_count"]


def candidates_awaiting_decision_count(now: datetime) -> int:
    """Candidates who meet every requirement and hold no current certificate: an admin must decide."""
    return sum(1 for _user, eligibility in queue(now) if eligibility.eligible)


def renewals_awaiting_review_count() -> int:
    """How many renewal requests wait for an admin's decision (for the admin overview)."""
    return renewals.awaiting_review_count()
