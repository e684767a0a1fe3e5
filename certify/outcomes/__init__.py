"""Outcome evidence for the credential: each holder's outcome plan, follow-ups at 3 and 6 months with their
sponsor's attestation, the Success Case Method, and the programme impact report (issue 17)."""

from certify.feature import FeatureBlueprint
from certify.security.rules import ADMIN, PUBLIC, owner, role

# The holder's follow-ups (their own plan only) and the sponsor's link (no account: the signed token is the key)
bp = FeatureBlueprint(
    "outcomes",
    __name__,
    url_prefix="/outcomes",
    routes=("views",),
    access={
        # The holder's own plans and follow-ups, loaded through services that return only their own rows
        "index": role("candidate"),
        "followup": owner("candidate"),
        "report": owner("candidate"),
        "resend": owner("candidate"),
        "consent": owner("candidate"),
        "new_plan": owner("candidate"),
        "add_plan": owner("candidate"),
        # No account: the single-use token is the key; rate limited per address, CSRF still on the form
        "sponsor_link": PUBLIC,
        "sponsor_respond": PUBLIC,
    },
    writing_reads=("sponsor_link",),  # every request to a sponsor link is counted (rate limit)
)

# The programme impact report and the success cases
admin_bp = FeatureBlueprint(
    "outcomes_admin",
    __name__,
    url_prefix="/admin/outcomes",
    routes=("admin_views",),
    access={
        "report": ADMIN,
        "report_csv": ADMIN,
        "report_xlsx": ADMIN,
        "cases": ADMIN,
        "propose_cases": ADMIN,
        "case_findings": ADMIN,
    },
)

__all__ = ["admin_bp", "bp"]
