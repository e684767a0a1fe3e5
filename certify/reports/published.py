"""What the reports publish outside the admin pages: the certification decision's measured quality.

Read from the stored analysis only (never computed on a public request); `computed_at` says how
current it is.
"""

from __future__ import annotations

from typing import Any

from certify.assessments.models import Assessment
from certify.extensions import db
from certify.reports.models import AnalysisSnapshot


def decision_evidence(assessment: Assessment) -> dict[str, Any] | None:
    """The stored analysis's decision block (rule, consistency, kappa, accuracy, per competency) or None."""
    current = db.session.get(AnalysisSnapshot, assessment.id)
    if current is None:
        return None
    decision = (current.payload.get("test") or {}).get("decision") or {}
    if not decision.get("available"):
        return None
    return {**decision, "computed_at": current.computed_at, "scored_attempts": current.scored_attempts}
