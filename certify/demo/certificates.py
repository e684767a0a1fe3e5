"""Demo certificates for `certify seed --demo`: Amara holds an active one; Mei's was revoked.

Both candidates completed the course, passed the Certification Exam (real answers,
scored through the normal scoring code) and passed their portfolio (see
certify/review/demo.py). The demo admin issues both certificates, then revokes Mei's.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from certify.assessments.attempt_models import AttemptItem
from certify.assessments.models import Assessment, ItemVersion
from certify.auth.models import User
from certify.certificates.issuing import issue
from certify.certificates.lifecycle import revoke
from certify.certificates.models import Certificate
from certify.database import utcnow
from certify.demo.course import complete_course
from certify.demo.simulation import Outcome, seeded, sit
from certify.extensions import db

ADMIN = "admin@example.org"
ACTIVE, REVOKED = "amara@example.org", "mei@example.org"
REVOCATION_REASON = (
    "Parts of the portfolio evidence were found to be copied from another candidate's submission "
    "(certification committee decision)."
)


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None, f"demo account {email} is missing"
    return user


def _pass_exam(candidate: User, days_ago: int) -> None:
    """A scored attempt at the Certification Exam with real answers: right on five questions in six.

    Every sixth question gets a plausible wrong answer, but never more than two in one competency,
    so the attempt passes the cut score and every mastery threshold.
    """
    exam = db.session.scalar(select(Assessment).where(Assessment.kind == "certification"))
    assert exam is not None, "the certification exam is not loaded"
    wrong_per_competency: Counter[str] = Counter()

    def choose(item: AttemptItem, version: ItemVersion) -> Outcome:
        if item.position % 6 or wrong_per_competency[version.competency_code] >= 2:
            return "right"
        wrong_per_competency[version.competency_code] += 1
        return "wrong"

    sit(candidate, exam, utcnow() - timedelta(days=days_ago), choose, seeded("demo exam", candidate.email))


def seed_certificate_demo() -> list[str]:
    if db.session.scalar(select(Certificate.id)) is not None:
        return []
    admin = _user(ADMIN)
    lines = []
    for email, days_ago in ((ACTIVE, 12), (REVOKED, 9)):
        candidate = _user(email)
        complete_course(candidate)
        _pass_exam(candidate, days_ago)
        certificate = issue(admin, candidate, utcnow())
        lines.append(f"demo certificate {certificate.serial} for {email}: /verify/{certificate.code}")
        if email == REVOKED:
            revoke(admin, certificate, REVOCATION_REASON, utcnow())
            lines[-1] += " (revoked)"
    return lines
