"""The certificates feature's public surface for other features."""

from __future__ import annotations

from certify.certificates import renewals


def renewals_awaiting_review_count() -> int:
    """How many renewal requests wait for an admin's decision (for the admin overview)."""
    return renewals.awaiting_review_count()
