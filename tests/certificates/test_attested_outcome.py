"""A certificate's attested outcome: only a sponsor-attested value, only with the holder's consent, shown on the
verification page without anything about the sponsor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from certify.certificates.models import Certificate
from certify.extensions import db
from certify.outcomes.evidence import attested_outcome, attested_outcomes_of, number, quantity
from tests.support.attested import SPONSOR_EMAIL, SPONSOR_NAME, add_followup, add_plan, set_consent
from tests.support.certificates import page
from tests.support.helpers import text

SENTENCE = "Sponsor-attested: first-contact resolution 61 % → 74 % (target 72 %) by June 2027"


def outcome_of(app, issued):
    with app.app_context():
        return attested_outcome(db.session.get(Certificate, issued.id))


@pytest.fixture
def plan(certification, issued):
    return add_plan(certification.world.app, issued.id, issued.holder_id)


def test_an_attested_value_with_consent_is_the_outcome(certification, issued, plan):
    app = certification.world.app
    add_followup(app, plan, 3, holder_value=70, decision="attested", value=74)

    outcome = outcome_of(app, issued)

    assert outcome is not None
    assert (outcome.metric, outcome.baseline, outcome.value, outcome.target) == ("first-contact resolution", 61, 74, 72)
    assert outcome.sentence == SENTENCE
    assert outcome.attested_on.isoformat() == "2027-06-14"
    assert outcome.attainment == pytest.approx((74 - 61) / (72 - 61))
    assert outcome.moved_toward_target


def test_the_sponsors_value_counts_never_the_holders(certification, issued, plan):
    app = certification.world.app
    add_followup(app, plan, 3, holder_value=80, decision="attested", value=66)

    outcome = outcome_of(app, issued)

    assert outcome is not None and outcome.value == 66


def test_a_holder_only_report_is_no_outcome(certification, issued, plan):
    app = certification.world.app
    add_followup(app, plan, 3, holder_value=74)

    assert outcome_of(app, issued) is None


def test_a_disputed_value_is_no_outcome(certification, issued, plan):
    app = certification.world.app
    add_followup(app, plan, 3, holder_value=74, decision="disputed", value=62)

    assert outcome_of(app, issued) is None


def test_a_later_dispute_outweighs_an_earlier_attestation(certification, issued, plan):
    app = certification.world.app
    add_followup(app, plan, 3, holder_value=70, decision="attested", value=69)
    add_followup(app, plan, 6, holder_value=78, decision="disputed", value=None)

    assert outcome_of(app, issued) is None


def test_the_latest_attested_follow_up_is_the_outcome(certification, issued, plan):
    app = certification.world.app
    add_followup(app, plan, 3, decision="attested", value=66, responded_at=datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
    add_followup(app, plan, 6, holder_value=75, decision="attested", value=74)
    add_followup(app, plan, 9, holder_value=76)  # reported, not yet answered by the sponsor

    outcome = outcome_of(app, issued)

    assert outcome is not None and (outcome.value, outcome.months) == (74, 6)


def test_without_consent_there_is_nothing_and_withdrawing_it_removes_the_outcome(certification, issued):
    app = certification.world.app
    plan = add_plan(app, issued.id, issued.holder_id, consent=False)
    add_followup(app, plan, 3, decision="attested", value=74)
    assert outcome_of(app, issued) is None

    set_consent(app, plan, True)
    assert outcome_of(app, issued) is not None

    set_consent(app, plan, False)
    assert outcome_of(app, issued) is None


def test_without_a_plan_there_is_no_outcome(certification, issued):
    assert outcome_of(certification.world.app, issued) is None


def test_the_holders_private_list_ignores_consent_but_not_disputes(certification, issued, make_user):
    app = certification.world.app
    plan = add_plan(app, issued.id, issued.holder_id, consent=False)
    add_followup(app, plan, 3, decision="attested", value=74)

    with app.app_context():
        assert [o.value for o in attested_outcomes_of(issued.holder_id)] == [74]
        assert attested_outcomes_of(make_user().id) == []


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (61, "%", "61 %"),
        (0.8, "errors per 1,000 picks", "0.8 errors per 1,000 picks"),
        (12.5, " days ", "12.5 days"),
        (1234.567, "", "1,234.57"),
        (-0.001, "", "0"),
        (0.25, "", "0.25"),
    ],
)
def test_values_are_written_as_people_write_them(value, unit, expected):
    assert quantity(value, unit) == expected


def test_whole_numbers_lose_their_decimals():
    assert number(40.0) == "40" and number(-3.10) == "-3.1"


def test_a_decreasing_metric_reads_lower_is_better(certification, visitor, issued):
    app = certification.world.app
    plan = add_plan(
        app,
        issued.id,
        issued.holder_id,
        metric="pick error rate",
        unit="errors per 1,000 picks",
        direction="decrease",
        baseline=4.2,
        target=2.5,
    )
    add_followup(app, plan, 6, decision="attested", value=2.9)

    body = page(visitor.get(f"/verify/{issued.code}"))

    assert "Sponsor-attested: pick error rate 4.2 errors per 1,000 picks → 2.9 errors per 1,000 picks" in body
    assert "Target 2.5 errors per 1,000 picks (lower is better)" in body


# The verification page


def test_the_page_shows_a_consented_attested_outcome_in_a_labelled_section(certification, visitor, issued, plan):
    add_followup(certification.world.app, plan, 3, holder_value=72, decision="attested", value=74)

    response = visitor.get(f"/verify/{issued.code}")

    body = page(response)
    assert "Attested outcome" in body and SENTENCE + "." in body
    assert "Before the design 61 %" in body and "Attested value 74 %" in body and "Target 72 %" in body
    assert "Attested on 14 June 2027" in body
    html = text(response)
    assert '<section aria-labelledby="attested-outcome">' in html
    for private in (SPONSOR_NAME, SPONSOR_EMAIL, "Priya", "harbourtelecom", "decision guide", "queue report"):
        assert private not in html


@pytest.mark.parametrize("decision", ["disputed", None])
def test_the_page_shows_no_outcome_when_it_is_disputed_or_unanswered(certification, visitor, issued, plan, decision):
    add_followup(certification.world.app, plan, 3, holder_value=74, decision=decision, value=74)

    body = page(visitor.get(f"/verify/{issued.code}"))

    assert "Attested outcome" not in body and "74 %" not in body


def test_the_page_shows_nothing_once_consent_is_withdrawn(certification, visitor, issued, plan):
    app = certification.world.app
    add_followup(app, plan, 3, decision="attested", value=74)
    assert "Attested outcome" in page(visitor.get(f"/verify/{issued.code}"))

    set_consent(app, plan, False)

    body = page(visitor.get(f"/verify/{issued.code}"))
    assert "Attested outcome" not in body and "first-contact resolution" not in body


def test_the_metric_is_escaped_on_the_page(certification, visitor, issued):
    app = certification.world.app
    plan = add_plan(app, issued.id, issued.holder_id, metric='<img src=x onerror="alert(1)"> win rate')
    add_followup(app, plan, 3, decision="attested", value=74)

    html = text(visitor.get(f"/verify/{issued.code}"))

    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
