"""Modified-Angoff standard setting: studies, their panels, two rounds of ratings, results and adoption.

A study rates a fixed list of item versions (by default the assessment's live pool when it is
created). Round 1 is independent; round 2 shows each item's p-value and the panel's round-1
spread, and panellists re-rate. A panellist has *submitted* a round once every item of the study
has a rating from them in that round: drafts are partial by definition, and a round's results use
only panellists who completed it. The statistics come from `certify.core.standard_setting`.

Adopting a study adds a new cut-score version to the assessment. Attempts keep the cut-score
version they started with, so no earlier result changes here; an admin re-decides earlier results
only through the regrade preview.

The service is split along its seams; this module is the public face and re-exports it all:
`angoff_study` (vocabulary, errors, shared lookups), `angoff_results` (ratings, p-values, progress,
round results, adoption preview), `angoff_changes` (creating a study, saving ratings, advancing and
closing rounds) and `angoff_adoption` (adopting round 2's cut).
"""

from __future__ import annotations

from certify.analysis.angoff_adoption import adopt
from certify.analysis.angoff_changes import Saved, advance, close, create_study, save_ratings
from certify.analysis.angoff_results import (
    ItemRow,
    Progress,
    RoundResult,
    StudyResults,
    adoption_preview,
    my_hofstee,
    my_ratings,
    observed_percents,
    p_values,
    progress,
    ratings,
    results,
    round_result,
)
from certify.analysis.angoff_study import (
    HOFSTEE_FIELDS,
    METHOD,
    PANEL_ROLES,
    ROUNDS,
    STATE_LABELS,
    RatingProblems,
    StudyError,
    adopted_cut,
    assessment_of,
    attempts_before,
    current_round,
    eligible_panellists,
    get_study,
    hofstee_field,
    is_panellist,
    items_of,
    live_pool,
    open_studies_count,
    panel_of,
    rating_field,
    sits_on_a_panel,
    studies,
    studies_for,
    study_for_panellist,
    versions_for_refs,
)

__all__ = [
    "HOFSTEE_FIELDS",
    "METHOD",
    "PANEL_ROLES",
    "ROUNDS",
    "STATE_LABELS",
    "ItemRow",
    "Progress",
    "RatingProblems",
    "RoundResult",
    "Saved",
    "StudyError",
    "StudyResults",
    "adopt",
    "adopted_cut",
    "adoption_preview",
    "advance",
    "assessment_of",
    "attempts_before",
    "close",
    "create_study",
    "current_round",
    "eligible_panellists",
    "get_study",
    "hofstee_field",
    "is_panellist",
    "items_of",
    "live_pool",
    "my_hofstee",
    "my_ratings",
    "observed_percents",
    "open_studies_count",
    "p_values",
    "panel_of",
    "progress",
    "rating_field",
    "ratings",
    "results",
    "round_result",
    "save_ratings",
    "sits_on_a_panel",
    "studies",
    "studies_for",
    "study_for_panellist",
    "versions_for_refs",
]
