"""Exams: banks, items and their versions, assessments, cut scores, attempts and scoring."""

from certify.feature import FeatureBlueprint
from certify.security.rules import ADMIN, SIGNED_IN, owner, role

REVIEWERS = role("admin", "assessor")

bp = FeatureBlueprint(
    "assessments",
    __name__,
    url_prefix="/exams",
    routes=("views",),
    access={
        # Exams: the list is for everyone signed in (it explains who may start); attempts are their owner's
        "index": SIGNED_IN,
        "start": role("candidate"),
        "question": owner("candidate"),
        "overview": owner("candidate"),
        "submit": owner("candidate"),
        "result": owner("candidate"),
    },
    # The runner's pages may finalise an overdue attempt, and they start, save and submit: every such write is
    # a conditional statement (the attempt still open, a newer sequence number, one open attempt per exam), so
    # they read before SQLite's write lock is taken and hold it only for their writes (certify.database).
    late_writes=("start", "question", "overview", "submit", "result"),
)

admin_bp = FeatureBlueprint(
    "assessments_admin",
    __name__,
    url_prefix="/admin",
    routes=("admin_views", "import_views"),
    access={
        # Items and banks: browse, import (a preview first, then its confirmation), export, regrade, accept answers
        "items": ADMIN,
        "item": ADMIN,
        "banks": ADMIN,
        "import_confirm": ADMIN,
        "export": ADMIN,
        "regrade": ADMIN,
        "accept_answers": ADMIN,
        # Each assessment's equated pass marks: their state, and re-deciding earlier results
        "equating_page": ADMIN,
    },
)

media_bp = FeatureBlueprint(
    "item_media",
    __name__,
    url_prefix="/media",
    routes=("media_views",),
    # The images items show, to anyone signed in (a candidate sees them in an exam): content-addressed, so a
    # file is reachable only by its sha256, and only files imported as item media are served at all
    access={"media": SIGNED_IN},
)

item_review_bp = FeatureBlueprint(
    "item_review",
    __name__,
    url_prefix="/admin",
    routes=("review_views",),
    access={
        # The item review workflow: admins and assessors review drafts; the service lets only admins approve,
        # move to pilot or send back a reviewed item, and no one review or approve their own item
        "queue": REVIEWERS,
        "review": REVIEWERS,
    },
)
