"""Re-deciding earlier results by the equating rule now in force: preview, then apply (audited, candidates told).

A recorded result never changes by itself: a new calibration or cut decides new results only. The preview
lists every scored attempt whose cut-score version has a rule in force other than the one (or the raw cut)
that decided it, with what that rule decides; applying it records the new decision for exactly those
attempts. Points, percents and mastery stay as scored; only the pass mark, the outcome and the scale change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from certify.assessments import score_audit
from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.decisions import Decision, decide, recorded_result
from certify.assessments.equating import rule_in_force
from certify.assessments.models import Assessment
from certify.audit import services as audit
from certify.auth.models import User
from certify.extensions import db
from certify.outbox import services as outbox
from certify.urls import external_url


@dataclass(frozen=True)
class Redecision:
    """One earlier result and the decision the rule in force would record instead."""

    attempt_id: int
    number: int
    cut_version: int
    percent: float
    old_rule: str
    old_cut_percent: float
    old_scaled: int | None
    old_passed: bool
    new: Decision

    @property
    def outcome_changes(self) -> bool:
        return self.old_passed != self.new.passed


@dataclass(frozen=True)
class RedecisionPreview:
    """What applying would change, and the attempts it cannot reach."""

    changes: list[Redecision]
    without_rule: int  # scored attempts whose cut-score version has no rule (their forms are not equated)
    not_equatable: int  # scored attempts whose form has items the rule's calibration lacks

    @property
    def outcome_changes(self) -> list[Redecision]:
        return [c for c in self.changes if c.outcome_changes]


def preview(assessment: Assessment) -> RedecisionPreview:
    """Scored attempts the rule in force of their cut-score version would decide differently from their record."""
    cuts = {cut.id: cut for cut in assessment.cut_scores}
    rules = {cut_id: rule_in_force(cut_id) for cut_id in cuts}
    scored = db.session.execute(
        select(Attempt.id, Attempt.number, Attempt.cut_score_id, AttemptScore)
        .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
        .where(Attempt.assessment_id == assessment.id, Attempt.status == "scored")
        .order_by(Attempt.id)
    ).all()
    forms: dict[int, list[int]] = defaultdict(list)
    for attempt_id, version_id in db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.item_version_id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.assessment_id == assessment.id, Attempt.status == "scored", AttemptItem.scored.is_(True))
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
    ):
        forms[attempt_id].append(version_id)
    changes, without_rule, not_equatable = [], 0, 0
    for attempt_id, number, cut_id, score in scored:
        rule = rules.get(cut_id)
        if rule is None:
            without_rule += 1
            continue
        if score.cut_equating_id == rule.id:
            continue
        cut = cuts[cut_id]
        new = decide(recorded_result(score, cut.percent), forms[attempt_id], rule)
        if new.rule != "equated":
            not_equatable += 1
            continue
        changes.append(
            Redecision(
                attempt_id,
                number,
                cut.version,
                score.percent,
                score.decision_rule,
                score.cut_percent,
                score.scaled_score,
                score.passed,
                new,
            )
        )
    return RedecisionPreview(changes, without_rule, not_equatable)


def apply(actor: User, assessment: Assessment) -> RedecisionPreview:
    """Record the previewed decisions (flushed, not committed); each audited, changed outcomes told by mail."""
    found = preview(assessment)
    for change in found.changes:
        attempt = db.session.get(Attempt, change.attempt_id)
        score = db.session.get(AttemptScore, change.attempt_id)
        assert attempt is not None and score is not None
        before = score_audit.score_record(attempt)
        for column, value in change.new.columns().items():
            setattr(score, column, value)
        db.session.flush()
        audit.record(
            actor,
            "attempt.redecided",
            "attempt",
            attempt.id,
            before=before,
            after=score_audit.score_record(attempt),
            note="re-decided by the equating rule in force",
        )
        if change.outcome_changes:
            _tell(attempt, change)
    audit.record(
        actor,
        "assessment.redecided",
        "assessment",
        assessment.slug,
        after={"attempts_redecided": len(found.changes), "outcomes_changed": len(found.outcome_changes)},
    )
    db.session.flush()
    return found


def _tell(attempt: Attempt, change: Redecision) -> None:
    user = db.session.get(User, attempt.user_id)
    assert user is not None
    title = attempt.assessment.title
    verdict = "a PASS" if change.new.passed else "NOT PASSED"
    outbox.queue(
        user.email,
        f"Your {title} result has been updated",
        f"Hello {user.name},\n\nThe pass mark of the {title} is now set for each form of the exam, so that every "
        f"form asks the same standard. On the form of your attempt {attempt.number} the pass mark is "
        f"{change.new.cut_percent:.1f} %; your score, {change.percent:g} %, is unchanged.\n"
        f"Your result is now {verdict}.\n\n"
        f"See the result: {external_url('assessments.result', attempt_id=attempt.id)}\n",
    )
