"""A demo job-task analysis for `certify seed --demo`: 40 tasks, six raters, closed, its blueprint adopted.

The raters' ratings follow planted competency profiles that are not equal: tying requests to business
results and analysing performance weigh most, consulting least. The MID exam's blueprint (64 items)
comes from this study; `question_banks/assessments/mid-certification.yaml` carries the same cells.
"""

from __future__ import annotations

import random

from sqlalchemy import select

from certify.assessments import services as bank_service
from certify.demo.accounts import demo_users
from certify.extensions import db
from certify.job_analysis import changes, results
from certify.job_analysis.models import JtaStudy
from certify.job_analysis.services import rating_field

TITLE = "MID Certification Exam: job-task analysis, practitioner panel"
RATERS = (
    "admin@example.org",
    "assessor@example.org",
    "assessor2@example.org",
    "adjudicator@example.org",
    "panel1@example.org",
    "panel2@example.org",
)
# Planted (importance, frequency, criticality) of each competency's tasks, before each task's and rater's noise.
PROFILE = {
    "RA": (4.5, 3.9, 4.4),
    "PA": (4.6, 4.0, 4.4),
    "SS": (4.1, 3.6, 3.9),
    "OB": (4.1, 3.8, 3.6),
    "AD": (4.0, 3.4, 4.0),
    "IS": (3.9, 3.9, 3.2),
    "EV": (4.0, 3.3, 3.9),
    "CP": (3.7, 3.4, 3.2),
}
TASKS = {
    "RA": (
        "Ask the sponsor which business measure made them notice the need, and agree it in writing.",
        "Find the current value of that measure and how it is recorded, before any design starts.",
        "Tell a request for a course apart from the result the sponsor actually needs.",
        "Prefer an operational measure the team controls over a distant strategic one.",
        "Set with the sponsor the change in the measure that would count as success, and by when.",
    ),
    "PA": (
        "Observe the work and interview performers to describe the gap between expected and actual results.",
        "Check the environment (information, tools, incentives) before assuming a lack of skill.",
        "Decide for each cause whether people could do the task if their life depended on it.",
        "Compare top and typical performers to locate where the difference comes from.",
        "Write up the causes found, with their evidence, for the sponsor to confirm.",
    ),
    "SS": (
        "Propose a job aid, a tool or a process change where training would not close the gap.",
        "Reserve training for gaps in knowledge or skill the analysis has confirmed.",
        "Estimate the cost and expected effect of each candidate solution for the sponsor.",
        "Combine solutions when a gap has several causes, and say which cause each one addresses.",
        "Explain to a requester why the course they asked for will not move their measure.",
    ),
    "OB": (
        "Write each objective as an observable performance with its condition and criterion.",
        "Match each objective's cognitive level to what the job demands.",
        "Link every objective to the business measure it is meant to move.",
        "Remove vague verbs such as understand or appreciate from objectives.",
        "Review objectives with a practitioner to confirm they describe real work.",
    ),
    "AD": (
        "Draw up a test blueprint from the objectives before writing any item.",
        "Write items that follow item-writing rules and test the objective, not reading skill.",
        "Set a defensible cut score with a panel of practitioners.",
        "Read item statistics after a first administration and revise or retire weak items.",
        "Build a rubric with clear levels for skills that are observed rather than tested.",
    ),
    "IS": (
        "Choose an instructional method that fits each objective's type and level.",
        "Design practice that looks like the job: the same cues, tools and decisions.",
        "Give feedback during practice that tells learners what to change.",
        "Cut content that no objective needs.",
        "Plan support on the job so that what was learned is used.",
    ),
    "EV": (
        "Plan measurement before, right after and months after the programme, and the measure itself.",
        "Separate the programme's effect from other influences with a comparison group or trend.",
        "Use the Success Case Method to learn why some participants got results and others did not.",
        "Report results to the sponsor as changes in their measure, not satisfaction scores.",
        "Estimate return on investment only where the decision justifies the cost of isolating effects.",
    ),
    "CP": (
        "Work with the sponsor as a partner who shares accountability for the result.",
        "Take a systemic view of the organisation when a request touches several teams.",
        "Decline or reshape work that would not add value, and say why.",
        "Keep participants' data confidential and report honestly, including poor results.",
        "Keep stakeholders informed of progress and of risks to the result.",
    ),
}
LEANING = (0.2, -0.1, 0.0, 0.3, -0.3, 0.1)  # some raters rate everything a little higher
SEED = 20260611


def _scale(value: float) -> str:
    return str(min(5, max(1, round(value))))


def seed_job_analysis_demo() -> list[str]:
    if db.session.scalar(select(JtaStudy.id).where(JtaStudy.title == TITLE)) is not None:
        return []
    exam = bank_service.assessment_by_slug("mid-certification")
    raters = demo_users(RATERS)
    if exam is None or raters is None:
        return []
    admin = raters[0]
    study = changes.create_study(admin, exam, TITLE)
    for code, statements in TASKS.items():
        for statement in statements:
            changes.add_task(admin, study, code, statement)
    changes.invite(admin, study, [u.id for u in raters])
    changes.open_study(admin, study)
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo ratings, not a secret
    task_shift = {task.id: rng.uniform(-0.35, 0.35) for task in study.tasks}
    for rater, lean in zip(raters, LEANING, strict=True):
        form = {}
        for task in study.tasks:
            base = PROFILE[task.competency_code]
            for scale, mean in zip(("importance", "frequency", "criticality"), base, strict=True):
                form[rating_field(task.id, scale)] = _scale(mean + task_shift[task.id] + lean + rng.gauss(0, 0.45))
        changes.save_ratings(rater, study, form, submit=True)
    changes.close_study(admin, study)
    summary = results.results(study)
    assert summary.analysis is not None and summary.proposal is not None
    version = results.adopt(
        admin,
        study,
        "Demo: the first job-task analysis of the MID certification. Six practitioners rated 40 tasks;"
        " the exam's 64 items follow the competencies' weights.",
    )
    counts = ", ".join(f"{c} {n}" for c, n in summary.proposal.per_competency.items())
    icc = summary.analysis.icc
    w = summary.analysis.kendall
    return [
        f"demo job-task analysis: {len(study.tasks)} tasks, {len(raters)} raters, closed;"
        f" ICC(2,k) {icc.average if icc and icc.average is not None else float('nan'):.2f},"
        f" Kendall's W {w.w if w and w.w is not None else float('nan'):.2f};"
        f" blueprint version {version.version} adopted: {counts}"
    ]
