"""A certificate's attested outcome: what the holder's sponsor confirmed the design moved, for the public record.

Read-only over the outcome models. Only a value the sponsor attested counts: a disputed response or the
holder's own report never does, and when the latest sponsor response is a dispute there is no attested
outcome at all (a later dispute outweighs an earlier attestation). Nothing is public without the holder's
consent (`OutcomePlan.consent_public`); withdrawing it removes the outcome at once. The sponsor's name and
email are never part of an `AttestedOutcome`, so nothing built from one can reveal them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from certify.extensions import db
from certify.outcomes import services as outcomes
from certify.outcomes.models import OutcomePlan

if TYPE_CHECKING:
    from certify.certificates.models import Certificate


@dataclass(frozen=True)
class AttestedOutcome:
    """The sponsor-attested value of a plan's metric, with what it was measured against."""

    plan_id: int
    followup_id: int
    metric: str
    unit: str
    direction: str
    baseline: float
    value: float
    target: float
    expected_by: date
    attested_on: date
    months: int  # the measurement point: months after issue

    @property
    def attainment(self) -> float | None:
        """(value - baseline) / (target - baseline): 1 = target reached, 0 = no change, negative = moved away."""
        if self.target == self.baseline:
            return None
        return (self.value - self.baseline) / (self.target - self.baseline)

    @property
    def moved_toward_target(self) -> bool:
        return (self.attainment or 0.0) > 0

    @property
    def baseline_text(self) -> str:
        return quantity(self.baseline, self.unit)

    @property
    def value_text(self) -> str:
        return quantity(self.value, self.unit)

    @property
    def target_text(self) -> str:
        return quantity(self.target, self.unit)

    @property
    def change(self) -> str:
        """ "61 % → 74 % (target 72 %)"."""
        return f"{self.baseline_text} → {self.value_text} (target {self.target_text})"

    @property
    def sentence(self) -> str:
        """ "Sponsor-attested: first-contact resolution 61 % → 74 % (target 72 %) by June 2027"."""
        return f"Sponsor-attested: {self.metric} {self.change} by {self.attested_on:%B %Y}"


def number(value: float) -> str:
    """A measured value as people write it: up to two decimals, no trailing zeros, thousands separated."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def quantity(value: float, unit: str) -> str:
    """A value with its unit: "61 %", "0.8 errors per 1,000 picks", "12 days"."""
    unit = unit.strip()
    return f"{number(value)} {unit}" if unit else number(value)


def latest_attested(plan: OutcomePlan) -> AttestedOutcome | None:
    """The plan's outcome when its latest sponsor response attests a value; consent is not checked here."""
    followup = outcomes.plan_outcome(plan)
    response = followup.response if followup is not None else None
    if followup is None or response is None or response.value is None:
        return None
    return AttestedOutcome(
        plan_id=plan.id,
        followup_id=followup.id,
        metric=plan.metric,
        unit=plan.unit,
        direction=plan.direction,
        baseline=plan.baseline,
        value=response.value,
        target=plan.target,
        expected_by=plan.expected_by,
        attested_on=response.responded_at.date(),
        months=followup.months,
    )


def plan_of(certificate_id: int) -> OutcomePlan | None:
    return db.session.scalar(select(OutcomePlan).where(OutcomePlan.certificate_id == certificate_id))


def attested_outcome(certificate: Certificate) -> AttestedOutcome | None:
    """The outcome a certificate may show publicly: attested by the sponsor, and the holder consented."""
    plan = plan_of(certificate.id)
    if plan is None or not plan.consent_public:
        return None
    return latest_attested(plan)


def attested_outcomes_of(holder_id: int) -> list[AttestedOutcome]:
    """Every plan of the holder whose latest sponsor response is attested (private: for their renewal evidence)."""
    plans = db.session.scalars(select(OutcomePlan).where(OutcomePlan.holder_id == holder_id).order_by(OutcomePlan.id))
    return [outcome for plan in plans if (outcome := latest_attested(plan)) is not None]
