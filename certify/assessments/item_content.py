"""Item versions' content, read once per process and named by its hash.

An item version's content never changes once stored (an edit is a new version), and `content_hash` is the
sha256 of that content, so a cache keyed by the hash cannot serve a stale or foreign item: two rows with
the same hash hold the same content, whichever database or test they came from. Hot requests (a start, the
attempt's state, the question page) select the hash with the rest of their row and take the content from
here, instead of carrying and decoding every item's JSON on every request; only hashes this process has
not seen yet are read, in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from certify.assessments.models import ItemVersion
from certify.extensions import db

# A bank of 10,000 items is about 40 MB of parsed content; past the bound the cache starts again.
MAX_ENTRIES = 20_000
_by_hash: dict[str, Mapping[str, Any]] = {}


def contents(versions: Iterable[tuple[int, str]]) -> dict[str, Mapping[str, Any]]:
    """{content_hash: content} for (version id, content hash) pairs; one statement for the unseen ones.

    The contents are shared by every request of this process: read them, never change them."""
    wanted = dict(versions)  # version id -> hash
    missing = [version_id for version_id, digest in wanted.items() if digest not in _by_hash]
    if missing:
        if len(_by_hash) + len(missing) > MAX_ENTRIES:
            _by_hash.clear()
            missing = list(wanted)
        rows = db.session.execute(
            select(ItemVersion.content_hash, ItemVersion.content).where(ItemVersion.id.in_(missing))
        )
        for digest, content in rows:
            _by_hash[digest] = content
    return {digest: _by_hash[digest] for digest in wanted.values() if digest in _by_hash}


def content_of(version_id: int, digest: str) -> Mapping[str, Any]:
    return contents([(version_id, digest)])[digest]


def forget() -> None:
    """Empty this process's cache (a test that counts the statements of a first read calls it)."""
    _by_hash.clear()
