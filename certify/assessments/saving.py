"""Saving answers and flags during an exam: the hot path of an exam window.

A save is one read (the attempt's owner and state, the item and its content's hash, joined; the content
itself comes from `item_content`)
and one conditional update (a newer sequence number, on an attempt still open), so it
needs no lock before the write and can run with a late write intent (`certify.database`):
on SQLite the write lock is held for the update alone. The runner's pages and the API
share these functions; neither loads ORM objects for a save.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from flask import abort
from sqlalchemy import JSON, Connection, and_, bindparam, exists, select, update

from certify.assessments.attempt_models import Attempt, AttemptItem, Response
from certify.assessments.attempts import MAX_SEQ, AttemptRefused, finalise_if_overdue, grace
from certify.assessments.item_content import content_of
from certify.assessments.models import ItemVersion
from certify.auth.models import User
from certify.core.delivery import Presentation, present, to_internal
from certify.core.items import ItemError
from certify.database import UTCDateTime, standalone_write
from certify.extensions import db
from certify.params import is_sequence_number


class _Target(NamedTuple):
    user_id: int
    status: str
    deadline: datetime
    seed: str
    item_id: int | None
    version_id: int | None
    content_hash: str | None


def _closed() -> AttemptRefused:
    return AttemptRefused("This attempt is closed; answers can no longer change.", 409, error="closed")


def _core() -> Connection:
    """The session's connection, in its transaction: these statements need no ORM, and skipping it halves their cost."""
    return db.session.connection()


def _read_target(user: User, attempt_id: int, position: int, now: datetime) -> _Target:
    """The attempt's owner and state with the item at `position`, in one statement; 404 for anyone else's."""
    row = _core().execute(_TARGET, {"the_attempt": attempt_id, "the_position": position}).first()
    if row is None or row.user_id != user.id:
        abort(404)
    target = _Target(*row)
    if target.status != "in_progress" or now > target.deadline + grace():
        attempt = db.session.get(Attempt, attempt_id)  # rare: closed, or overdue and finalised here
        if attempt is not None:
            finalise_if_overdue(attempt, now)
        raise _closed()
    if target.item_id is None:
        raise AttemptRefused(f"This attempt has no question {position}.", 404)
    return target


def _content(target: _Target) -> Any:
    assert target.version_id is not None and target.content_hash is not None
    return content_of(target.version_id, target.content_hash)


# The hot path's statements are built once, with bound parameters: building them per request cost more
# than the database work.
_TARGET = (
    select(
        Attempt.user_id,
        Attempt.status,
        Attempt.deadline,
        Attempt.seed,
        AttemptItem.id,
        ItemVersion.id,
        ItemVersion.content_hash,
    )
    .select_from(Attempt)
    .outerjoin(
        AttemptItem, and_(AttemptItem.attempt_id == Attempt.id, AttemptItem.position == bindparam("the_position"))
    )
    .outerjoin(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
    .where(Attempt.id == bindparam("the_attempt"))
)
# FOR SHARE on PostgreSQL: a concurrent submit waits for this save (and scores it) or wins and the save
# finds the attempt closed; SQLite's single writer needs no row lock.
_STILL_OPEN = exists(
    select(Attempt.id)
    .where(
        Attempt.id == bindparam("the_attempt"),
        Attempt.status == "in_progress",
        Attempt.deadline >= bindparam("open_after", type_=UTCDateTime()),
    )
    .with_for_update(read=True)
)
_SAVE = (
    update(Response)
    .where(Response.attempt_item_id == bindparam("item_id"), Response.seq < bindparam("new_seq"), _STILL_OPEN)
    .values(answer=bindparam("new_answer", type_=JSON()), seq=bindparam("new_seq"), saved_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)
_STORED = select(Response.seq, Response.answer, Response.saved_at).where(
    Response.attempt_item_id == bindparam("item_id")
)
_FLAG = (
    update(AttemptItem)
    .where(
        AttemptItem.attempt_id == bindparam("the_attempt"),
        AttemptItem.position == bindparam("the_position"),
        _STILL_OPEN,
    )
    .values(flagged=bindparam("new_flag"))
    .execution_options(synchronize_session=False)
)


def save_answer(
    user: User, attempt_id: int, position: int, answer: Any, seq: Any, now: datetime
) -> tuple[int, datetime]:
    """Store an answer (in shown ids) if `seq` is newer than the stored one; returns (seq, saved_at).

    Saving the same answer again with the stored seq is a replay and answers as the first save
    did, with the stored saved_at. Raises AttemptRefused: 409 "closed" after the deadline and
    grace, 409 "stale" with the current state when a newer or different save with that seq
    already landed, 400 for a malformed answer or seq, 404 for a position the attempt lacks;
    aborts with 404 for an attempt that is not the user's.
    """
    if not is_sequence_number(seq):
        raise AttemptRefused(f"`seq` must be a whole number from 1 to {MAX_SEQ}.", 400)
    target = _read_target(user, attempt_id, position, now)
    assert target.item_id is not None
    content = _content(target)
    shown = present(content, f"{target.seed}:{position}")
    try:
        internal = to_internal(content, shown, answer)
    except ItemError as exc:
        raise AttemptRefused(f"Question {position}: {exc}.", 400) from None
    params = {
        "item_id": target.item_id,
        "new_seq": seq,
        "new_answer": None if internal is None else answer,
        "now": now,
        "the_attempt": attempt_id,
        "open_after": now - grace(),
    }
    with standalone_write():  # one self-guarding statement: a transaction of its own
        saved = _core().execute(_SAVE, params).rowcount
    if saved:
        return seq, now
    current = _core().execute(_STORED, {"item_id": target.item_id}).one()
    if current.seq < seq:
        raise _closed()  # the sequence number was newer: the attempt closed between the read and the write
    if current.seq == seq and _same_answer(content, shown, current.answer, internal):
        # The same save arriving twice (an autosave and the form post that followed it): a replay.
        return seq, current.saved_at or now
    raise AttemptRefused(
        "A newer answer to this question has already been saved.",
        409,
        error="stale",
        seq=current.seq,
        answer=current.answer,
    )


def _same_answer(content: Any, shown: Presentation, stored: Any, internal: Any) -> bool:
    """Whether a stored answer (shown ids) means the same as a new one (authored ids, normalised)."""
    try:
        return bool(to_internal(content, shown, stored) == internal)
    except ItemError:
        return False


def set_flag(user: User, attempt_id: int, position: int, flagged: bool, now: datetime) -> None:
    """Flag or unflag a question for review, in one conditional update once the attempt is read."""
    _read_target(user, attempt_id, position, now)
    params = {"the_attempt": attempt_id, "the_position": position, "new_flag": flagged, "open_after": now - grace()}
    with standalone_write():
        flagged = _core().execute(_FLAG, params).rowcount
    if not flagged:
        raise _closed()
