"""Submitting a portfolio, allocating two calibrated assessors, resolving or adjudicating."""

from __future__ import annotations

import pytest

from certify.database import utcnow
from certify.extensions import db
from certify.portfolios import services as portfolios
from certify.review import allocation, reviewing
from certify.review.models import Allocation, AnchorPortfolio, ConflictOfInterest, Resolution
from certify.security.uploads import UploadRefused  # noqa: F401 - the error portfolios translate
from tests.security.test_uploads import PDF


@pytest.fixture
def people(app, make_user, runner):
    assert runner.invoke(args=["certify", "seed"]).exit_code == 0
    candidate = make_user(roles=("candidate",))
    assessors = [make_user(roles=("assessor",)) for _ in range(3)] + [make_user(roles=("assessor", "adjudicator"))]
    with app.app_context():
        anchors = db.session.query(AnchorPortfolio).all()
        for person in assessors:
            reviewing.record_calibration(person, {a.slug: dict(a.reference_levels) for a in anchors}, utcnow())
        db.session.commit()
    return candidate, assessors


def _submit(app, candidate):
    with app.app_context():
        codes = portfolios.criteria_codes()
        portfolios.save_draft(candidate, {code: f"Evidence for {code}." for code in codes}, 1, utcnow())
        portfolios.add_attachment(candidate, "sign-off.pdf", PDF, "PARTNERSHIP")
        version = portfolios.submit(candidate, utcnow())  # allocates the pair when assessors are free
        pair = db.session.query(Allocation).filter_by(version_id=version.id).order_by(Allocation.id).all()
        db.session.commit()
        return version.id, [a.id for a in pair], codes


def _review(app, allocation_id, levels):
    with app.app_context():
        row = db.session.get(Allocation, allocation_id)
        from certify.auth.models import User

        assessor = db.session.get(User, row.assessor_id)
        result = reviewing.submit_review(assessor, row, levels, {}, "Overall comment.", utcnow())
        db.session.commit()
        return None if result is None else (result.passed, result.rule)


def test_agreeing_reviews_resolve_and_conflicts_are_never_allocated(app, people):
    candidate, assessors = people
    with app.app_context():
        db.session.add(ConflictOfInterest(assessor_id=assessors[0].id, candidate_id=candidate.id, reason="trainer"))
        db.session.commit()
    version_id, pair, codes = _submit(app, candidate)
    with app.app_context():
        allocated = {db.session.get(Allocation, a).assessor_id for a in pair}
    assert assessors[0].id not in allocated and len(allocated) == 2
    _review(app, pair[0], dict.fromkeys(codes, 3))
    resolution = _review(app, pair[1], dict.fromkeys(codes, 4))
    assert resolution is not None and resolution[0] is True
    with app.app_context():
        stored = db.session.get(Resolution, version_id)
        assert set(stored.final_levels.values()) == {3} and "rounded down" in stored.rule


def test_disagreement_goes_to_an_adjudicator_who_decides(app, people):
    candidate, _assessors = people
    version_id, pair, codes = _submit(app, candidate)
    _review(app, pair[0], dict.fromkeys(codes, 3))
    assert _review(app, pair[1], {**dict.fromkeys(codes, 3), codes[0]: 1}) is None
    with app.app_context():
        adjudicator = db.session.query(Allocation).filter_by(version_id=version_id, role="adjudicator").one()
        assert adjudicator.assessor_id not in {db.session.get(Allocation, a).assessor_id for a in pair}
        adjudicator_id = adjudicator.id
    resolution = _review(app, adjudicator_id, {**dict.fromkeys(codes, 3), codes[0]: 2})
    assert resolution == (False, "decided by an adjudicator")


def test_incomplete_or_duplicate_submissions_are_refused(app, people):
    candidate, _assessors = people
    with app.app_context():
        with pytest.raises(portfolios.PortfolioError, match="Write every section"):
            portfolios.submit(candidate, utcnow())
        with pytest.raises(portfolios.PortfolioError, match="Unknown portfolio section"):
            portfolios.save_draft(candidate, {"NOPE": "x"}, 1, utcnow())
        with pytest.raises(portfolios.PortfolioError, match="not a PNG"):
            portfolios.add_attachment(candidate, "fake.png", PDF)
        db.session.rollback()
    _submit(app, candidate)
    with app.app_context(), pytest.raises(portfolios.PortfolioError, match="already with the assessors"):
        portfolios.submit(candidate, utcnow())


def test_stale_draft_saves_change_nothing(app, people):
    candidate, _assessors = people
    with app.app_context():
        portfolios.save_draft(candidate, {"KPM": "newer"}, 5, utcnow())
        with pytest.raises(portfolios.PortfolioError, match="newer draft"):
            portfolios.save_draft(candidate, {"KPM": "older"}, 4, utcnow())
        assert portfolios.portfolio_for(candidate).draft_sections["KPM"] == "newer"


def test_uncalibrated_assessors_are_not_allocated(app, make_user, runner):
    assert runner.invoke(args=["certify", "seed"]).exit_code == 0
    candidate = make_user(roles=("candidate",))
    make_user(roles=("assessor",))
    make_user(roles=("assessor",))
    with app.app_context():
        codes = portfolios.criteria_codes()
        portfolios.save_draft(candidate, dict.fromkeys(codes, "text"), 1, utcnow())
        version = portfolios.submit(candidate, utcnow())
        with pytest.raises(allocation.AllocationError, match="Fewer than two calibrated"):
            allocation.allocate_pair(version)
