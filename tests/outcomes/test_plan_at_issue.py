"""The plan is recorded when the certificate is issued, from the latest submitted portfolio version."""

from __future__ import annotations

from certify.audit.models import AuditEvent
from certify.auth.models import User
from certify.certificates import issuing
from certify.core.outcome_plan import add_months
from certify.database import utcnow
from certify.extensions import db
from certify.outcomes.models import OutcomePlan
from certify.portfolios import services as portfolios
from tests.support.outcome_plan_data import plan_raw


def _issue(certification, candidate):
    app = certification.world.app
    with app.app_context():
        certificate = issuing.issue(
            db.session.get(User, certification.admin.id), db.session.get(User, candidate.id), utcnow()
        )
        db.session.commit()
        return certificate.id


def test_issuing_records_the_plan_with_one_follow_up_per_configured_month(certification):
    world = certification.world
    with world.app.app_context():
        checked = portfolios.save_outcome_plan(db.session.get(User, world.candidate.id), plan_raw(), utcnow())
        assert checked.errors == {}
        db.session.commit()
    certification.make_eligible(world.candidate)
    certificate_id = _issue(certification, world.candidate)
    with world.app.app_context():
        plan = db.session.query(OutcomePlan).one()
        assert plan.certificate_id == certificate_id and plan.holder_id == world.candidate.id
        assert (plan.metric, plan.baseline, plan.target, plan.consent_public) == (
            "First-contact resolution",
            61,
            74,
            False,
        )
        issued_at = plan.followups[0].due_at
        assert [f.months for f in plan.followups] == [3, 6]
        from certify.certificates.models import Certificate

        issued = db.session.get(Certificate, certificate_id).issued_at
        assert [f.due_at for f in plan.followups] == [add_months(issued, 3), add_months(issued, 6)]
        assert issued_at > issued
        assert db.session.query(AuditEvent).filter_by(action="outcome.plan_recorded").count() == 1


def test_an_older_portfolio_without_a_plan_records_none(certification):
    certification.make_eligible(certification.world.candidate)
    _issue(certification, certification.world.candidate)
    with certification.world.app.app_context():
        assert db.session.query(OutcomePlan).count() == 0


def test_add_months_keeps_the_day_or_takes_the_months_last():
    from datetime import UTC, datetime

    assert add_months(datetime(2027, 8, 31, 9, tzinfo=UTC), 6) == datetime(2028, 2, 29, 9, tzinfo=UTC)
    assert add_months(datetime(2027, 11, 15, tzinfo=UTC), 3) == datetime(2028, 2, 15, tzinfo=UTC)
