"""Shared set-up for portfolio and review tests: the rubric and anchors, calibrated assessors, submissions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from certify.auth.models import User
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios import services as portfolios
from certify.review.models import Allocation, AnchorPortfolio
from certify.review.reviewing import record_calibration, submit_review
from tests.support.helpers import sign_in_directly

CONTENT = Path(__file__).resolve().parents[2] / "question_banks"
SECTION_TEXT = "We agreed the metric with the sponsor: average handling time, 6.8 days, target 4.0 days by June."


@dataclass
class World:
    app: Flask
    candidate: User
    assessors: list[User]
    adjudicator: User
    codes: list[str]

    def client_for(self, user: User) -> FlaskClient:
        client = self.app.test_client()
        sign_in_directly(client, user)
        return client

    def submit(self, candidate: User | None = None, sections: dict[str, str] | None = None) -> int:
        """Write every section, submit, and return the new version's id (allocated if assessors are free)."""
        who = candidate or self.candidate
        with self.app.app_context():
            portfolio = portfolios.portfolio_for(who)
            text = sections or {code: f"{SECTION_TEXT} ({code})" for code in self.codes}
            portfolios.save_draft(who, text, portfolio.draft_seq + 1, utcnow())
            version = portfolios.submit(who, utcnow())
            db.session.commit()
            return version.id

    def allocations(self, version_id: int) -> list[Allocation]:
        with self.app.app_context():
            rows = db.session.query(Allocation).filter_by(version_id=version_id).order_by(Allocation.id).all()
            for row in rows:
                db.session.expunge(row)
            return rows

    def review(self, allocation_id: int, levels: dict[str, int], comments: dict[str, str] | None = None) -> Any:
        with self.app.app_context():
            allocation = db.session.get(Allocation, allocation_id)
            assessor = db.session.get(User, allocation.assessor_id)
            result = submit_review(assessor, allocation, levels, comments or {}, "Overall.", utcnow())
            db.session.commit()
            return result

    def levels(self, level: int, **overrides: int) -> dict[str, int]:
        return {**dict.fromkeys(self.codes, level), **overrides}


def calibrate(app: Flask, person: User) -> None:
    with app.app_context():
        anchors = db.session.query(AnchorPortfolio).all()
        record_calibration(person, {a.slug: dict(a.reference_levels) for a in anchors}, utcnow())
        db.session.commit()


@pytest.fixture
def world(app: Flask, make_user: Any, load_catalog: Any) -> World:
    sources = [CONTENT / "rubrics" / "mid-portfolio.yaml", *sorted((CONTENT / "anchors").glob("*.yaml"))]
    load_catalog(*[(str(path.relative_to(CONTENT)), path.read_text()) for path in sources])
    candidate = make_user(roles=("candidate",), name="Cassandra Quill", email="cassandra.quill@example.org")
    assessors = [make_user(roles=("assessor",)) for _ in range(3)]
    adjudicator = make_user(roles=("assessor", "adjudicator"))
    for person in [*assessors[:2], adjudicator]:
        calibrate(app, person)
    with app.app_context():
        codes = portfolios.criteria_codes()
    return World(app, candidate, assessors, adjudicator, codes)
