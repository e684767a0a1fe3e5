"""Bench data for the certificate benches: N candidates who have earned certification, inserted in bulk."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import flask_migrate
from sqlalchemy import insert, select

from certify import create_app
from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment, Competency, CutScore
from certify.assessments.sources import QUESTION_BANKS, load_catalog
from certify.auth.models import User, UserRole
from certify.course.models import CourseCompletion
from certify.database import utcnow, write_intent
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review.models import Resolution
from certify.seed import load_content

# Holder names with the characters a certificate must render: accents, ligature-prone runs, Vietnamese tones.
NAMES = ("Ada Lovelace", "Zoë Ørsted-Łukasiewicz", "Grace Brewster Murray Hopper", "Nguyễn Thị Minh Khai")


def bench_app(url: str, key_file: Path) -> Any:
    """The app on a bench database, signing with a throwaway key (never the instance folder's)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SIGNING_KEY_FILE": str(key_file)})


def _inserted_ids(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars().all())


def prepare_eligible(url: str, count: int, key_file: Path) -> None:
    """Migrate, load the repository's content, an admin, and `count` candidates who have earned certification.

    The rows are the ones the real path leaves behind (course completion, a scored certification attempt with
    every competency met, a portfolio version with a passing resolution), inserted in bulk.
    """
    app = bench_app(url, key_file)
    with app.app_context(), write_intent():
        flask_migrate.upgrade()
        load_content(load_catalog([QUESTION_BANKS]))
        now = utcnow()
        exam = db.session.scalar(select(Assessment).where(Assessment.kind == "certification"))
        assert exam is not None, "the repository's content has no certification exam"
        cut = db.session.scalar(
            select(CutScore).where(CutScore.assessment_id == exam.id).order_by(CutScore.version.desc())
        )
        assert cut is not None
        codes = list(db.session.scalars(select(Competency.code).order_by(Competency.position, Competency.code)))
        admin, *people = _inserted_ids(
            User,
            [
                {
                    "email": f"bench-{n}@example.org",
                    "name": "Bench Admin" if n == 0 else f"{NAMES[n % len(NAMES)]} {n}",
                    "password_hash": None,
                    "active": True,
                    "session_version": 1,
                    "created_at": now,
                }
                for n in range(count + 1)
            ],
        )
        db.session.execute(
            insert(UserRole),
            [{"user_id": admin, "role": "admin", "granted_at": now}]
            + [{"user_id": i, "role": "candidate", "granted_at": now} for i in people],
        )
        db.session.execute(
            insert(CourseCompletion), [{"user_id": i, "completed_at": now - timedelta(days=60)} for i in people]
        )
        sat = now - timedelta(days=20)
        attempts = _inserted_ids(
            Attempt,
            [
                {
                    "user_id": i,
                    "assessment_id": exam.id,
                    "number": 1,
                    "open_marker": None,
                    "seed": f"bench-{i}",
                    "status": "scored",
                    "started_at": sat - timedelta(minutes=80),
                    "deadline": sat + timedelta(minutes=10),
                    "time_multiplier": 1.0,
                    "submitted_at": sat,
                    "cut_score_id": cut.id,
                }
                for i in people
            ],
        )
        db.session.execute(
            insert(AttemptScore),
            [
                {
                    "attempt_id": a,
                    "points": 52.0,
                    "max_points": 64.0,
                    "percent": 81.25,
                    "cut_percent": cut.percent,
                    "passed": True,
                    "competencies": [{"code": c, "score": 80.0, "mastery": 62.5, "met": True} for c in codes],
                    "scored_at": sat,
                    "finalised_by": "candidate",
                }
                for a in attempts
            ],
        )
        portfolios = _inserted_ids(
            Portfolio,
            [{"candidate_id": i, "draft_sections": {}, "draft_seq": 1, "created_at": now} for i in people],
        )
        versions = _inserted_ids(
            PortfolioVersion,
            [
                {
                    "portfolio_id": p,
                    "number": 1,
                    "sections": {},
                    "sections_html": {},
                    "attachment_ids": [],
                    "submitted_at": now - timedelta(days=15),
                    "state": "resolved",
                }
                for p in portfolios
            ],
        )
        db.session.execute(
            insert(Resolution),
            [
                {
                    "version_id": v,
                    "final_levels": {},
                    "passed": True,
                    "rule": "bench",
                    "decided_at": now - timedelta(days=5),
                }
                for v in versions
            ],
        )
        db.session.commit()
        db.engine.dispose()
