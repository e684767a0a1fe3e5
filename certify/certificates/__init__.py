"""Certificates: eligibility decisions, issuing, PDFs, signed Open Badges 3.0 credentials and their lifecycle."""

from certify.feature import FeatureBlueprint
from certify.security.rules import ADMIN, PUBLIC, SIGNED_IN, owner

bp = FeatureBlueprint(
    "certificates",
    __name__,
    routes=("views", "wallet_views"),
    access={
        # Certificates: public verification (codes are random and unguessable; misses are rate limited)
        "verify": PUBLIC,
        "check_pdf": PUBLIC,
        "check": PUBLIC,
        "credential_json": PUBLIC,
        "credential_pdf": PUBLIC,
        "status_list": PUBLIC,
        "issuer": PUBLIC,
        "achievement": PUBLIC,
        # A holder's own certificates
        "wallet": SIGNED_IN,
        "log_development": SIGNED_IN,
        "log_outcome_development": SIGNED_IN,  # the holder's own attested outcomes only (checked in the service)
        "renew": owner("candidate"),
    },
)

admin_bp = FeatureBlueprint(
    "certificates_admin",
    __name__,
    url_prefix="/admin",
    routes=("admin_views", "renewal_admin_views"),
    access={
        # Certificate administration
        "certificates": ADMIN,
        "issue_certificate": ADMIN,
        "issue_all_certificates": ADMIN,
        "certificate": ADMIN,
        "certificate_action": ADMIN,
        "certificate_exam": ADMIN,
        "renewals_queue": ADMIN,
        "renewal": ADMIN,
        "decide_renewal": ADMIN,
    },
)
