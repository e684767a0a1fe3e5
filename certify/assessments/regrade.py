"""Regrading after a key change: preview which attempts' scores and outcomes change, then apply.

The key is the item's current version; answers keep the version they were given
on (option ids are stable across versions, so they map onto the new key).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from certify.assessments import attempts as runner
from certify.assessments import decisions, score_audit
from certify.assessments.attempt_models import Attempt, AttemptItem
from certify.assessments.importer import import_bank
from certify.assessments.models import Item, ItemVersion
from certify.audit import services as audit
from certify.auth.models import User
from certify.core.banks import Bank as BankSpec
from certify.core.banks import Item as ItemSpec
from certify.core.scoring import score_item
from certify.extensions import db
from certify.outbox import services as outbox
from certify.urls import external_url


class RegradeError(ValueError):
    pass


@dataclass(frozen=True)
class Change:
    attempt: Attempt
    attempt_item: AttemptItem
    old_credit: float
    new_credit: float
    old_percent: float
    new_percent: float
    old_passed: bool
    new_passed: bool

    @property
    def outcome_changes(self) -> bool:
        return self.old_passed != self.new_passed


def preview(item: Item) -> list[Change]:
    """Scored attempts whose score would change if re-scored with the item's current key."""
    latest = item.current()
    rows = db.session.scalars(
        select(AttemptItem)
        .join(ItemVersion)
        .join(Attempt)
        .where(ItemVersion.item_id == item.id, Attempt.status == "scored")
        .order_by(Attempt.id)
    ).all()
    changes = []
    for row in rows:
        attempt = row.attempt
        new_credit = score_item(latest.content, runner.internal_answer(attempt, row))
        if abs(new_credit - (row.credit or 0.0)) < 1e-9:
            continue
        credits = {i.id: (new_credit if i.id == row.id else (i.credit or 0.0)) for i in attempt.items}
        assert attempt.score is not None
        result = _decided(attempt, credits)
        changes.append(
            Change(
                attempt,
                row,
                row.credit or 0.0,
                new_credit,
                attempt.score.percent,
                result.percent,
                attempt.score.passed,
                result.passed,
            )
        )
    return changes


@dataclass(frozen=True)
class _Rescored:
    percent: float
    passed: bool
    columns: dict[str, Any]


def _decided(attempt: Attempt, credits: dict[int, float]) -> _Rescored:
    """New credits scored, decided by the rule that decided the recorded result (a key change is not a new rule)."""
    assert attempt.score is not None
    result = runner.result_from_credits(attempt, credits)
    rule = decisions.recorded_rule(attempt.score)
    decision = decisions.decide(result, decisions.form_of(attempt), rule)
    if rule is None:  # raw before, raw again: keep the reason it was raw
        decision = decisions.raw(result, attempt.score.decision_note)
    return _Rescored(result.percent, decision.passed, runner.score_columns(result, decision))


def apply(actor: User, item: Item) -> list[Change]:
    """Re-score the affected attempts with the current key; audited, candidates told by mail."""
    changes = preview(item)
    latest = item.current()
    for change in changes:
        attempt, score = change.attempt, change.attempt.score
        assert score is not None
        before = score_audit.score_record(attempt)
        change.attempt_item.credit = change.new_credit
        result = _decided(attempt, {i.id: i.credit or 0.0 for i in attempt.items})
        for column, value in result.columns.items():
            setattr(score, column, value)
        db.session.flush()
        audit.record(
            actor,
            "attempt.regraded",
            "attempt",
            attempt.id,
            before=before,
            after={**score_audit.score_record(attempt), "item": item.ref, "key_version": latest.version},
        )
        user = db.session.get(User, attempt.user_id)
        assert user is not None
        verdict = ""
        if change.outcome_changes:
            verdict = "Your result is now a PASS.\n" if result.passed else "Your result is now NOT PASSED.\n"
        outbox.queue(
            user.email,
            f"Your {attempt.assessment.title} result has been updated",
            f"Hello {user.name},\n\nAfter a review of one question, your attempt {attempt.number} at the "
            f"{attempt.assessment.title} was re-scored: {change.old_percent:g} % became {result.percent:g} %.\n"
            f"{verdict}\nSee the result: {external_url('assessments.result', attempt_id=attempt.id)}\n",
        )
    audit.record(
        actor,
        "item.regraded",
        "item",
        item.ref,
        after={"key_version": latest.version, "attempts_changed": len(changes)},
    )
    db.session.flush()
    return changes


def given_answers(item: Item) -> list[tuple[str, int]]:
    """For a short-answer item: the distinct answers candidates gave that scored 0, with counts."""
    latest = item.current()
    if latest.type != "short_answer":
        return []
    counts: dict[str, int] = {}
    rows = db.session.scalars(select(AttemptItem).join(ItemVersion).where(ItemVersion.item_id == item.id)).all()
    for row in rows:
        answer = runner.internal_answer(row.attempt, row)
        if isinstance(answer, str) and score_item(latest.content, answer) == 0:
            key = " ".join(answer.split())
            counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0].casefold()))


def accept_answers(actor: User, item: Item, answers: Sequence[str]) -> ItemVersion:
    """Add accepted answers to a short-answer item as a new version (the old ones stay as they were)."""
    latest = item.current()
    if latest.type != "short_answer":
        raise RegradeError(
            "Only short-answer items take extra accepted answers; change other keys by importing a corrected bank file."
        )
    extra = [a.strip() for a in answers if a.strip() and a.strip() not in latest.content["body"]["accepted"]]
    if not extra:
        raise RegradeError("Choose or type at least one answer that is not accepted yet.")
    # The new version keeps the lifecycle state the item has reached (a promoted pilot stays live).
    content = {**latest.content, "status": latest.status}
    content["body"] = {**content["body"], "accepted": [*content["body"]["accepted"], *extra]}
    spec = ItemSpec.from_content(content)
    bank = item.bank
    # Import the bank with just this item changed: the same path as any key change.
    others = [ItemSpec.from_content(i.current().content) for i in bank.items if i.id != item.id]
    import_bank(
        BankSpec(bank.slug, bank.title, bank.purpose, (*others, spec), bank.source, bank.description),
        source=f"accepted answers added by {actor.email}",
        author_id=actor.id,
    )
    audit.record(actor, "item.answers_accepted", "item", item.ref, after={"accepted": extra})
    db.session.refresh(item)
    return item.current()
