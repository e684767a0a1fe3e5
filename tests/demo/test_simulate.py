"""`flask certify seed --demo --simulate N`: a simulated cohort whose attempts analyse like real ones."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from certify import create_app
from certify.assessments.attempt_models import Attempt, AttemptScore, Response
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.auth.models import User, UserRole
from certify.certificates.models import Certificate
from certify.core.delivery import present, to_internal
from certify.core.scoring import score_item
from certify.database import utcnow
from certify.demo.simulation import FAULTY_ITEMS, SIM_DOMAIN, correct_answer, wrong_answer
from certify.extensions import db
from certify.portfolios.models import PortfolioVersion
from certify.reports.models import Cohort, CohortMember
from certify.review.models import Resolution


def _simulated(role: str = "candidate") -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.email.like(f"%@{SIM_DOMAIN}"), UserRole.role == role)
    )


def _analysis(runner, slug: str, *options: str) -> dict:
    result = runner.invoke(args=["analysis", "items", slug, "--json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_simulated_cohort_is_created_once_and_analyses(app, runner):
    first = runner.invoke(args=["certify", "seed", "--demo", "--simulate", "30"])
    assert first.exit_code == 0, first.output
    assert "simulated 30 candidates" in first.output and "not done:" not in first.output
    with app.app_context():
        assert _simulated() == 30
        assert _simulated("assessor") >= 6 and _simulated("adjudicator") == 1
        cohorts = db.session.scalars(select(Cohort)).all()
        assert len(cohorts) >= 3
        assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 30
        created = db.session.scalars(select(User.created_at).where(User.email.like(f"%@{SIM_DOMAIN}"))).all()
        assert max(created) < utcnow() and max(created) - min(created) > timedelta(days=300)
        attempts = db.session.scalars(
            select(Attempt).join(User, User.id == Attempt.user_id).where(User.email.like(f"%@{SIM_DOMAIN}"))
        ).all()
        kinds = {a.assessment.slug for a in attempts}
        assert {"diagnostic", "mid-certification"} <= kinds
        for attempt in attempts:
            assert attempt.status == "scored" and attempt.score is not None
            assert attempt.started_at <= attempt.submitted_at <= attempt.deadline
            assert attempt.score.scored_at == attempt.submitted_at
            answered = [i for i in attempt.items if i.response.answer is not None]
            assert len(answered) >= len(attempt.items) * 0.8
            for item in answered:
                spent = item.response.saved_at - item.first_seen_at
                assert timedelta(seconds=5) <= spent <= timedelta(seconds=121)
            # The stored credits are what scoring the stored answers gives.
            assert sum(i.credit for i in attempt.items if i.scored) == pytest.approx(attempt.score.points, abs=1e-3)
        assert db.session.scalar(select(func.count()).select_from(PortfolioVersion)) > 4  # the demo's four and more
        assert db.session.scalar(select(func.count()).select_from(Resolution)) > 2
        assert db.session.scalar(select(func.count()).select_from(Certificate)) > 2  # the demo's two and more
        counts = [db.session.scalar(select(func.count()).select_from(t)) for t in (User, Attempt, Response)]

    report = _analysis(runner, "mid-certification")
    test = report["test"]
    assert test["n"] > 0 and isinstance(test["kr20"], float)
    assert report["items"] and all(isinstance(i["flags"], list) for i in report["items"])
    assert any(i["flags"] for i in report["items"])
    assert _analysis(runner, "diagnostic")["test"]["n"] > 0

    again = runner.invoke(args=["certify", "seed", "--demo", "--simulate", "30"])
    assert again.exit_code == 0, again.output
    assert "already exist; nothing added" in again.output
    with app.app_context():
        assert [db.session.scalar(select(func.count()).select_from(t)) for t in (User, Attempt, Response)] == counts


def test_generated_answers_score_as_intended_for_every_shipped_item(app, runner):
    assert runner.invoke(args=["certify", "seed"]).exit_code == 0
    with app.app_context():
        assert set(FAULTY_ITEMS) <= set(db.session.scalars(select(Item.ref)))
        versions = db.session.scalars(select(ItemVersion)).all()
        assert {v.type for v in versions} >= {"single_choice", "multiple_response", "true_false", "numeric"}
        rng = random.Random(7)
        for version in versions:
            content = version.content
            for seed in ("a:1", "b:2", "c:17"):
                shown = present(content, seed)
                right = to_internal(content, shown, correct_answer(content, shown))
                assert score_item(content, right) == 1.0, (version.id, content["type"])
                for attempt in range(6):
                    answer = wrong_answer(content, shown, rng, lure=attempt == 0)
                    credit = score_item(content, to_internal(content, shown, answer))
                    assert credit < 1.0, (version.id, content["type"], answer)


@pytest.mark.parametrize("bad", ["0", "5001", "lots", "-3"])
def test_simulate_refuses_a_bad_count(runner, bad):
    result = runner.invoke(args=["certify", "seed", "--demo", "--simulate", bad])
    assert result.exit_code == 2
    assert "--simulate" in result.output


def test_simulate_needs_demo(runner):
    result = runner.invoke(args=["certify", "seed", "--simulate", "10"])
    assert result.exit_code == 1 and "--demo" in result.output


def test_simulate_is_refused_in_production(database_url):
    app = create_app({"CERTIFY_ENV": "production", "SECRET_KEY": "p" * 40, "SQLALCHEMY_DATABASE_URI": database_url})
    result = app.test_cli_runner().invoke(args=["certify", "seed", "--demo", "--simulate", "10"])
    assert result.exit_code == 1 and "refusing" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.committing  # on PostgreSQL, 150 simulated candidates in one rolled-back transaction crawl
def test_faulty_items_are_flagged_in_a_larger_cohort(app, runner):
    """300 candidates (about 57 per item, retakes included): the planted faults are found and few sound items
    are flagged. The analysis reads first attempts by default (about 27 per item here, below the minimum
    of 30), so this one asks for every attempt."""
    result = runner.invoke(args=["certify", "seed", "--demo", "--simulate", "300"])
    assert result.exit_code == 0, result.output
    items = {i["item_ref"]: i for i in _analysis(runner, "mid-certification", "--all-attempts")["items"]}
    for ref, flag in FAULTY_ITEMS.items():
        assert flag in [f["code"] for f in items[ref]["flags"]], (ref, items[ref])
    # The simulation plants no other fault: a key, discrimination or distractor flag elsewhere is a false alarm.
    # (Difficulty flags are not: some simulated items really are easy for this population.)
    judged = [i for ref, i in items.items() if ref not in FAULTY_ITEMS and i["interpretable"] and i["scored"]]
    alarms = [i for i in judged if any(f["code"] not in ("too easy", "too hard") for f in i["flags"])]
    print(f"false alarms: {len(alarms)} of {len(judged)} sound items", [(i["item_ref"], i["flags"]) for i in alarms])
    assert len(judged) > 200 and len(alarms) / len(judged) < 0.05
    miskeyed = next(ref for ref, flag in FAULTY_ITEMS.items() if flag == "check the key")
    assert items[miskeyed]["point_biserial"] < 0
    with app.app_context():
        first, later = _pass_rates()
        assert 0 < first < later < 1  # retakes raise the share who pass in the end
        expiring = db.session.scalars(select(Certificate).where(Certificate.predecessor_id.is_not(None))).all()
        assert expiring  # at least one renewal


def _pass_rates() -> tuple[float, float]:
    rows = db.session.execute(
        select(Attempt.user_id, Attempt.number, AttemptScore.passed)
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .join(Assessment, Assessment.id == Attempt.assessment_id)
        .join(User, User.id == Attempt.user_id)
        .where(Assessment.slug == "mid-certification", User.email.like(f"%@{SIM_DOMAIN}"))
    ).all()
    people = {user for user, _, _ in rows}
    first = sum(1 for _, number, passed in rows if number == 1 and passed) / len(people)
    later = len({user for user, _, passed in rows if passed}) / len(people)
    return first, later
