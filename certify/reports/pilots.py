"""Which pilot items are ready to promote: seen often enough, calibrated onto the scale, and flagged for nothing.

A pilot is analysed but never scored. It is *ready* when at least `min_n` candidates answered it
(the item's own minimum, ANALYSIS_MIN_ITEM_N), the latest calibration placed it on the live items'
scale, and no flag stands against it; otherwise the row says what it still lacks. Promoting stays
an admin's decision on the item's page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PilotRow:
    item_ref: str
    version: int
    competency: str
    n: int
    ready: bool
    reason: str  # what it lacks, or what makes it ready


def pilot_readiness(items: Iterable[dict[str, Any]]) -> list[PilotRow]:
    """The payload's pilot items, ready ones first, each with the reason in plain words."""
    rows = []
    for item in items:
        if item.get("status") != "pilot":
            continue
        n, needed = int(item.get("n") or 0), int(item.get("min_n") or 0)
        codes = [f["code"] for f in item.get("flags", []) if f.get("code") != "insufficient_data"]
        if n < needed or not item.get("interpretable", True):
            reason, ready = f"needs more responses: {n} of at least {needed}", False
        elif item.get("irt") is None:
            reason, ready = "not calibrated yet: run the calibration so it lands on the live items' scale", False
        elif codes:
            reason, ready = f"flagged: {', '.join(codes)}; review before promoting", False
        else:
            irt = item["irt"]
            reason = f"ready: n {n}, b {irt.get('b'):+.2f}, a {irt.get('a'):.2f}, no flags"
            ready = True
        rows.append(
            PilotRow(str(item["item_ref"]), int(item["version"]), str(item.get("competency", "")), n, ready, reason)
        )
    return sorted(rows, key=lambda r: (not r.ready, r.item_ref))
