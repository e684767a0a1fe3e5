"""Learning gain and retake change for the outcome report, from each candidate's scored attempts.

Pairing: a candidate's FIRST scored diagnostic pre-test with their FIRST scored certification attempt,
one pair per candidate however often they retook either (practice attempts are open rehearsal, taken
at any time, and are no pre-test). A pre-test scored after the first certification attempt started is
no pre-test of it: that candidate is left out and counted in a note.

Per competency, and for the whole exam (overall percent), the report leads with the gain of the means
and Marx & Cummings' normalised change c (`certify.core.gain`), which keep candidates at the pre-test
ceiling; Hake's mean per-candidate g, which skips them, stays only as a labelled legacy column.
Beside the gain stands the pre-test's reliability (coefficient alpha of the whole pre-test and of each
competency's subscore) read from the stored item analysis, never computed on the page view.

Retakes are reported apart: the change from the first to the latest certification attempt among the
candidates who sat it two or more times.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from certify.assessments.models import Assessment
from certify.core.gain import ChangeSummary, summarise_change
from certify.core.outcomes import GainSummary, RetakeChange, summarise_gain, summarise_retakes
from certify.core.sample_size import MIN_ATTEMPTS
from certify.extensions import db
from certify.reports.items import state
from certify.reports.models import AnalysisSnapshot

WHOLE_EXAM = "Whole exam"


@dataclass(frozen=True)
class Sitting:
    """One scored attempt, as the gain needs it."""

    assessment_id: int
    started_at: datetime
    scored_at: datetime
    percent: float
    competencies: dict[str, float]  # code -> percent

    def result(self, code: str) -> float | None:
        return self.percent if code == WHOLE_EXAM else self.competencies.get(code)


@dataclass(frozen=True)
class GainRow:
    code: str  # a competency code, or WHOLE_EXAM for the overall percent
    title: str
    change: ChangeSummary  # gain of the means and normalised change c: the figures to read
    legacy: GainSummary  # Hake's mean per-candidate g, which skips pre-test 100 % (legacy column only)
    # change.pretest_reliability: alpha of this competency's subscore on the pre-test (the whole pre-test's
    # for WHOLE_EXAM), from the stored item analysis; None without one


@dataclass(frozen=True)
class RetakeRow:
    code: str
    title: str
    summary: RetakeChange


@dataclass(frozen=True)
class PretestReliability:
    pretests: list[str]  # slugs of the pre-tests the pairs start from
    alpha: float | None  # whole pre-test
    by_competency: dict[str, float | None]
    n: int  # scored pre-test attempts the analysis rests on (everyone who sat it, not only these candidates)
    min_n: int  # attempts needed before alpha is read
    computed_at: str | None
    stale: bool  # attempts were scored after the analysis


@dataclass(frozen=True)
class GainReport:
    rows: list[GainRow]
    retakes: list[RetakeRow]
    reliability: PretestReliability
    pretest_after_exam: int  # candidates left out: their first pre-test came after their first exam
    notes: list[str] = field(default_factory=list)


def gain_report(
    pretests: dict[int, Sitting],
    exams: dict[int, list[Sitting]],
    competencies: Sequence[tuple[str, str]],
) -> GainReport:
    """`pretests`: each candidate's first scored pre-test; `exams`: their certification sittings, oldest first."""
    rows = [(code, title) for code, title in competencies] + [(WHOLE_EXAM, "All competencies (overall percent)")]
    pairs: dict[str, list[tuple[float, float]]] = defaultdict(list)
    used: set[int] = set()
    late = 0
    for uid, pre in pretests.items():
        sittings = exams.get(uid)
        if not sittings:
            continue
        post = sittings[0]
        if pre.scored_at > post.started_at:
            late += 1
            continue
        used.add(pre.assessment_id)
        for code, _ in rows:
            before, after = pre.result(code), post.result(code)
            if before is not None and after is not None:
                pairs[code].append((before, after))
    reliability = _reliability(used)
    gains = [
        GainRow(
            code,
            title,
            summarise_change(pairs[code], pretest_reliability=_alpha(reliability, code)),
            summarise_gain(pairs[code]),
        )
        for code, title in rows
    ]
    retakes = _retakes(exams, rows)
    return GainReport(gains, retakes, reliability, late, _notes(reliability, late))


def _retakes(exams: dict[int, list[Sitting]], rows: list[tuple[str, str]]) -> list[RetakeRow]:
    changes: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for sittings in exams.values():
        if len(sittings) < 2:
            continue
        first, latest = sittings[0], sittings[-1]
        for code, _ in rows:
            before, after = first.result(code), latest.result(code)
            if before is not None and after is not None:
                changes[code].append((before, after))
    return [RetakeRow(code, title, summarise_retakes(changes[code])) for code, title in rows]


def _alpha(reliability: PretestReliability, code: str) -> float | None:
    if len(reliability.pretests) != 1:
        return None
    return reliability.alpha if code == WHOLE_EXAM else reliability.by_competency.get(code)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _reliability(assessment_ids: set[int]) -> PretestReliability:
    """The stored item analysis of the pre-test (one pre-test; with several, alpha is left blank)."""
    found = [db.session.get(Assessment, i) for i in sorted(assessment_ids)]
    slugs = sorted(a.slug for a in found if a is not None)
    if len(found) != 1 or found[0] is None:
        return PretestReliability(slugs, None, {}, 0, MIN_ATTEMPTS, None, False)
    assessment = found[0]
    current = db.session.get(AnalysisSnapshot, assessment.id)
    if current is None:
        return PretestReliability(slugs, None, {}, 0, MIN_ATTEMPTS, None, False)
    test = current.payload.get("test", {})
    alpha = test.get("alpha", test.get("kr20"))  # payloads before format 2 only have kr20
    by_competency = {str(k): _number(v) for k, v in (test.get("competency_reliability") or {}).items()}
    count, latest = state(assessment)
    stale = (current.scored_attempts, current.latest_scored_at) != (count, latest)
    return PretestReliability(
        slugs,
        _number(alpha),
        by_competency,
        int(test.get("n") or 0),
        int(test.get("min_n") or MIN_ATTEMPTS),
        current.computed_at.strftime("%Y-%m-%d %H:%M") if current.computed_at else None,
        stale,
    )


def _notes(reliability: PretestReliability, late: int) -> list[str]:
    notes: list[str] = []
    if late:
        notes.append(
            f"{late} candidate(s) left out of the gain: their first pre-test was scored after their first "
            "certification attempt started."
        )
    if len(reliability.pretests) > 1:
        notes.append(
            "The pairs start from more than one pre-test ("
            + ", ".join(reliability.pretests)
            + "), so no single pre-test alpha is shown; see each one's item analysis."
        )
    elif reliability.pretests and reliability.computed_at is None:
        notes.append(
            f"The pre-test ({reliability.pretests[0]}) has no item analysis yet, so its alpha is not shown; "
            "open it under Reports or run “flask analysis refresh”."
        )
    elif reliability.computed_at is not None:
        if reliability.n < reliability.min_n:
            notes.append(
                f"The pre-test alpha rests on {reliability.n} scored attempt(s), fewer than the "
                f"{reliability.min_n} needed to read it: treat it as not yet interpretable."
            )
        if reliability.stale:
            notes.append(
                f"The pre-test analysis dates from {reliability.computed_at} UTC and attempts have been "
                "scored since; recompute it under Reports for a current alpha."
            )
    return notes
