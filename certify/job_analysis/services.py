"""Job-task analysis: the vocabulary, errors and lookups the other parts share (see the package docstring)."""

from __future__ import annotations

from sqlalchemy import select

from certify.assessments.models import Assessment
from certify.assessments.services import competencies
from certify.auth.models import User, UserRole
from certify.extensions import db
from certify.job_analysis import RATER_ROLES
from certify.job_analysis.models import JtaRater, JtaRating, JtaStudy, JtaTask

STATUS_LABELS = {
    "draft": "Draft: tasks and raters being prepared",
    "open": "Open for ratings",
    "closed": "Closed",
}
# What each point of the three 1-5 scales means; the rating form shows these words.
SCALE_LABELS: dict[str, dict[int, str]] = {
    "importance": {
        1: "Not important",
        2: "Slightly important",
        3: "Moderately important",
        4: "Very important",
        5: "Essential",
    },
    "frequency": {
        1: "Rarely (a few times a year or less)",
        2: "Occasionally (about monthly)",
        3: "Regularly (about weekly)",
        4: "Often (several times a week)",
        5: "Constantly (daily)",
    },
    "criticality": {
        1: "Doing it poorly harms nothing",
        2: "Minor harm, easily put right",
        3: "Moderate harm: time or money lost",
        4: "Serious harm to the client or learners",
        5: "Severe harm, hard to undo",
    },
}
SCALE_QUESTIONS = {
    "importance": "How important is this task to doing the job well?",
    "frequency": "How often does a practitioner do it?",
    "criticality": "How much harm does doing it poorly cause?",
}
MIN_RATERS = 2  # agreement and weights need at least two complete raters; six or more is good practice
ADVISED_RATERS = 6


class StudyError(ValueError):
    """What the study's state or the request does not allow; the message is meant for people."""


class RatingProblems(StudyError):
    """Ratings that cannot be stored; `problems` maps form field names to messages."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(f"{count} rating{'s' if count != 1 else ''} need{'s' if count == 1 else ''} fixing.")


def rating_field(task_id: int, scale: str) -> str:
    return f"{scale}-{task_id}"


def studies() -> list[JtaStudy]:
    return list(db.session.scalars(select(JtaStudy).order_by(JtaStudy.id.desc())))


def get_study(study_id: int) -> JtaStudy | None:
    return db.session.get(JtaStudy, study_id)


def assessment_of(study: JtaStudy) -> Assessment:
    assessment = db.session.get(Assessment, study.assessment_id)
    assert assessment is not None
    return assessment


def is_rater(user: User, study: JtaStudy) -> bool:
    return any(r.user_id == user.id for r in study.raters)


def studies_for(user: User) -> list[JtaStudy]:
    """Studies `user` is invited to rate, newest first."""
    return list(
        db.session.scalars(
            select(JtaStudy)
            .join(JtaRater, JtaRater.study_id == JtaStudy.id)
            .where(JtaRater.user_id == user.id)
            .order_by(JtaStudy.id.desc())
        )
    )


def is_invited_anywhere(user_id: int) -> bool:
    return db.session.scalar(select(JtaRater.study_id).where(JtaRater.user_id == user_id).limit(1)) is not None


def eligible_raters() -> list[User]:
    """Active accounts that may rate (subject-matter experts: assessors, adjudicators, admins), by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(RATER_ROLES))))
            .order_by(User.name, User.id)
        )
    )


def raters_of(study: JtaStudy) -> list[tuple[User, JtaRater]]:
    rows = {r.user_id: r for r in study.raters}
    users = db.session.scalars(select(User).where(User.id.in_(rows)).order_by(User.name, User.id))
    return [(user, rows[user.id]) for user in users]


def competency_titles() -> dict[str, str]:
    return {c.code: c.title for c in competencies()}


def grouped_tasks(study: JtaStudy) -> list[tuple[str, str, list[JtaTask]]]:
    """The study's tasks grouped by competency in the framework's order: (code, title, tasks)."""
    titles = competency_titles()
    order = {code: n for n, code in enumerate(titles)}
    groups: dict[str, list[JtaTask]] = {}
    for task in sorted(study.tasks, key=lambda t: (order.get(t.competency_code, 99), t.position, t.id)):
        groups.setdefault(task.competency_code, []).append(task)
    return [(code, titles.get(code, code), tasks) for code, tasks in groups.items()]


def ratings_of(study: JtaStudy, user: User | None = None) -> list[JtaRating]:
    query = select(JtaRating).where(JtaRating.study_id == study.id)
    if user is not None:
        query = query.where(JtaRating.user_id == user.id)
    return list(db.session.scalars(query))


def progress(study: JtaStudy) -> dict[int, int]:
    """Tasks rated so far, per rater's user id."""
    counts: dict[int, int] = {r.user_id: 0 for r in study.raters}
    for rating in ratings_of(study):
        counts[rating.user_id] = counts.get(rating.user_id, 0) + 1
    return counts
