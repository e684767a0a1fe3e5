"""Design portfolios: drafting, evidence, immutable submitted versions and appeals."""

from certify.feature import FeatureBlueprint
from certify.security.rules import owner, role

bp = FeatureBlueprint(
    "portfolios",
    __name__,
    url_prefix="/portfolio",
    routes=("views",),
    access={
        # Portfolios: a candidate's own, loaded through services that return only their own objects
        "edit": role("candidate"),
        "save": role("candidate"),
        "save_plan": role("candidate"),
        "autosave": role("candidate"),
        "upload": role("candidate"),
        "preview": role("candidate"),
        "submit": role("candidate"),
        "remove_file": owner("candidate"),
        "download": owner("candidate"),
        "version": owner("candidate"),
        "appeal": owner("candidate"),
    },
    writing_reads=(
        "edit",
        "preview",
    ),  # creates the empty portfolio on first visit
)
