"""The assessors as a many-facet Rasch model reads them, and their agreement on the decision itself.

Severity here is each assessor's own facet in the model (candidate ability, criterion difficulty and
assessor severity estimated together), so it does not lean on a final level that contains the
assessor's own rating, and an inconsistent but unbiased assessor shows as inconsistent (infit and
outfit well above 1), not as lenient. Pass/fail agreement is counted per double-marked portfolio
version, applying the rubric's rule (every criterion at the pass level) to each assessor's levels.
Read only: nothing is flushed or committed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from certify.core import facets, facets_drift, rater_agreement
from certify.core.facets_design import DisconnectedDesign
from certify.core.rubrics import passes
from certify.review.ratings import SubmittedReview, rating_levels, submitted_reviews
from certify.review.services import get_rubric

MIN_PORTFOLIOS = 10  # below this many portfolios an assessor's measure is shown as tentative
DRIFT_WINDOW_DAYS = 90  # severity is re-estimated per window of this many days; the trend is per 30 days
INDEPENDENT_ROLES = ("first", "second")


@dataclass(frozen=True)
class RaterModel:
    status: str  # "ok", "no_data" or "not_estimable"
    message: str
    raters: list[dict[str, Any]] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)
    decisions: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "raters": self.raters,
            "criteria": self.criteria,
            "decisions": self.decisions,
        }


def _rounded(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def _decisions(reviews: list[SubmittedReview], pass_level: int) -> dict[str, Any]:
    by_version: dict[int, dict[str, SubmittedReview]] = defaultdict(dict)
    for review in reviews:
        if review.role in INDEPENDENT_ROLES and review.levels:
            by_version[review.version_id][review.role] = review
    pairs = [
        (passes(roles["first"].levels, pass_level), passes(roles["second"].levels, pass_level))
        for roles in by_version.values()
        if len(roles) == 2
    ]
    result = rater_agreement.decision_agreement(pairs, min_portfolios=MIN_PORTFOLIOS)
    return {
        "portfolios": result.portfolios,
        "both_pass": result.both_pass,
        "both_fail": result.both_fail,
        "split": result.split,
        "agreement": _rounded(result.agreement),
        "kappa": _rounded(result.kappa),
        "tentative": result.tentative,
    }


def rater_model(names: dict[int, str], candidates: Any = None) -> RaterModel:
    """Fit the model to every submitted review (of `candidates`' portfolios when given); `names` by user id."""
    rubric = get_rubric()
    levels = rating_levels(rubric)
    reviews = submitted_reviews(levels, candidates)
    decisions = _decisions(reviews, rubric.pass_min_level if rubric else 3)
    offset = min(levels) - 1  # the model counts levels from 1
    start = min((r.submitted_at for r in reviews), default=None)
    ratings = [
        (r.version_id, code, r.assessor_id, level - offset, (r.submitted_at - start).total_seconds() / 86400)
        for r in reviews
        if start is not None
        for code, level in sorted(r.levels.items())
    ]
    if not ratings:
        return RaterModel("no_data", "No submitted reviews yet.", decisions=decisions)
    unlinked: list[Any] = []
    used = ratings
    try:
        fit = facets.fit_facets(ratings, levels=len(levels), min_portfolios=MIN_PORTFOLIOS)
    except DisconnectedDesign as exc:
        # Assessors who never shared a portfolio with the rest, directly or through others, cannot be put on
        # their scale: measure the largest linked group and name the others.
        groups = sorted(exc.rater_subsets, key=len, reverse=True)
        main = set(groups[0]) if groups and len(groups[0]) > 1 else set()
        unlinked = sorted((r for group in groups[1:] for r in group), key=str)
        linked = [rating for rating in ratings if rating[2] in main]
        try:
            if not linked:
                raise ValueError("no two assessors have rated the same portfolios") from exc
            fit = facets.fit_facets(linked, levels=len(levels), min_portfolios=MIN_PORTFOLIOS)
            used = linked
        except ValueError as inner:
            why = f"The assessors cannot be compared on one scale yet: {inner}"
            return RaterModel("not_estimable", why, decisions=decisions)
    except ValueError as exc:
        why = f"The model cannot be estimated from these reviews yet: {exc}"
        return RaterModel("not_estimable", why, decisions=decisions)
    try:
        drift = facets_drift.severity_drift(used, fit, window_days=DRIFT_WINDOW_DAYS)
    except ValueError:  # e.g. a window where the model cannot place a rater: report no trend rather than fail
        drift = {}
    raters = [
        {
            "id": rater,
            "name": names.get(int(str(rater)), f"User {rater}"),
            "severity": _rounded(m.severity),
            "severity_se": _rounded(m.se),
            "infit": _rounded(m.infit, 2),
            "outfit": _rounded(m.outfit, 2),
            "ratings": m.ratings,
            "portfolios": m.portfolios,
            "tentative": m.tentative,
            "extreme": m.extreme,
            # Change in severity per 30 days, from the linked model (windows of DRIFT_WINDOW_DAYS); None: too few.
            "drift_per_30_days": _rounded(drift[rater].slope_per_30_days) if rater in drift else None,
            "drift_se": _rounded(drift[rater].slope_se) if rater in drift else None,
        }
        for rater, m in fit.raters.items()
    ]
    raters.sort(key=lambda r: (str(r["name"]).casefold(), r["id"]))
    criteria = [
        {"code": code, "difficulty": _rounded(m.difficulty), "se": _rounded(m.se), "infit": _rounded(m.infit, 2)}
        for code, m in sorted(fit.criteria.items(), key=lambda kv: str(kv[0]))
    ]
    notes = [] if fit.converged else ["The estimation did not converge; read the measures with care."]
    if unlinked:
        who = ", ".join(names.get(int(str(r)), f"User {r}") for r in unlinked)
        notes.append(
            f"Not measured: {who}, who share no portfolios with the other assessors (directly or through others); "
            "allocate some portfolios across the groups to link them."
        )
    message = " ".join(notes)
    return RaterModel("ok", message, raters, criteria, decisions)
