"""The demo's modified-Angoff study for `certify seed --demo`: six panellists, two rounds, a Hofstee check, adopted.

The certification exam ships with a placeholder cut (informed judgement) and does not open to candidates on it;
the demo does what a certification body does before launch: a panel rates items drawn to represent the
blueprint (four per competency), and the admin adopts round 2's cut as the exam's next cut-score version.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from certify.assessments import services as bank_service
from certify.demo.accounts import demo_users
from certify.extensions import db
from certify.standard_setting import angoff_adoption, angoff_changes, angoff_study
from certify.standard_setting.models import AngoffStudy

TITLE = "MID Certification Exam: modified Angoff, first panel"
PANEL = (
    "admin@example.org",
    "assessor@example.org",
    "assessor2@example.org",
    "adjudicator@example.org",
    "panel1@example.org",
    "panel2@example.org",
)
STUDY_ITEMS = 32
# Each panellist's picture of the minimally competent candidate: some expect more than others.
LEANING = (0.04, -0.02, 0.0, 0.06, -0.05, 0.01)
HOFSTEE = (
    {"min_cut": 60, "max_cut": 75, "min_fail": 10, "max_fail": 35},
    {"min_cut": 62, "max_cut": 72, "min_fail": 15, "max_fail": 40},
    {"min_cut": 58, "max_cut": 70, "min_fail": 10, "max_fail": 30},
    {"min_cut": 65, "max_cut": 78, "min_fail": 20, "max_fail": 45},
    {"min_cut": 55, "max_cut": 70, "min_fail": 10, "max_fail": 30},
    {"min_cut": 60, "max_cut": 74, "min_fail": 15, "max_fail": 35},
)


def _base_rating(ref: str) -> float:
    """A stable 'difficulty' per item between 0.45 and 0.85, from its reference."""
    digest = int(hashlib.sha256(ref.encode()).hexdigest()[:8], 16)
    return 0.45 + 0.40 * (digest % 1000) / 1000


def seed_angoff_demo() -> list[str]:
    if db.session.scalar(select(AngoffStudy.id).where(AngoffStudy.title == TITLE)) is not None:
        return []
    exam = bank_service.assessment_by_slug("mid-certification")
    panel = demo_users(PANEL)
    if exam is None or panel is None:
        return []
    # Four items per competency, drawn to represent the blueprint (seeded from the study)
    study, _warnings = angoff_changes.create_study(panel[0], exam, TITLE, [p.id for p in panel], size=STUDY_ITEMS)
    items = list(study.item_version_ids)
    refs = {v.id: f"{v.item_id}:{v.version}" for v in angoff_study.items_of(study)}
    for round_number in (1, 2):
        for person, lean, hofstee in zip(panel, LEANING, HOFSTEE, strict=True):
            spread = lean if round_number == 1 else lean / 3  # discussion narrows the panel's spread
            form = {
                angoff_study.rating_field(vid): f"{100 * min(0.95, max(0.05, _base_rating(refs[vid]) + spread)):.0f}"
                for vid in items
            }
            form |= {angoff_study.hofstee_field(k): str(v) for k, v in hofstee.items()}
            angoff_changes.save_ratings(person, study, form, submit=True)
        if round_number == 1:
            angoff_changes.advance(panel[0], study)
    angoff_changes.close(panel[0], study)
    cut = angoff_adoption.adopt(panel[0], study)
    return [
        f"demo standard-setting study: {len(panel)} panellists, {len(items)} items, two rounds, closed; "
        f"cut {cut.percent:g} % adopted as version {cut.version}"
    ]
