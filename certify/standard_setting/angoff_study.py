"""Modified-Angoff standard setting: the study's vocabulary, its errors and the lookups the other parts share.

How a study runs is told in `certify.standard_setting`'s docstring; callers import the module they need.
"""

from __future__ import annotations

from sqlalchemy import func, select

from certify.assessments.attempt_models import Attempt
from certify.assessments.models import AT_CURRENT_VERSION, Assessment, Bank, CutScore, Item, ItemVersion
from certify.auth.models import User, UserRole
from certify.extensions import db
from certify.standard_setting.models import AngoffPanellist, AngoffStudy

PANEL_ROLES = ("assessor", "adjudicator", "admin")
ROUNDS = (1, 2)
METHOD = "modified_angoff"
# The four Hofstee judgements, in the order the form asks for them.
HOFSTEE_FIELDS: dict[str, str] = {
    "min_cut": "Lowest acceptable cut score (% of the maximum)",
    "max_cut": "Highest acceptable cut score (% of the maximum)",
    "min_fail": "Lowest acceptable fail rate (% of candidates)",
    "max_fail": "Highest acceptable fail rate (% of candidates)",
}
STATE_LABELS = {
    "round1": "Round 1: independent ratings",
    "round2": "Round 2: re-rating with data",
    "closed": "Closed",
    "adopted": "Adopted",
}


class StudyError(ValueError):
    """What the study's state or the request does not allow; the message is meant for people."""


class RatingProblems(StudyError):
    """Ratings or judgements that cannot be stored; `problems` maps form field names to messages."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(f"{count} answer{'s' if count != 1 else ''} need{'s' if count == 1 else ''} fixing.")


def rating_field(item_version_id: int) -> str:
    return f"rating-{item_version_id}"


def hofstee_field(name: str) -> str:
    return f"hofstee-{name}"


def current_round(study: AngoffStudy) -> int | None:
    """The round being rated, or None once the study is closed or adopted."""
    return {"round1": 1, "round2": 2}.get(study.state)


# --- Reading --------------------------------------------------------------------------------------


def eligible_panellists() -> list[User]:
    """Active accounts holding a role that may sit on a panel (subject-matter experts), by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(PANEL_ROLES))))
            .order_by(User.name, User.id)
        )
    )


def live_pool(assessment: Assessment) -> list[ItemVersion]:
    """The current live version of every item in the assessment's banks, in bank and authored order."""
    order = {slug: n for n, slug in enumerate(assessment.banks)}
    rows = db.session.execute(
        select(ItemVersion, Bank.slug)
        .join(Item, AT_CURRENT_VERSION)
        .join(Bank, Item.bank_id == Bank.id)
        .where(Bank.slug.in_(assessment.banks), ItemVersion.status == "live")
        .order_by(Item.id)
    ).all()
    return [version for version, _slug in sorted(rows, key=lambda row: order[row[1]])]


def studies() -> list[AngoffStudy]:
    return list(db.session.scalars(select(AngoffStudy).order_by(AngoffStudy.id.desc())))


def open_studies_count() -> int:
    """Studies still in a rating round (not closed or adopted)."""
    query = select(func.count()).select_from(AngoffStudy).where(AngoffStudy.state.in_(("round1", "round2")))
    return int(db.session.scalar(query) or 0)


def get_study(study_id: int) -> AngoffStudy | None:
    return db.session.get(AngoffStudy, study_id)


def is_panellist(user: User, study: AngoffStudy) -> bool:
    return any(p.user_id == user.id for p in study.panellists)


def study_for_panellist(user: User, study_id: int) -> AngoffStudy | None:
    """The study, only when `user` sits on its panel (None otherwise, so the page is a 404)."""
    study = db.session.get(AngoffStudy, study_id)
    return study if study is not None and is_panellist(user, study) else None


def studies_for(user: User) -> list[AngoffStudy]:
    """Studies `user` sits on, newest first."""
    return list(
        db.session.scalars(
            select(AngoffStudy)
            .join(AngoffPanellist, AngoffPanellist.study_id == AngoffStudy.id)
            .where(AngoffPanellist.user_id == user.id)
            .order_by(AngoffStudy.id.desc())
        )
    )


def sits_on_a_panel(user_id: int) -> bool:
    return (
        db.session.scalar(select(AngoffPanellist.study_id).where(AngoffPanellist.user_id == user_id).limit(1))
        is not None
    )


def assessment_of(study: AngoffStudy) -> Assessment:
    assessment = db.session.get(Assessment, study.assessment_id)
    assert assessment is not None
    return assessment


def items_of(study: AngoffStudy) -> list[ItemVersion]:
    """The study's item versions, in the study's order."""
    found = {v.id: v for v in db.session.scalars(select(ItemVersion).where(ItemVersion.id.in_(study.item_version_ids)))}
    return [found[i] for i in study.item_version_ids if i in found]


def panel_of(study: AngoffStudy) -> list[User]:
    ids = [p.user_id for p in study.panellists]
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name, User.id)))


def versions_for_refs(assessment: Assessment, text: str) -> list[int]:
    """Item ids typed by an admin (separated by spaces, commas or lines) as live pool versions, in that order."""
    refs = [ref for ref in text.replace(",", " ").split() if ref]
    by_ref = {version.item.ref: version.id for version in live_pool(assessment)}
    unknown = [ref for ref in refs if ref not in by_ref]
    if unknown:
        raise StudyError(
            f"Not live items of {assessment.title}: {', '.join(unknown[:10])}{' …' if len(unknown) > 10 else ''}."
        )
    return [by_ref[ref] for ref in refs]


def adopted_cut(study: AngoffStudy) -> CutScore | None:
    return db.session.get(CutScore, study.adopted_cut_score_id) if study.adopted_cut_score_id else None


def attempts_before(cut: CutScore) -> int:
    """Attempts of the assessment that run on an earlier cut-score version (they keep it)."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .join(CutScore, CutScore.id == Attempt.cut_score_id)
            .where(Attempt.assessment_id == cut.assessment_id, CutScore.version < cut.version)
        )
        or 0
    )
