"""Standard setting by the modified-Angoff method: studies, panels, two rounds of ratings, results and adoption.

A study rates a fixed list of item versions: those the admin lists, or by default a random sample of
the live pool stratified by the blueprint's competencies in its proportions (one form's worth unless
a size is given), drawn with a seed made from the study's id. Round 1 is independent; round 2 shows
each item's p-value and the panel's round-1 spread, and panellists re-rate. A panellist has
*submitted* a round once every item of the study has a rating from them in that round: drafts are
partial by definition, and a round's results use only panellists who completed it. The statistics
are pure functions in `certify.core.standard_setting`.

Adopting a study adds a new cut-score version to the assessment. Attempts keep the cut-score
version they started with, so no earlier result changes here; an admin re-decides earlier results
only through the regrade preview.

The service is split along its seams: `angoff_study` (vocabulary, errors, shared lookups),
`angoff_results` (ratings, p-values, progress, round results, adoption preview), `angoff_changes`
(creating a study, saving ratings, advancing and closing rounds), `angoff_adoption` (adopting
round 2's cut), `angoff_quality` (the cut's G-study SE and D study, the blueprint-stratified draw of
items and its coverage, ratings vs observed p, first attempts) and `angoff_export` (the CSV/XLSX
tables). `views` serves the panellists (/standard-setting), `admin_views` the admins.
"""

from certify.feature import FeatureBlueprint
from certify.security.rules import ADMIN, owner

bp = FeatureBlueprint(
    "standard_setting",
    __name__,
    url_prefix="/standard-setting",
    routes=("views",),
    access={
        # Panellists rate only the studies they sit on
        "index": owner("assessor", "adjudicator", "admin"),
        "study": owner("assessor", "adjudicator", "admin"),
    },
)

admin_bp = FeatureBlueprint(
    "standard_setting_admin",
    __name__,
    url_prefix="/admin",
    routes=("admin_views",),
    access={
        # Admins create studies, follow the panel's rounds, read the results and adopt a cut
        "standard_setting": ADMIN,
        "standard_setting_study": ADMIN,
        "standard_setting_advance": ADMIN,
        "standard_setting_close": ADMIN,
        "standard_setting_adopt": ADMIN,
        # The results as files
        "standard_setting_csv": ADMIN,
        "standard_setting_xlsx": ADMIN,
    },
)
