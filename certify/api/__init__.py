"""The JSON API under /api/v1: the exam runner's routes (attempts.py) and /me (views.py)."""

from certify.feature import FeatureBlueprint
from certify.security.rules import SIGNED_IN, owner, role

bp = FeatureBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    routes=("views", "attempts"),
    access={
        # JSON API
        "me": SIGNED_IN,
        "assessments": SIGNED_IN,
        "start_attempt": role("candidate"),
        "attempt": owner("candidate"),
        "save_response": owner("candidate"),
        "set_flag": owner("candidate"),
        "submit": owner("candidate"),
        "result": owner("candidate"),
    },
    writing_reads=(
        "attempt",
        "result",
    ),  # finalises an overdue attempt
)
