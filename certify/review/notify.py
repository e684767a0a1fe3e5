"""Mail about portfolio assessment, queued in the outbox with the decision it reports."""

from __future__ import annotations

from certify.auth.models import User
from certify.extensions import db
from certify.outbox import services as outbox
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review.models import Allocation
from certify.urls import external_url

PARTS = {
    "first": "an independent review",
    "second": "an independent review",
    "adjudicator": "an adjudication",
    "appeal": "an appeal re-mark",
}


def allocated(allocation: Allocation) -> None:
    """Tell an assessor there is work for them (without naming the candidate)."""
    assessor = db.session.get(User, allocation.assessor_id)
    if assessor is None:
        return
    outbox.queue(
        assessor.email,
        "A portfolio is waiting for your review",
        f"Hello {assessor.name},\n\nA portfolio has been allocated to you for {PARTS[allocation.role]}.\n"
        f"Open it here: {external_url('review.allocation', allocation_id=allocation.id)}\n",
    )


def decided(version: PortfolioVersion, passed: bool, *, appeal_outcome: str = "") -> None:
    """Tell the candidate their portfolio was decided (or their appeal), with a link to the feedback."""
    portfolio = db.session.get(Portfolio, version.portfolio_id)
    candidate = db.session.get(User, portfolio.candidate_id) if portfolio else None
    if candidate is None:
        return
    subject = "The outcome of your appeal" if appeal_outcome else "Your portfolio has been assessed"
    verdict = "It meets the standard." if passed else "It does not meet the standard yet."
    outbox.queue(
        candidate.email,
        subject,
        f"Hello {candidate.name},\n\nVersion {version.number} of your design portfolio has been decided. {verdict}\n"
        + (f"{appeal_outcome}\n" if appeal_outcome else "")
        + "\nRead the level and comments for each criterion, and what to do next: "
        f"{external_url('portfolios.version', number=version.number)}\n",
    )
