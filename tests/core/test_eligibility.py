"""Eligibility for certification and the rules of a certificate's life (pure functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from certify.core.eligibility import (
    Check,
    Evidence,
    ExamEvidence,
    PortfolioEvidence,
    RecertificationRule,
    Revocation,
    add_years,
    assess,
    assessed_the_candidate,
    barring_revocation,
    recertification,
    reminder_due,
    serial,
)

T = datetime(2026, 5, 1, 12, tzinfo=UTC)


def _exam(n, passed=True, unmet=(), day=1):
    return ExamEvidence(n, passed, 78.0, 70.0, tuple(unmet), T.replace(day=day))


def _evidence(**changes):
    base = {
        "course_completed_at": T,
        "exams": (_exam(1),),
        "portfolio": PortfolioEvidence(1, True, T),
        "active_certificate": None,
    }
    return Evidence(**{**base, **changes})


def test_a_complete_record_is_eligible_with_the_evidence_described():
    result = assess(_evidence())
    assert result.eligible and result.reasons == ()
    assert result.exam is not None and result.exam.attempt_id == 1
    assert "78.0 %" in result.checks[1].detail


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"course_completed_at": None}, "course is not complete"),
        ({"exams": ()}, "No certification exam attempt"),
        ({"exams": (_exam(1, passed=False),)}, "No certification exam attempt"),
        ({"exams": (_exam(1, unmet=("EVAL",)),)}, "every competency at mastery"),
        ({"portfolio": None}, "No portfolio has been decided"),
        ({"portfolio": PortfolioEvidence(2, False, T)}, "version 2 did not pass"),
        ({"active_certificate": "MID-2026-000001"}, "Already holds the active certificate MID-2026-000001"),
    ],
)
def test_each_missing_requirement_blocks_with_its_reason(changes, reason):
    result = assess(_evidence(**changes))
    assert not result.eligible
    assert any(reason in r for r in result.reasons)


def test_the_latest_fully_passed_attempt_is_the_evidence():
    result = assess(_evidence(exams=(_exam(1, day=1), _exam(2, day=3), _exam(3, unmet=("KPM",), day=5))))
    assert result.exam is not None and result.exam.attempt_id == 2


def test_a_decider_who_assessed_the_candidate_may_not_decide():
    # the second argument: every candidate the decider was allocated or declared a conflict with
    assert assessed_the_candidate(7, {3, 7})
    assert not assessed_the_candidate(8, {3, 7})


def test_serials_are_zero_padded_per_year():
    assert serial(2026, 123) == "MID-2026-000123"
    with pytest.raises(ValueError):
        serial(2026, 0)
    with pytest.raises(ValueError):
        serial(2026, 1_000_000)


def test_validity_lands_on_the_same_day_or_the_end_of_february():
    assert add_years(date(2026, 11, 22), 3) == date(2029, 11, 22)
    assert add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert add_years(date(2028, 2, 29), -4) == date(2024, 2, 29)


def test_reminders_go_out_once_at_90_30_and_7_days():
    expires = date(2027, 1, 31)
    assert reminder_due(expires, date(2026, 10, 1), set()) is None  # 122 days left
    assert reminder_due(expires, date(2026, 11, 2), set()) == 90
    assert reminder_due(expires, date(2026, 11, 3), {90}) is None
    assert reminder_due(expires, date(2027, 1, 1), {90}) == 30
    assert reminder_due(expires, date(2027, 1, 30), {90}) == 7  # a missed 30-day reminder is not sent late
    assert reminder_due(expires, date(2027, 1, 1), {30}) is None  # nor an earlier one after a later one
    assert reminder_due(expires, date(2027, 1, 30), {90, 7}) is None
    assert reminder_due(expires, date(2027, 2, 1), set()) is None


def test_renewal_needs_forty_recent_points_or_a_passed_exam():
    rule = RecertificationRule()
    today = date(2029, 6, 1)
    old = [(date(2025, 1, 1), 30)]
    recent = [(date(2027, 1, 1), 25), (date(2028, 6, 1), 15)]
    assert recertification(recent, today, rule)[0]
    ok, why = recertification(old + recent[:1], today, rule)
    assert not ok and "25 of 40" in why and "15 more" in why
    assert recertification([], today, rule, exam_passed_since=date(2029, 1, 1))[0]


REVOKED = Revocation("MID-2026-000001", T.replace(day=20), "Portfolio copied from another candidate.", "Dana Okafor")


def test_a_revocation_bars_reissue_on_the_evidence_that_preceded_it():
    result = assess(_evidence(revocations=(REVOKED,)))  # exam on 1 May, portfolio on 1 May, revoked on 20 May

    assert not result.eligible
    assert result.barred_only_by_revocation
    assert result.reasons == (
        "Certificate MID-2026-000001 was revoked on 20 May 2026; the evidence predates the revocation. "
        "A new decision needs an exam pass and a portfolio decision dated after it.",
    )
    assert result.revocations == (REVOKED,)


@pytest.mark.parametrize(
    ("exam_day", "portfolio_day", "barred"),
    [(21, 1, True), (1, 21, True), (21, 21, False), (20, 21, True)],  # both must postdate the revocation
)
def test_only_an_exam_pass_and_a_portfolio_decision_both_after_the_revocation_lift_the_bar(
    exam_day, portfolio_day, barred
):
    exam, portfolio = _exam(2, day=exam_day), PortfolioEvidence(2, True, T.replace(day=portfolio_day))

    assert (barring_revocation((REVOKED,), exam, portfolio) == REVOKED) is barred
    result = assess(_evidence(exams=(_exam(1), exam), portfolio=portfolio, revocations=(REVOKED,)))
    assert result.eligible is not barred


def test_the_latest_revocation_is_the_one_new_evidence_must_follow():
    earlier = Revocation("MID-2025-000004", T.replace(month=1), "Exam taken by someone else.", None)

    assert barring_revocation((REVOKED, earlier), _exam(2, day=10), PortfolioEvidence(2, True, T.replace(day=10)))
    assert barring_revocation((earlier,), _exam(2, day=10), PortfolioEvidence(2, True, T.replace(day=10))) is None


def test_without_revocations_nothing_is_barred_and_the_check_says_so():
    result = assess(_evidence())

    assert barring_revocation((), None, None) is None
    assert result.checks[-1] == Check("revocation", True, "No revoked certificate.")
    assert not result.barred_only_by_revocation


def test_the_override_is_only_for_a_revocation_bar_never_for_missing_evidence():
    result = assess(_evidence(revocations=(REVOKED,), course_completed_at=None))

    assert not result.eligible and not result.barred_only_by_revocation
