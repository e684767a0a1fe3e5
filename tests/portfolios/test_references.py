"""Portfolio references are random and stored: nothing about the version or the candidate derives them."""

from __future__ import annotations

import re

import flask_migrate
import pytest
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError

from certify import create_app
from certify.extensions import db
from certify.portfolios.models import REFERENCE_ALPHABET, PortfolioVersion, new_reference
from tests.support.helpers import text

SHAPE = re.compile(rf"^P-[{REFERENCE_ALPHABET}]{{8}}$")


def test_new_references_are_random_unambiguous_and_never_start_with_a_dash():
    drawn = {new_reference() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(SHAPE.match(code) for code in drawn)
    assert not set("01ILOU") & set(REFERENCE_ALPHABET)
    assert not any(code.startswith("-") for code in drawn)


def test_every_page_shows_the_stored_reference_not_one_computed_from_ids(world):
    version_id = world.submit()
    (first, _second) = world.allocations(version_id)
    with world.app.app_context():
        version = db.session.get(PortfolioVersion, version_id)
        stored, portfolio_id = version.reference, version.portfolio_id
    assert SHAPE.match(stored)
    for derived in (version_id, portfolio_id):
        assert stored != f"P-{derived * 7919 % 100_000:05d}-v1"
    assessor = world.client_for(world.assessors[0])
    assert stored in text(assessor.get("/review/")) and stored in text(assessor.get(f"/review/allocations/{first.id}"))
    assert stored in text(world.client_for(world.candidate).get("/portfolio/versions/1"))


def test_a_reference_is_unique_in_the_database(world):
    version_id = world.submit()
    with world.app.app_context():
        version = db.session.get(PortfolioVersion, version_id)
        clash = PortfolioVersion(portfolio_id=version.portfolio_id, number=2, sections={}, reference=version.reference)
        db.session.add(clash)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_the_migration_gives_existing_versions_distinct_random_references(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        flask_migrate.upgrade(revision="0008")
        with db.engine.begin() as conn:
            conn.execute(
                sql(
                    "INSERT INTO users (id, email, name, password_hash, active, session_version, created_at) "
                    "VALUES (1, 'c@example.org', 'C', 'x', 1, 1, '2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                sql(
                    "INSERT INTO portfolios (id, candidate_id, draft_sections, draft_seq, created_at) "
                    "VALUES (1, 1, '{}', 0, '2026-01-01 00:00:00')"
                )
            )
            for number in (1, 2, 3):
                conn.execute(
                    sql(
                        "INSERT INTO portfolio_versions (portfolio_id, number, sections, sections_html, "
                        "attachment_ids, submitted_at, state) VALUES (1, :n, '{}', '{}', '[]', "
                        "'2026-01-01 00:00:00', 'resolved')"
                    ),
                    {"n": number},
                )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            references = conn.execute(sql("SELECT reference FROM portfolio_versions")).scalars().all()
        db.engine.dispose()
    assert len(references) == 3 == len(set(references))
    assert all(SHAPE.match(code) for code in references)
