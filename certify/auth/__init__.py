"""Accounts: signing in and out, registration, passwords, sessions and API tokens."""

from certify.feature import FeatureBlueprint
from certify.security.rules import PUBLIC, SIGNED_IN

bp = FeatureBlueprint(
    "auth",
    __name__,
    url_prefix="/auth",
    routes=("views",),
    access={
        # Accounts
        "login": PUBLIC,
        "register": PUBLIC,
        "forgot_password": PUBLIC,
        "reset_password": PUBLIC,
        "logout": SIGNED_IN,
        "account": SIGNED_IN,
        "change_password": SIGNED_IN,
        "sign_out_everywhere": SIGNED_IN,
    },
)
