"""`flask analysis raters`: assessor agreement, severity and drift, worked out by hand on known reviews.

Reviews are stored through `reviewing.submit_review`, which resolves double marking with the real rules
(tolerance 1, final level = mean rounded down); allocations, calibration and adjudications are set up as rows
so each test controls exactly who marked what, and when.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from certify.auth.models import User
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review import reviewing
from certify.review.agreement import rater_report
from certify.review.models import Allocation, CalibrationAttempt, Resolution, Review

BASE = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
CODES = ["KPM", "CAUSE", "SOLUTION", "OBJECTIVES", "ASSESSMENT", "PRACTICE", "EVALUATION", "PARTNERSHIP"]

# One version, hand-worked: pairs (3,3) (3,3) (3,3) (3,4) (2,2) (2,3) (4,4) (4,3).
# Exact 5/8 = 62.5%, adjacent 8/8. Quadratic kappa = 1 - mean squared difference / the same over all
# cross pairs = 1 - (3/8) / (56/64) = 4/7 = 0.571 (moderate). Final levels (mean rounded down):
# 3 3 3 3 2 2 4 3, so Ada deviates by +1 once (severity +1/8), Ben by +1 twice (+2/8).
ADA_LEVELS = [3, 3, 3, 3, 2, 2, 4, 4]
BEN_LEVELS = [3, 3, 3, 4, 2, 3, 4, 3]


def levels(values):
    return dict(zip(CODES, values, strict=True))


def seed_rubric(runner):
    result = runner.invoke(args=["certify", "seed"])
    assert result.exit_code == 0, result.output


def calibrate(app, person, *, share=1.0, calibrated=True, when=BASE):
    with app.app_context():
        db.session.add(
            CalibrationAttempt(assessor_id=person.id, scores={}, share=share, calibrated=calibrated, submitted_at=when)
        )
        db.session.commit()


def new_version(app, candidate):
    with app.app_context():
        portfolio = Portfolio(candidate_id=candidate.id, draft_sections={})
        db.session.add(portfolio)
        db.session.flush()
        version = PortfolioVersion(portfolio_id=portfolio.id, number=1, sections={}, state="in_review")
        db.session.add(version)
        db.session.commit()
        return version.id


def allocate(app, version_id, person, role):
    with app.app_context():
        row = Allocation(version_id=version_id, assessor_id=person.id, role=role)
        db.session.add(row)
        db.session.commit()
        return row.id


def submit(app, allocation_id, values, when):
    """Submit a review through the review service (which resolves the version when both are in)."""
    with app.app_context():
        row = db.session.get(Allocation, allocation_id)
        reviewing.submit_review(db.session.get(User, row.assessor_id), row, levels(values), {}, "", when)
        db.session.commit()


def store_review(app, allocation_id, values, when, status="submitted"):
    """A review row written directly: for adjudications and drafts, whose allocation the test controls."""
    with app.app_context():
        row = db.session.get(Allocation, allocation_id)
        row.status = status
        submitted = when if status == "submitted" else None
        db.session.add(Review(allocation_id=row.id, levels=levels(values), submitted_at=submitted, updated_at=when))
        db.session.commit()


def double_mark(app, candidate, first, second, first_levels, second_levels, when):
    version_id = new_version(app, candidate)
    a = allocate(app, version_id, first, "first")
    b = allocate(app, version_id, second, "second")
    submit(app, a, first_levels, when)
    submit(app, b, second_levels, when + timedelta(hours=1))
    return version_id


def build_single_version_example(app, make_user, runner):
    """Ada and Ben double-mark one portfolio (the hand-worked example above)."""
    seed_rubric(runner)
    ada = make_user(roles=("assessor",), name="Ada Adeyemi")
    ben = make_user(roles=("assessor",), name="Ben Brooks")
    candidate = make_user(roles=("candidate",), name="Pat Candidate")
    calibrate(app, ada)
    calibrate(app, ben)
    version_id = double_mark(app, candidate, ada, ben, ADA_LEVELS, BEN_LEVELS, BASE)
    return ada, ben, candidate, version_id


@pytest.fixture
def three_versions(app, make_user, runner):
    """The example above on day 0, then Ada one level above Ben on half the criteria (day 10), then all (day 20).

    Ada's mean deviation per review: 0.125, 0.5, 1.0 -> severity 13/24 = +0.542, drift 0.04375/day = 1.3125 per
    30 days. Ben's: 0.25, 0, 0 -> severity 2/24 = +0.083, drift -0.0125/day = -0.375 per 30 days.
    Cy is an assessor who has not calibrated, with one open allocation.
    """
    ada, ben, *_ = build_single_version_example(app, make_user, runner)
    cy = make_user(roles=("assessor",), name="Cy Calder")
    double_mark(app, make_user(), ada, ben, [4, 4, 4, 4, 3, 3, 3, 3], [3] * 8, BASE + timedelta(days=10))
    double_mark(app, make_user(), ada, ben, [4] * 8, [3] * 8, BASE + timedelta(days=20))
    allocate(app, new_version(app, make_user()), cy, "first")
    return ada, ben, cy


def _raters_json(runner):
    result = runner.invoke(args=["analysis", "raters", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _floats(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _floats(item)
    elif isinstance(value, list):
        for item in value:
            yield from _floats(item)


def test_json_report_matches_the_hand_worked_figures(runner, three_versions):
    ada, ben, cy = three_versions
    report = _raters_json(runner)
    assert report["double_marked_versions"] == 3
    # 24 pairs: (3,3) x12, (4,3) x8, (3,4), (2,2), (2,3), (4,4) -> kappa 1/6
    assert report["overall"] == {
        "n": 24,
        "exact": 0.375,
        "adjacent": 1.0,
        "qwk": 0.167,
        "band": "slight",
        "tentative": False,
    }
    by_code = {row["code"]: row for row in report["criteria"]}
    assert [row["code"] for row in report["criteria"]] == CODES
    assert by_code["KPM"]["title"] == "Business result and key performance metric"
    # OBJECTIVES: (3,4) (4,3) (4,3): no exact agreement, kappa -0.8
    assert (by_code["OBJECTIVES"]["exact"], by_code["OBJECTIVES"]["qwk"]) == (0.0, -0.8)
    assert by_code["OBJECTIVES"]["band"] == "poor (worse than chance)"
    # ASSESSMENT: (2,2) (3,3) (4,3): exact 2/3, kappa 2/3
    assert (by_code["ASSESSMENT"]["exact"], by_code["ASSESSMENT"]["qwk"]) == (0.667, 0.667)
    assert by_code["ASSESSMENT"]["band"] == "substantial" and by_code["ASSESSMENT"]["tentative"] is True

    [pair] = report["pairs"]
    assert pair["assessors"] == [{"id": ada.id, "name": "Ada Adeyemi"}, {"id": ben.id, "name": "Ben Brooks"}]
    assert (pair["versions"], pair["n"], pair["exact"], pair["qwk"]) == (3, 24, 0.375, 0.167)

    people = {row["name"]: row for row in report["assessors"]}
    assert list(people) == ["Ada Adeyemi", "Ben Brooks", "Cy Calder"]
    assert people["Ada Adeyemi"]["severity"] == 0.542
    assert people["Ada Adeyemi"]["drift_per_30_days"] == pytest.approx(1.3125, abs=1e-3)
    assert people["Ben Brooks"]["severity"] == 0.083
    assert people["Ben Brooks"]["drift_per_30_days"] == -0.375
    assert people["Ada Adeyemi"] | {"severity": None, "drift_per_30_days": None} == {
        "id": ada.id,
        "name": "Ada Adeyemi",
        "active": True,
        "holds_role": True,
        "reviews": 3,
        "resolved_reviews": 3,
        "severity": None,
        "drift_per_30_days": None,
        "calibrated": True,
        "latest_calibration_share": 1.0,
        "latest_calibration_at": BASE.isoformat(),
        "calibration_attempts": 1,
        "open_allocations": 0,
    }
    cy_row = people["Cy Calder"]
    assert cy_row["id"] == cy.id and cy_row["holds_role"] is True
    assert (cy_row["calibrated"], cy_row["calibration_attempts"], cy_row["latest_calibration_at"]) == (False, 0, None)
    assert (cy_row["open_allocations"], cy_row["reviews"], cy_row["severity"]) == (1, 0, None)
    assert all(round(value, 3) == value for value in _floats(report))


def test_text_report_prints_readable_tables(runner, three_versions):
    result = runner.invoke(args=["analysis", "raters"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert (
        "Assessor agreement over 3 double-marked portfolio versions: 24 pairs of levels, exact 37.5%, "
        "adjacent 100.0%, QWK 0.167 (slight)" in out
    )
    lines = out.splitlines()
    assert re.search(
        r"^OBJECTIVES +Measurable objectives +3 +0\.0% +100\.0% +-0\.800 +poor \(worse than chance\), few pairs$",
        out,
        re.MULTILINE,
    )
    pair = lines[lines.index("By assessor pair") + 3]
    assert pair.split() == ["Ada", "Adeyemi", "Ben", "Brooks", "3", "24", "37.5%", "100.0%", "0.167", "slight"]
    people = lines[lines.index("Assessors") :]
    ada = next(line for line in people if line.startswith("Ada Adeyemi"))
    assert "+0.542" in ada and ("+1.312" in ada or "+1.313" in ada) and " yes " in ada
    cy = next(line for line in people if line.startswith("Cy Calder"))
    assert cy.split()[-4:] == ["n/a", "never", "0", "1"]
    assert "negative = severe" in out and "levels per 30 days" in out


def test_adjudications_count_for_severity_and_unresolved_versions_for_agreement(app, make_user, runner):
    seed_rubric(runner)
    ada, ben, cy = (make_user(roles=("assessor",), name=name) for name in ("Ada", "Ben", "Cy"))
    # Decided by Cy: Ben marked KPM 1 where Ada gave 3; Cy's levels are final.
    decided = new_version(app, make_user())
    store_review(app, allocate(app, decided, ada, "first"), [3] * 8, BASE)
    store_review(app, allocate(app, decided, ben, "second"), [1] + [3] * 7, BASE)
    store_review(app, allocate(app, decided, cy, "adjudicator"), [2] + [3] * 7, BASE + timedelta(days=1))
    with app.app_context():
        db.session.add(
            Resolution(
                version_id=decided,
                final_levels=levels([2] + [3] * 7),
                passed=False,
                rule="decided by an adjudicator",
                decided_at=BASE + timedelta(days=1),
            )
        )
        db.session.commit()
    # Waiting for an adjudicator: agreement counts it, severity cannot (no final levels).
    waiting = new_version(app, make_user())
    store_review(app, allocate(app, waiting, ada, "first"), [4] * 8, BASE)
    store_review(app, allocate(app, waiting, ben, "second"), [2] * 8, BASE)
    # A draft on a withdrawn allocation is not a review.
    store_review(app, allocate(app, new_version(app, make_user()), cy, "first"), [1] * 8, BASE, status="withdrawn")

    report = _raters_json(runner)
    assert report["double_marked_versions"] == 2
    assert (report["overall"]["n"], report["overall"]["exact"], report["overall"]["adjacent"]) == (16, 0.438, 0.438)
    people = {row["name"]: row for row in report["assessors"]}
    assert (people["Ada"]["reviews"], people["Ada"]["resolved_reviews"], people["Ada"]["severity"]) == (2, 1, 0.125)
    assert people["Ben"]["severity"] == -0.125
    assert (people["Cy"]["reviews"], people["Cy"]["severity"], people["Cy"]["open_allocations"]) == (1, 0.0, 0)
    assert people["Cy"]["drift_per_30_days"] is None  # fewer than three decided reviews


def test_no_double_marking_yet_is_said_and_exits_zero(runner):
    result = runner.invoke(args=["analysis", "raters"])
    assert result.exit_code == 0 and "no double-marked portfolios yet" in result.output
    report = _raters_json(runner)
    assert report["double_marked_versions"] == 0 and report["pairs"] == [] and report["assessors"] == []
    assert report["overall"] == {
        "n": 0,
        "exact": None,
        "adjacent": None,
        "qwk": None,
        "band": "not enough data",
        "tentative": True,
    }


def _statements(app, work):
    with app.app_context():
        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            work()
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)


def test_report_takes_the_same_few_queries_however_much_was_marked(app, make_user, runner):
    seed_rubric(runner)
    ada, ben = make_user(roles=("assessor",)), make_user(roles=("assessor",))
    double_mark(app, make_user(), ada, ben, [3] * 8, [3] * 8, BASE)
    few = _statements(app, rater_report)
    for day in range(1, 5):
        double_mark(app, make_user(), ada, ben, [3] * 8, [4] * 8, BASE + timedelta(days=day))
        calibrate(app, make_user(roles=("assessor",)))
    assert 0 < _statements(app, rater_report) == few <= 10
