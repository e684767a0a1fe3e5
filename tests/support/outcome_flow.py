"""Outcome follow-up helpers and the make_plan fixture (tests/outcomes and the end-to-end tests use them)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from certify.auth.models import User
from certify.certificates.models import Certificate
from certify.core.outcome_plan import check_plan
from certify.database import utcnow
from certify.extensions import db
from certify.outbox.models import OutboxMessage
from certify.outcomes import services as outcomes
from certify.outcomes.models import FollowUp, OutcomePlan
from tests.support.outcome_plan_data import plan_raw

LINK = re.compile(r"/outcomes/sponsor/([A-Za-z0-9_-]+)")


def certificate_row(holder: User, issued_at: datetime) -> Certificate:
    certificate = Certificate(
        serial=f"MID-T-{secrets.token_hex(4)}",
        code=secrets.token_urlsafe(24),
        holder_id=holder.id,
        issued_at=issued_at,
        expires_at=issued_at + timedelta(days=3 * 365),
        status="active",
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


@pytest.fixture
def make_plan(app: Flask) -> Callable[..., int]:
    """A plan for `holder` whose certificate was issued `days_ago`; returns the plan id."""

    def make(holder: User, days_ago: int = 100, **overrides: Any) -> int:
        with app.app_context():
            stored = db.session.get(User, holder.id)
            assert stored is not None
            certificate = certificate_row(stored, utcnow() - timedelta(days=days_ago))
            checked = check_plan(plan_raw(**overrides), utcnow().date())
            assert checked.plan is not None, checked.errors
            plan = outcomes._create(certificate, stored, checked.plan, None)
            db.session.commit()
            return plan.id

    return make


def followup_ids(app: Flask, plan_id: int) -> list[int]:
    with app.app_context():
        plan = db.session.get(OutcomePlan, plan_id)
        assert plan is not None
        return [f.id for f in plan.followups]


def get_followup(app: Flask, followup_id: int) -> FollowUp:
    with app.app_context():
        followup = db.session.get(FollowUp, followup_id)
        assert followup is not None
        _ = followup.response, followup.plan
        db.session.expunge_all()
        return followup


def outbox_to(app: Flask, recipient: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.query(OutboxMessage).filter_by(recipient=recipient).order_by(OutboxMessage.id).all()
        db.session.expunge_all()
        return rows


def last_token(app: Flask, recipient: str = "priya.raman@example.com") -> str:
    messages = outbox_to(app, recipient)
    assert messages, f"no mail to {recipient}"
    match = LINK.search(messages[-1].body)
    assert match
    return match.group(1)
