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
    # Every write of the runner API is one conditional statement, or starts with one (an overdue attempt
    # closed only while still open, a save only with a newer sequence number, one open attempt per exam):
    # its reads run before SQLite's write lock is taken (certify.database).
    late_writes=("start_attempt", "attempt", "save_response", "set_flag", "submit", "result"),
)
