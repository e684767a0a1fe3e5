"""Set-up for certificate tests: candidates who have earned certification the real way (rows, not shortcuts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment
from certify.auth.models import User
from certify.course.models import CourseCompletion
from certify.database import utcnow
from certify.extensions import db
from tests.support.exams import EXAM
from tests.support.portfolios import World
from tests.support.samples import BANK


@dataclass
class Certification:
    world: World
    admin: User

    def make_eligible(self, candidate: User, *, exam_passed: bool = True, portfolio_level: int = 3) -> None:
        """Course complete, one certification exam attempt scored, a portfolio decided at `portfolio_level`."""
        app = self.world.app
        with app.app_context():
            now = utcnow()
            db.session.add(CourseCompletion(user_id=candidate.id, completed_at=now - timedelta(days=30)))
            exam = db.session.query(Assessment).filter_by(slug="exam").one()
            attempt = Attempt(
                user_id=candidate.id,
                assessment_id=exam.id,
                number=1,
                open_marker=None,
                seed="seed",
                status="submitted",
                started_at=now - timedelta(days=10, hours=1),
                deadline=now - timedelta(days=10),
                submitted_at=now - timedelta(days=10),
                cut_score_id=exam.cut_scores[-1].id,
            )
            db.session.add(attempt)
            db.session.flush()
            db.session.add(
                AttemptScore(
                    attempt_id=attempt.id,
                    points=8 if exam_passed else 2,
                    max_points=10,
                    percent=80.0 if exam_passed else 20.0,
                    cut_percent=50.0,
                    passed=exam_passed,
                    competencies=[{"code": "RA", "score": 80.0, "mastery": 50.0, "met": exam_passed}],
                    scored_at=now - timedelta(days=10),
                )
            )
            db.session.commit()
        version_id = self.world.submit(candidate=candidate)
        for allocation in self.world.allocations(version_id):
            self.world.review(allocation.id, self.world.levels(portfolio_level))


@pytest.fixture
def certification(world: World, load_catalog: Any, make_user: Any) -> Certification:
    load_catalog(("sample.yaml", BANK), ("exam.yaml", EXAM))
    return Certification(world, make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org"))
