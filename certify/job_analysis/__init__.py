"""Job-task analysis: the tasks of the job, rated by subject-matter experts, weigh the exam's blueprint.

An admin creates a study for an assessment (draft), lists the job's tasks grouped by competency and
invites raters: existing accounts of subject-matter experts (assessors, adjudicators, admins). Opening
the study lets each rater rate every task's importance, frequency and criticality (1-5) on their own
page, save a draft and submit. Closing it freezes the ratings. The results page shows each task's
means, criticality index, weight and agreement (r_wg), the competency weights, the panel's agreement
(ICC(2,k), Kendall's W) and the blueprint the weights propose beside the current one; adopting it
(confirmed, with a rationale) writes a new blueprint version of the assessment through the
assessments feature's service, audited. The figures are pure functions in `certify.core.job_analysis`.

`services` holds the vocabulary, errors and lookups; `changes` every write; `results` the analysis,
the proposal, adoption and the CSV table. `views` serves raters (/job-analysis), `admin_views` and
`admin_results_views` the admins (/admin/job-analysis).
"""

from certify.feature import FeatureBlueprint
from certify.security.rules import ADMIN, owner

RATER_ROLES = ("assessor", "adjudicator", "admin")

bp = FeatureBlueprint(
    "job_analysis",
    __name__,
    url_prefix="/job-analysis",
    routes=("views",),
    access={
        # Raters see and rate only the studies they are invited to (403 for anyone else)
        "index": owner(*RATER_ROLES),
        "study": owner(*RATER_ROLES),
    },
)

admin_bp = FeatureBlueprint(
    "job_analysis_admin",
    __name__,
    url_prefix="/admin/job-analysis",
    routes=("admin_views", "admin_results_views"),
    access={
        # Admins create studies, edit their tasks, invite raters, open and close them
        "index": ADMIN,
        "study": ADMIN,
        "add_task": ADMIN,
        "remove_task": ADMIN,
        "invite": ADMIN,
        "open_study": ADMIN,
        "close_study": ADMIN,
        # Results, the proposed blueprint and its adoption; the results as CSV
        "results": ADMIN,
        "adopt": ADMIN,
        "results_csv": ADMIN,
    },
)
