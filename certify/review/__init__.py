"""Portfolio review: the rubric, allocations, blind double marking, adjudication, appeals and conflicts."""

from certify.feature import FeatureBlueprint
from certify.security.rules import ADMIN, owner, role

bp = FeatureBlueprint(
    "review",
    __name__,
    url_prefix="/review",
    routes=("views",),
    access={
        # Review: assessors (adjudicators are assessors too); allocations are loaded only for their assessor
        "index": role("assessor", "adjudicator"),
        "calibration": role("assessor", "adjudicator"),
        "conflicts": role("assessor", "adjudicator"),
        "allocation": owner("assessor", "adjudicator"),
        "save": owner("assessor", "adjudicator"),
        "autosave": owner("assessor", "adjudicator"),
        "download": owner("assessor", "adjudicator"),
        "declare_conflict_here": owner("assessor", "adjudicator"),
    },
    writing_reads=("allocation",),  # takes the review lock
)

admin_bp = FeatureBlueprint(
    "review_admin",
    __name__,
    url_prefix="/admin",
    routes=("admin_views",),
    access={
        # Administration of portfolio assessment (admins see identities; assessors never do)
        "portfolios": ADMIN,
        "portfolio": ADMIN,
        "allocate_portfolio": ADMIN,
        "reallocate_review": ADMIN,
        "appeals": ADMIN,
        "allocate_appeal": ADMIN,
        "conflicts": ADMIN,
    },
)
