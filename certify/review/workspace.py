"""An assessor's workspace on one allocation: the renewable lock and the autosaved review draft.

The lock belongs to one browser window at a time. Opening or reading a review
takes nothing: the lock is taken by the first change saved (or an explicit
"Start reviewing"), so merely looking never blocks another window. Every
autosave renews it; a save carrying a token that no longer holds the lock is
refused, so two windows never overwrite each other.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import update

from certify.audit import services as audit
from certify.auth.models import User
from certify.core.rubrics import LEVELS
from certify.extensions import db
from certify.review.models import Allocation, Review
from certify.review.reviewing import criterion_titles
from certify.review.services import ReviewError

MAX_COMMENT_CHARS = 5_000


@dataclass(frozen=True)
class Lock:
    token: str
    expires_at: datetime


def lock_period() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("REVIEW_LOCK_MINUTES", 120)))


def held_elsewhere(allocation: Allocation, token: str | None, now: datetime) -> bool:
    """Whether a window other than the one holding `token` has the lock now."""
    expires = allocation.lock_expires_at
    return bool(allocation.lock_token and expires and expires > now and allocation.lock_token != token)


def lock_held(allocation: Allocation, token: str | None, now: datetime) -> Lock | None:
    """The lock if the window holding `token` has it now; reading it takes and renews nothing."""
    expires = allocation.lock_expires_at
    if token and allocation.lock_token == token and expires and expires > now:
        return Lock(token, expires)
    return None


def take_lock(
    assessor: User, allocation: Allocation, now: datetime, *, token: str | None = None, take_over: bool = False
) -> Lock | None:
    """Take or renew the lock; None when another window holds it (unless `take_over`)."""
    if allocation.assessor_id != assessor.id:
        raise ReviewError("This review is not allocated to you.", 404)
    if allocation.status != "allocated":
        return None
    if held_elsewhere(allocation, token, now) and not take_over:
        return None
    previous = allocation.lock_token
    new_token = token if token and token == previous else secrets.token_urlsafe(24)
    expires = now + lock_period()
    # Compare-and-set, so two windows racing for a free lock cannot both win.
    guard = Allocation.lock_token.is_(None) if previous is None else Allocation.lock_token == previous
    changed = db.session.execute(
        update(Allocation)
        .where(Allocation.id == allocation.id, guard)
        .values(lock_token=new_token, lock_expires_at=expires)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(allocation)
    if not changed:
        return None
    if take_over and previous and previous != new_token:
        audit.record(assessor, "review.lock_taken_over", "allocation", allocation.id)
    return Lock(new_token, expires)


def parse_levels(raw: Any, *, complete: bool) -> dict[str, int]:
    """Levels from a form or JSON body: known criteria only, each 1-4; all of them when `complete`.

    Messages name criteria by their titles, as the assessor sees them on the form.
    """
    if not isinstance(raw, dict):
        raise ReviewError("Levels must be an object of criterion: level.")
    titles = criterion_titles()
    levels: dict[str, int] = {}
    for code, value in raw.items():
        if code not in titles:
            raise ReviewError(f"Unknown criterion: {code}.")
        if value in (None, ""):
            continue
        try:
            level = int(value)
        except (TypeError, ValueError):
            raise ReviewError(f"{titles[code]}: choose a level from 1 to 4.") from None
        if level not in LEVELS or isinstance(value, bool):
            raise ReviewError(f"{titles[code]}: choose a level from 1 to 4.")
        levels[code] = level
    missing = [title for code, title in titles.items() if code not in levels]
    if complete and missing:
        raise ReviewError(f"Choose a level for every criterion (missing: {'; '.join(missing)}).")
    return levels


def parse_comments(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ReviewError("Comments must be an object of criterion: text.")
    titles = criterion_titles()
    comments: dict[str, str] = {}
    for code, text in raw.items():
        if code not in titles:
            raise ReviewError(f"Unknown criterion: {code}.")
        if not isinstance(text, str) or len(text) > MAX_COMMENT_CHARS:
            raise ReviewError(f"{titles[code]}: a comment is text of at most {MAX_COMMENT_CHARS:,} characters.")
        comments[code] = text
    return comments


def check_overall(text: Any) -> str:
    if not isinstance(text, str) or len(text) > MAX_COMMENT_CHARS:
        raise ReviewError(f"The overall comment is text of at most {MAX_COMMENT_CHARS:,} characters.")
    return text


def save_draft(
    assessor: User,
    allocation: Allocation,
    *,
    token: str,
    seq: int,
    levels: dict[str, int],
    comments: dict[str, str],
    overall: str,
    now: datetime,
) -> Lock:
    """Autosave a review in progress: refused when stale (`seq` not newer) or when the lock is elsewhere."""
    if allocation.assessor_id != assessor.id:
        raise ReviewError("This review is not allocated to you.", 404)
    if allocation.status != "allocated":
        raise ReviewError("This review has already been submitted.", 409)
    lock = take_lock(assessor, allocation, now, token=token)
    if lock is None:
        raise ReviewError("This review is open in another window, which now holds it; reload to continue here.", 423)
    review = allocation.review
    if review is None:
        review = Review(allocation_id=allocation.id, levels={}, comments={}, overall_comment="", seq=0)
        db.session.add(review)
        db.session.flush()
    changed = db.session.execute(
        update(Review)
        .where(Review.allocation_id == allocation.id, Review.seq < seq)
        .values(levels=levels, comments=comments, overall_comment=overall, seq=seq, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(review)
    if not changed:
        raise ReviewError("A newer draft of this review was already saved; reload to see it.", 409)
    return lock
