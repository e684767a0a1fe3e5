"""The programme impact report over the hand-worked population in tests/support/outcome_report.py (its docstring
has the table every expected figure here is worked from), and `flask outcomes report`."""

from __future__ import annotations

import json

import pytest

from certify.database import utcnow
from certify.outcomes.report import FilterError, impact_report, read_filter, report_json
from tests.core.test_outcome_evidence import reference_wilson
from tests.support.outcome_report import GREET, QUALIFY, RESOLVE, impact_world  # noqa: F401 - fixture

ADA, BEN, CLEO = 9 / 13, 0.5, -0.2


def _report(app, cohort="", issued_from="", issued_to=""):
    with app.app_context():
        return impact_report(read_filter(cohort, issued_from, issued_to), utcnow())


@pytest.mark.usefixtures("impact_world")
def test_every_count_of_the_whole_programme(app):
    report = _report(app)
    assert (report.holders, report.followed_up, report.responded, report.non_respondents) == (7, 6, 5, 1)
    assert (report.attested, report.disputed) == (3, 1)  # Ada, Ben (attested after an earlier dispute), Cleo; Fay
    assert report.response_rate == pytest.approx(5 / 6)
    statuses = {p.holder: p.status for p in report.plans}
    assert statuses == {
        "Ada": "attested",
        "Ben": "attested",
        "Cleo": "attested",
        "Dev": "awaiting sponsor",
        "Eve": "no response",
        "Fay": "disputed",
        "Gus": "not yet due",
    }


@pytest.mark.usefixtures("impact_world")
def test_attainment_uses_each_plans_latest_attested_value_and_never_a_disputed_one(app):
    report = _report(app)
    gained = {p.holder: p.attainment for p in report.plans if p.attainment is not None}
    assert gained == pytest.approx({"Ada": ADA, "Ben": BEN, "Cleo": CLEO})  # Ada 70 not 74; Ben 3.1 not 3.9
    assert {p.holder: p.attested_months for p in report.plans if p.attested_months} == {"Ada": 6, "Ben": 6, "Cleo": 3}
    moved = report.moved
    assert (moved.count, moved.n, moved.share) == (2, 3, pytest.approx(2 / 3))
    assert (moved.low, moved.high) == pytest.approx(reference_wilson(2, 3), abs=1e-9)
    assert report.median_attainment == pytest.approx(BEN)


@pytest.mark.usefixtures("impact_world")
def test_level3_ratings_and_themes(app):
    report = _report(app)
    assert [(r.objective, r.mean, r.n) for r in report.ratings] == [
        (GREET, 3.0, 2),  # Ada's 6-month 4 and Ben's 3-month 2 (the same wording, pooled)
        (QUALIFY, 3.0, 1),
        (RESOLVE, 5.0, 1),
    ]
    assert [(t.theme, t.cases) for t in report.enablers] == [("Job aid", 2), ("Manager coaching", 1)]
    assert [(t.theme, t.cases) for t in report.barriers] == [("Rota changes", 2), ("No time to practise", 1)]
    assert [(row.outcome.holder, row.case.kind) for row in report.cases] == [
        ("Ada", "success"),
        ("Ben", "success"),
        ("Cleo", "non_success"),
    ]


@pytest.mark.usefixtures("impact_world")
def test_a_cohort_and_dates_narrow_the_report(app):
    acme = _report(app, cohort="acme")  # by name, case-insensitively
    assert acme.filter.cohort == "Acme"
    assert (acme.holders, acme.followed_up, acme.responded, acme.attested, acme.disputed) == (3, 2, 2, 2, 0)
    assert (acme.moved.count, acme.moved.n) == (2, 2)
    assert acme.median_attainment == pytest.approx((ADA + BEN) / 2)
    assert [row.outcome.holder for row in acme.cases] == ["Ada", "Ben"]
    spring = _report(app, issued_from="2025-02-01", issued_to="2025-03-15")  # both ends inclusive
    assert sorted(p.holder for p in spring.plans) == ["Ben", "Cleo", "Dev"]
    assert _report(app, issued_from="2026-01-01").holders == 0


@pytest.mark.usefixtures("impact_world")
@pytest.mark.parametrize(
    ("cohort", "start", "end", "message"),
    [
        ("Gamma", "", "", "There is no cohort “Gamma”"),
        ("", "2025-13-01", "", "“Issued from” “2025-13-01” is not a date"),
        ("", "", "yesterday", "“Issued to” “yesterday” is not a date"),
        ("", "2025-05-01", "2025-04-01", "is after"),
    ],
)
def test_bad_filters_are_named(app, cohort, start, end, message):
    with app.app_context(), pytest.raises(FilterError, match=message):
        read_filter(cohort, start, end)


def test_an_empty_programme_has_no_share_and_no_median(app):
    report = _report(app)
    assert (report.holders, report.moved.share, report.median_attainment, report.response_rate) == (0, None, None, None)
    assert report_json(report)["moved_toward_target"]["share"] is None


CONTRACT = {"holders", "followed_up", "responded", "attested", "disputed", "moved_toward_target"}
CONTRACT |= {"median_attainment", "success_cases"}


@pytest.mark.usefixtures("impact_world")
def test_cli_json_contract(runner):
    result = runner.invoke(args=["outcomes", "report", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= CONTRACT
    assert {k: data[k] for k in ("holders", "followed_up", "responded", "attested", "disputed")} == {
        "holders": 7,
        "followed_up": 6,
        "responded": 5,
        "attested": 3,
        "disputed": 1,
    }
    low, high = reference_wilson(2, 3)
    moved = data["moved_toward_target"]
    assert {"share", "ci_low", "ci_high"} <= set(moved)
    assert (moved["share"], moved["ci_low"], moved["ci_high"]) == (0.6667, round(low, 4), round(high, 4))
    assert (data["median_attainment"], data["success_cases"], data["non_respondents"]) == (0.5, 3, 1)


@pytest.mark.usefixtures("impact_world")
def test_cli_filters_and_readable_summary(runner):
    data = json.loads(runner.invoke(args=["outcomes", "report", "--cohort", "Beta", "--json"]).output)
    assert (data["holders"], data["attested"], data["moved_toward_target"]["share"]) == (2, 1, 0.0)
    result = runner.invoke(args=["outcomes", "report", "--from", "2025-01-01", "--to", "2025-01-31"])
    assert result.exit_code == 0, result.output
    assert "Holders with an outcome plan: 1" in result.output
    assert "Moved toward target: 1 of 1 attested outcomes, 100.0%" in result.output
    assert "Non-respondents: 0" in result.output


@pytest.mark.usefixtures("impact_world")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cohort", "Nobody"], "There is no cohort “Nobody”"),
        (["--from", "31/01/2025"], "is not a date"),
        (["--from", "2025-02-01", "--to", "2025-01-01"], "is after"),
    ],
)
def test_cli_bad_filter_exits_2_with_a_clear_message(runner, args, message):
    result = runner.invoke(args=["outcomes", "report", *args, "--json"])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.usefixtures("impact_world")
def test_a_later_dispute_supersedes_an_earlier_attestation(app):
    """The sponsor's latest word stands: Ada's 6-month attestation disputed later leaves her without an outcome."""
    from sqlalchemy import select

    from certify.extensions import db
    from certify.outcomes.models import FollowUp, OutcomePlan, SponsorResponse

    with app.app_context():
        plan = db.session.scalars(select(OutcomePlan).where(OutcomePlan.metric == "First-contact resolution")).first()
        latest = db.session.scalars(select(FollowUp).where(FollowUp.plan_id == plan.id, FollowUp.months == 6)).one()
        response = db.session.scalars(select(SponsorResponse).where(SponsorResponse.followup_id == latest.id)).one()
        response.decision = "disputed"
        db.session.commit()
    report = _report(app)
    assert "Ada" not in {p.holder for p in report.plans if p.attainment is not None}
    assert (report.attested, report.disputed) == (2, 2)
