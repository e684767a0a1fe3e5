"""Demo portfolios for `certify seed --demo`: one agreed, one in adjudication, one waiting for review.

Built through the same services as real work, so the demo shows real states:
two calibrated assessors agree on Amara's portfolio (resolved, passed),
disagree on Jonas's (sent to the adjudicator, who calibrates last), and have
Priya's freshly submitted portfolio waiting for them.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from certify.auth.models import User
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios import services as portfolios
from certify.portfolios.models import Portfolio
from certify.review.models import Allocation, AnchorPortfolio, CalibrationAttempt
from certify.review.reviewing import record_calibration, submit_review

# Which anchor text each demo candidate submits, and how the two assessors score it.
AGREED, DISPUTED, WAITING = "amara@example.org", "jonas@example.org", "candidate@example.org"
ALSO_AGREED = "mei@example.org"  # certified in the demo, then revoked
ASSESSORS = ("assessor@example.org", "assessor2@example.org")
ADJUDICATOR = "adjudicator@example.org"

COMMENTS = {
    "KPM": "The metric, baseline and target are stated; say who owns the figure and when it is measured.",
    "CAUSE": "The causes are supported by evidence from the people doing the work.",
    "SOLUTION": "The mix of solutions follows from the causes you found.",
    "OBJECTIVES": "Objectives name observable performance, conditions and a standard.",
    "ASSESSMENT": "The assessment matches the objectives' conditions and standards.",
    "PRACTICE": "Practice is realistic and has feedback built in.",
    "EVALUATION": "The evaluation plan links back to the business metric.",
    "PARTNERSHIP": "The sponsor's sign-off is evidenced.",
}


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, f"demo account {email} is missing"
    return user


def _anchor(slug: str) -> AnchorPortfolio:
    anchor = db.session.scalar(select(AnchorPortfolio).where(AnchorPortfolio.slug == slug))
    assert anchor is not None, f"anchor {slug} is not loaded"
    return anchor


def _calibrate(person: User) -> None:
    already = db.session.scalar(
        select(CalibrationAttempt.id).where(CalibrationAttempt.assessor_id == person.id, CalibrationAttempt.calibrated)
    )
    if already is None:
        anchors = db.session.scalars(select(AnchorPortfolio)).all()
        record_calibration(person, {a.slug: dict(a.reference_levels) for a in anchors}, utcnow())


def _submit(candidate: User, anchor: AnchorPortfolio) -> int:
    now = utcnow()
    portfolios.save_draft(candidate, dict(anchor.sections), 1, now)
    return portfolios.submit(candidate, now).id


def _review(version_id: int, email: str, levels: dict[str, int], overall: str) -> None:
    assessor = _user(email)
    allocation = db.session.scalar(
        select(Allocation).where(Allocation.version_id == version_id, Allocation.assessor_id == assessor.id)
    )
    assert allocation is not None, f"{email} was not allocated version {version_id}"
    submit_review(assessor, allocation, levels, dict(COMMENTS), overall, utcnow() - timedelta(minutes=5))


def seed_review_demo() -> list[str]:
    """Create the demo portfolios once (skipped when they exist); returns what was done."""
    if db.session.scalar(
        select(Portfolio.id).join(User, User.id == Portfolio.candidate_id).where(User.email == AGREED)
    ):
        return []
    first, second = (_user(email) for email in ASSESSORS)
    _calibrate(first)
    _calibrate(second)

    proficient = _anchor("anchor-proficient")
    agreed = _submit(_user(AGREED), proficient)
    reference = {k: int(v) for k, v in proficient.reference_levels.items()}
    _review(agreed, ASSESSORS[0], reference, "A sound design that meets the standard throughout.")
    _review(
        agreed,
        ASSESSORS[1],
        {**reference, "PRACTICE": min(4, reference["PRACTICE"] + 1)},
        "Meets the standard; the practice design is a particular strength.",
    )

    exemplary = _anchor("anchor-exemplary")
    second = _submit(_user(ALSO_AGREED), exemplary)
    high = {k: int(v) for k, v in exemplary.reference_levels.items()}
    _review(second, ASSESSORS[0], high, "An exemplary design, measured from start to finish.")
    _review(second, ASSESSORS[1], high, "Exemplary: a model for other candidates.")

    weak = _anchor("anchor-weak")
    disputed = _submit(_user(DISPUTED), weak)
    low = {k: int(v) for k, v in weak.reference_levels.items()}
    _review(disputed, ASSESSORS[0], low, "The design starts from the request rather than a business result.")
    _review(
        disputed,
        ASSESSORS[1],
        {k: max(3, v) for k, v in low.items()},
        "Adequate overall, although the evaluation could go further.",
    )
    _calibrate(_user(ADJUDICATOR))  # calibrating allocates the waiting adjudication to them

    _submit(_user(WAITING), _anchor("anchor-exemplary"))
    return [
        f"demo portfolio {AGREED}: double-marked and agreed",
        f"demo portfolio {ALSO_AGREED}: double-marked and agreed",
        f"demo portfolio {DISPUTED}: the assessors disagreed; waiting for {ADJUDICATOR}",
        f"demo portfolio {WAITING}: submitted, waiting for {', '.join(ASSESSORS)}",
    ]
