"""The Success Case Method (Brinkerhoff): propose the most and least successful cases for interview, and record
what the interview found (what enabled, what blocked, by theme). Services flush; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from certify.audit import services as audit
from certify.auth.models import User
from certify.core.outcome_evidence import DEFAULT_CASES, THEME_MAX, AttestedCase, parse_themes, propose_cases
from certify.extensions import db
from certify.outcomes.models import SuccessCase
from certify.outcomes.report import ReportFilter, impact_report

THEMES_MAX = 20  # per list
NOTES_MAX = 5000


class CaseError(ValueError):
    """Findings that cannot be recorded; the message names each problem."""


@dataclass(frozen=True)
class Proposed:
    created: list[SuccessCase]
    already: int  # proposed plans that were already cases (left as they are)
    note: str  # says so when there were fewer than 2k attested cases


def propose(actor: User, chosen: ReportFilter, now: datetime, k: int = DEFAULT_CASES) -> Proposed:
    """Create a SuccessCase for each of the k most and k least successful attested plans in the filter.

    A plan that is already a case keeps its kind and findings. Each new case is audited.
    """
    cases: list[AttestedCase] = impact_report(chosen, now).attested_cases()
    proposal = propose_cases(cases, k)
    kinds = [(c, "success") for c in proposal.success] + [(c, "non_success") for c in proposal.non_success]
    ids = [c.plan_id for c, _kind in kinds]
    existing = set(db.session.scalars(select(SuccessCase.plan_id).where(SuccessCase.plan_id.in_(ids))))
    created = []
    for case, kind in kinds:
        if case.plan_id in existing:
            continue
        row = SuccessCase(plan_id=case.plan_id, kind=kind, proposed_at=now)
        db.session.add(row)
        db.session.flush()
        audit.record(
            actor,
            "outcome.success_case_proposed",
            "success_case",
            row.id,
            after={"plan_id": case.plan_id, "kind": kind, "attainment": round(case.attainment, 4), "k": k},
        )
        created.append(row)
    return Proposed(created, len(existing), proposal.note)


def _themes(text: str, label: str, problems: list[str]) -> list[str]:
    themes = parse_themes(text)
    long = [t for t in themes if len(t) > THEME_MAX]
    if long:
        problems.append(f"{label}: a theme has at most {THEME_MAX} characters (“{long[0][:40]}…” is longer).")
    if len(themes) > THEMES_MAX:
        problems.append(f"{label}: give at most {THEMES_MAX} themes (you gave {len(themes)}).")
    return themes


def _interview_day(text: str, case: SuccessCase, now: datetime, problems: list[str]) -> date | None:
    text = text.strip()
    if not text:
        problems.append("Interviewed on: give the date of the interview (YYYY-MM-DD).")
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        problems.append(f"Interviewed on: “{text[:40]}” is not a date; write it as YYYY-MM-DD, for example 2027-06-30.")
        return None
    if day > now.date():
        problems.append(f"Interviewed on: {day.isoformat()} is in the future.")
    elif day < case.proposed_at.date():
        problems.append(
            f"Interviewed on: {day.isoformat()} is before the case was proposed ({case.proposed_at:%Y-%m-%d})."
        )
    return day


def record_findings(
    actor: User,
    case: SuccessCase,
    interviewed_on: str,
    enablers: str,
    barriers: str,
    notes: str,
    now: datetime,
) -> SuccessCase:
    """Record (or correct) an interview's findings; themes are comma- or line-separated. Audited."""
    problems: list[str] = []
    day = _interview_day(interviewed_on, case, now, problems)
    found_enablers = _themes(enablers, "Enablers", problems)
    found_barriers = _themes(barriers, "Barriers", problems)
    if not found_enablers and not found_barriers:
        problems.append("Give at least one enabler or barrier: what helped or what got in the way.")
    notes = notes.strip()
    if len(notes) > NOTES_MAX:
        problems.append(f"Notes have at most {NOTES_MAX} characters (these have {len(notes)}).")
    if problems or day is None:
        raise CaseError(" ".join(problems))
    before = _findings(case)
    case.interviewed_at = datetime.combine(day, time(), UTC)
    case.interviewer_id = actor.id
    case.enablers, case.barriers, case.notes = found_enablers, found_barriers, notes
    db.session.flush()
    audit.record(
        actor, "outcome.success_case_interviewed", "success_case", case.id, before=before, after=_findings(case)
    )
    return case


def _findings(case: SuccessCase) -> dict[str, object]:
    return {
        "interviewed_at": case.interviewed_at.isoformat() if case.interviewed_at else None,
        "interviewer_id": case.interviewer_id,
        "enablers": list(case.enablers or []),
        "barriers": list(case.barriers or []),
        "notes": case.notes,
    }
