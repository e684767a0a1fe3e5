"""Sliding-window login throttling arithmetic."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta


def retry_after_seconds(failures: Sequence[datetime], *, now: datetime, window_seconds: int, limit: int) -> int:
    """Seconds until another attempt is allowed, or 0 if one is allowed now.

    `failures` are the failed attempts inside the window. With `limit` or more
    of them, the caller waits until the oldest one that still counts drops out.
    """
    if limit <= 0:
        return 0
    window = timedelta(seconds=window_seconds)
    recent = sorted(at for at in failures if now - at < window)
    if len(recent) < limit:
        return 0
    # The (len - limit + 1)-th oldest must leave the window to get below the limit.
    blocking = recent[len(recent) - limit]
    wait = (blocking + window - now).total_seconds()
    return max(1, math.ceil(wait))
