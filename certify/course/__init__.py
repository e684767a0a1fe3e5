"""The MID course: modules, lessons, knowledge checks and progress."""

from certify.feature import FeatureBlueprint
from certify.security.rules import SIGNED_IN

bp = FeatureBlueprint(
    "course",
    __name__,
    url_prefix="/course",
    routes=("views",),
    access={
        # Course (anyone signed in may study it; progress is their own)
        "index": SIGNED_IN,
        "module": SIGNED_IN,
        "lesson": SIGNED_IN,
        "complete_lesson": SIGNED_IN,
        "knowledge_check": SIGNED_IN,
    },
)
