"""The site's front page and health check."""

from certify.feature import FeatureBlueprint
from certify.security.rules import PUBLIC

bp = FeatureBlueprint(
    "main",
    __name__,
    routes=("views",),
    access={
        # Site
        "index": PUBLIC,
        "healthz": PUBLIC,
    },
)
