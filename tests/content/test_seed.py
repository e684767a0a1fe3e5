"""`flask certify seed` loads the repository's content, and a second run changes nothing."""

from __future__ import annotations

from certify.assessments.models import Assessment, ItemVersion
from certify.course.models import Lesson, Module
from certify.extensions import db
from certify.review.models import AnchorPortfolio, RubricCriterion


def test_seed_loads_everything_and_is_idempotent(app, runner):
    first = runner.invoke(args=["certify", "seed"])
    assert first.exit_code == 0, first.output
    assert "POOL TOO SMALL" not in first.output
    with app.app_context():
        versions = db.session.query(ItemVersion).count()
        assert db.session.query(Module).count() == 10
        assert db.session.query(Lesson).count() >= 30
        assert db.session.query(Assessment).count() == 3  # certification, practice, diagnostic
        assert db.session.query(RubricCriterion).count() == 8
        assert db.session.query(AnchorPortfolio).count() == 3
        assert versions >= 320 + 50
    second = runner.invoke(args=["certify", "seed"])
    assert second.exit_code == 0
    assert " added" not in second.output.replace("0 added", "")
    with app.app_context():
        assert db.session.query(ItemVersion).count() == versions
