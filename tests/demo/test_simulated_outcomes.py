"""The simulated population's outcome evidence: plans for the holders, follow-ups with realistic response rates,
attested and disputed values, consent, success cases, all from the seed."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, select

from certify.auth.models import User
from certify.certificates.models import Certificate
from certify.demo.simulation import SIM_DOMAIN, simulate
from certify.demo.simulation.outcomes import record_outcomes
from certify.demo.simulation.people import create_people
from certify.extensions import db
from certify.outcomes.evidence import attested_outcome, latest_attested
from certify.outcomes.models import FollowUp, OutcomePlan, SponsorResponse, SuccessCase

NOW = datetime(2027, 9, 1, 12, 0, tzinfo=UTC)
TOTAL = 160


def _rows() -> list[tuple]:
    """Everything the outcome stage wrote, without row ids."""
    plans = db.session.scalars(select(OutcomePlan).order_by(OutcomePlan.certificate_id)).all()
    return [
        (
            p.certificate_id,
            p.metric,
            p.baseline,
            p.target,
            p.sponsor_name,
            p.consent_public,
            [
                (
                    f.months,
                    f.due_at,
                    f.holder_value,
                    f.reported_at,
                    f.response and (f.response.decision, f.response.value),
                )
                for f in p.followups
            ],
        )
        for p in plans
    ]


def test_the_demo_seeds_outcome_evidence_deterministically(app, runner):
    seeded = runner.invoke(args=["certify", "seed", "--demo"])
    assert seeded.exit_code == 0, seeded.output
    with app.app_context():
        lines = simulate(TOTAL, now=NOW)
        db.session.commit()
        assert any(line.startswith("outcome evidence:") for line in lines), lines

        holders = db.session.scalars(
            select(Certificate)
            .join(User, User.id == Certificate.holder_id)
            .where(User.email.like(f"%@{SIM_DOMAIN}"), Certificate.predecessor_id.is_(None))
        ).all()
        plans = db.session.scalars(select(OutcomePlan)).all()
        assert len(plans) == len(holders) >= 15
        metrics = {p.metric for p in plans}
        assert len(metrics) >= 3 and "first-contact resolution" in metrics

        due = [p for p in plans if any(f.due_at < NOW for f in p.followups)]
        reported = [p for p in due if any(f.reported_at for f in p.followups)]
        answered = [p for p in reported if any(f.response for f in p.followups)]
        assert 0.5 <= len(reported) / len(due) <= 0.85  # some never answer
        assert 0.6 <= len(answered) / len(reported) <= 0.95
        silent = [p for p in due if not any(f.reported_at for f in p.followups)]
        assert silent and all(f.holder_reminders >= 1 for p in silent for f in p.followups if f.due_at < NOW)

        responses = db.session.scalars(select(SponsorResponse)).all()
        assert any(r.decision == "disputed" for r in responses)
        attested = [o for p in plans if (o := latest_attested(p)) is not None]
        toward = [o for o in attested if o.moved_toward_target]
        assert len(toward) > len(attested) / 2 and len(toward) < len(attested)  # most, not all

        consenting = [p for p in plans if p.consent_public]
        assert 0 < len(consenting) < len(plans)
        shown = [c for c in holders if attested_outcome(c) is not None]
        assert shown and all(c.credential["evidence"][0]["description"] == attested_outcome(c).sentence for c in shown)
        for certificate in holders:
            if attested_outcome(certificate) is None:
                assert "evidence" not in certificate.credential

        cases = db.session.scalars(select(SuccessCase)).all()
        assert sorted(c.kind for c in cases) == ["non_success", "success", "success"]
        interviewed = [c for c in cases if c.interviewed_at is not None]
        assert len(interviewed) == 2 and all(c.enablers or c.barriers for c in interviewed)
        themes = {t for c in interviewed for t in c.enablers + c.barriers}
        assert {"manager coaching", "no time in the schedule"} <= themes

        first = _rows()
        # The same seed and day give the same evidence: write it again from the same people.
        db.session.execute(delete(SuccessCase))
        db.session.execute(delete(OutcomePlan))
        db.session.flush()
        db.session.expunge_all()  # the deleted rows' objects: their ids are about to be used again
        people = create_people(TOTAL, NOW)
        for person in people:
            person.user = db.session.scalar(select(User).where(User.email == person.email))
        record_outcomes(people, NOW)
        db.session.flush()
        assert _rows() == first
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 2 * len(plans)
