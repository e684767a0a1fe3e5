"""Administration's own pages: the overview (work queue), people, accommodations, outgoing mail and the audit log.

Each feature administers itself under /admin through its own `admin_bp` (items and banks in
`assessments`, certificates in `certificates`, and so on).
"""

from certify.feature import FeatureBlueprint
from certify.security.rules import ADMIN

bp = FeatureBlueprint(
    "admin",
    __name__,
    url_prefix="/admin",
    routes=("views",),
    access={
        "index": ADMIN,
        "users": ADMIN,
        "create_user": ADMIN,
        "edit_user": ADMIN,
        "force_logout": ADMIN,
        "send_reset_link": ADMIN,
        "accommodation": ADMIN,
        "outbox": ADMIN,
        "audit_log": ADMIN,
    },
)
