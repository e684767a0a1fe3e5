"""The item review workflow: draft -> reviewed -> approved -> pilot, with "changes requested" back to draft.

An item's current version moves through the lifecycle (`certify.core.items.STATUSES`) one step at a time:

- draft -> reviewed: an admin or assessor who did not write the version, with a comment;
- reviewed -> approved: an admin who neither wrote the version nor reviewed it (no one approves their own item);
- approved -> pilot: an admin; the item is then drawn unscored and gathers statistics;
- pilot -> live: the item analysis's promote (reports), once the statistics are sound;
- "changes requested" (with a comment) sends a draft, reviewed or approved version back to draft.

Reviewing and approving also need the reviewer to say they have read the version's lint findings and
near-twins (`review_findings`) when there are any. Every step leaves a review record (except the move to
pilot, which is not a judgement of the item) and an audit event with the status before and after; a step
that breaks a rule is refused with a message saying which, and nothing changes. Flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from certify.assessments.models import AT_CURRENT_VERSION, Bank, Item, ItemVersion
from certify.assessments.review_findings import findings
from certify.assessments.review_models import ItemReview
from certify.audit import services as audit
from certify.auth.models import User
from certify.core.items import IN_REVIEW
from certify.extensions import db

REVIEWERS = ("admin", "assessor")
# Each action: the status it starts from, the status it leads to, who may take it.
STEPS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "reviewed": (("draft",), "reviewed", REVIEWERS),
    "approved": (("reviewed",), "approved", ("admin",)),
    "pilot": (("approved",), "pilot", ("admin",)),
    "changes_requested": (IN_REVIEW, "draft", REVIEWERS),
}
LABELS = {
    "reviewed": "Reviewed",
    "approved": "Approved",
    "pilot": "Move to pilot",
    "changes_requested": "Changes requested",
}


class ReviewRefused(ValueError):
    """The step breaks a rule of the workflow; the message says which. Nothing was changed."""


def decide(actor: User, item: Item, action: str, *, comment: str = "", findings_seen: bool = False) -> ItemVersion:
    """Take one step on the item's current version; raises ReviewRefused when a rule forbids it."""
    if action not in STEPS:
        raise ReviewRefused(f"Choose one of: {', '.join(LABELS[a].lower() for a in STEPS)}.")
    version = item.current()
    starts, becomes, roles = STEPS[action]
    comment = comment.strip()
    label = f"{item.ref} version {version.version}"
    if version.status not in starts:
        wanted = ", ".join(starts)
        raise ReviewRefused(f"{label} is {version.status}; only {wanted} versions can be {_past(action)}.")
    if action == "changes_requested" and version.status != "draft":
        roles = ("admin",)  # once reviewed, only an admin sends it back
    if not actor.has_role(*roles):
        raise ReviewRefused(f"Only {' or '.join(r + 's' for r in roles)} can take this step ({_past(action)}).")
    if action in ("reviewed", "approved", "changes_requested") and version.author_id == actor.id:
        raise ReviewRefused(
            f"You wrote {label}: someone else must review it. No one reviews or approves their own item."
        )
    if action == "approved":
        reviewer_id = last_reviewer_id(version)
        if reviewer_id == actor.id:
            raise ReviewRefused(f"You reviewed {label}: approval needs an admin who neither wrote nor reviewed it.")
    if action in ("reviewed", "approved", "pilot") and version.needs_rationale:
        raise ReviewRefused(
            f"{label} still needs a rationale (it was imported without one): write it in a new version first."
        )
    if action in ("reviewed", "changes_requested") and not comment:
        raise ReviewRefused("Write a comment: what you checked, or what must change.")
    if action in ("reviewed", "approved") and not findings_seen and findings(version).present:
        raise ReviewRefused(
            "This item has lint findings or near-twins listed above: tick the box to say you have read them."
        )
    before = version.status
    version.status = becomes
    if action != "pilot":
        db.session.add(ItemReview(item_version_id=version.id, reviewer_id=actor.id, decision=action, comment=comment))
    audit.record(
        actor,
        f"item.{action}",
        "item",
        item.ref,
        before={"status": before, "version": version.version},
        after={"status": becomes, "version": version.version, "comment": comment, "findings_seen": findings_seen},
        note=comment,
    )
    db.session.flush()
    return version


def _past(action: str) -> str:
    return {"reviewed": "reviewed", "approved": "approved", "pilot": "moved to pilot"}.get(
        action, "sent back with changes requested"
    )


def last_reviewer_id(version: ItemVersion) -> int | None:
    """Who took the version's latest "reviewed" step (the approver must be someone else)."""
    return db.session.scalar(
        select(ItemReview.reviewer_id)
        .where(ItemReview.item_version_id == version.id, ItemReview.decision == "reviewed")
        .order_by(ItemReview.created_at.desc(), ItemReview.id.desc())
        .limit(1)
    )


def history(item: Item) -> list[ItemReview]:
    """Every review record of every version of the item, newest first."""
    return list(
        db.session.scalars(
            select(ItemReview)
            .join(ItemVersion, ItemVersion.id == ItemReview.item_version_id)
            .where(ItemVersion.item_id == item.id)
            .order_by(ItemReview.created_at.desc(), ItemReview.id.desc())
        )
    )


def allowed_actions(actor: User, item: Item) -> list[str]:
    """The steps the page offers this user on the item's current version (the service still checks each)."""
    version = item.current()
    offered = []
    for action, (starts, _becomes, roles) in STEPS.items():
        if action == "changes_requested" and version.status != "draft":
            roles = ("admin",)
        if version.status in starts and actor.has_role(*roles):
            offered.append(action)
    return offered


@dataclass(frozen=True)
class QueueRow:
    ref: str
    bank: str
    version: int
    status: str
    written_by: str
    last: ItemReview | None
    stored_at: datetime
    needs_rationale: bool = False

    def age_days(self, now: datetime) -> int:
        return (now - self.stored_at).days


def queue() -> list[QueueRow]:
    """Items whose current version is in review (draft, reviewed, approved), oldest first."""
    versions = list(
        db.session.scalars(
            select(ItemVersion)
            .join(Item, AT_CURRENT_VERSION)
            .join(Bank, Bank.id == Item.bank_id)
            .where(ItemVersion.status.in_(IN_REVIEW))
            .order_by(ItemVersion.created_at, Item.ref)
        )
    )
    latest: dict[int, ItemReview] = {}
    if versions:
        newest = (
            select(ItemReview.item_version_id, func.max(ItemReview.id).label("id"))
            .where(ItemReview.item_version_id.in_([v.id for v in versions]))
            .group_by(ItemReview.item_version_id)
            .subquery()
        )
        latest = {
            r.item_version_id: r
            for r in db.session.scalars(select(ItemReview).join(newest, newest.c.id == ItemReview.id))
        }
    return [
        QueueRow(
            v.item.ref,
            v.item.bank.slug,
            v.version,
            v.status,
            v.written_by,
            latest.get(v.id),
            v.created_at,
            v.needs_rationale,
        )
        for v in versions
    ]
