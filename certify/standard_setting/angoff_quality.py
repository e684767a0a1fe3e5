"""Modified-Angoff standard setting: how good the study's evidence is.

- the cut's precision from a raters x items G study (`certify.core.generalizability`): the SE when
  both panellists and items are seen as samples (the one to quote), the SE over panellists only, and
  a D study projecting the SE to more items and more panellists;
- which items to rate by default: a stratified random sample across the blueprint's competencies
  (`certify.core.angoff_sampling`), seeded from the study, and how the items rated cover the blueprint;
- whether the panel's item means track the items' observed p-values (each candidate's first scored
  attempt where the item was presented in one, else every scored attempt);
- which attempts count as observed: each candidate's first scored attempt at the assessment.

How a study runs is told in `certify.standard_setting`'s docstring; callers import the module they need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from certify.assessments.attempt_models import Attempt, AttemptItem
from certify.assessments.models import Assessment, ItemVersion
from certify.core.angoff_sampling import SamplingError, allocate, stratified_sample
from certify.core.generalizability import CutPrecision, VarianceComponents, cut_precision, d_study
from certify.core.item_analysis import correlation
from certify.extensions import db

RECOMMENDED_PANEL = 10  # the D study's panel when the panel is smaller: 8 to 10 is the usual advice
MIN_CORRELATED_ITEMS = 3
TRACKS = 0.5  # r at or above: the panel's judgements track the observed difficulty
LOOSE = 0.3  # r at or above (and below TRACKS): they track it loosely


# --- Which attempts are observed ------------------------------------------------------------------


def first_attempts(assessment_id: int) -> Select[tuple[int]]:
    """Ids of each candidate's first scored attempt at the assessment (the lowest attempt number scored)."""
    firsts = (
        select(Attempt.user_id, func.min(Attempt.number).label("number"))
        .where(Attempt.assessment_id == assessment_id, Attempt.status == "scored")
        .group_by(Attempt.user_id)
        .subquery()
    )
    return (
        select(Attempt.id)
        .join(firsts, (Attempt.user_id == firsts.c.user_id) & (Attempt.number == firsts.c.number))
        .where(Attempt.assessment_id == assessment_id, Attempt.status == "scored")
    )


def first_attempt_p_values(assessment_id: int, version_ids: Sequence[int]) -> dict[int, tuple[float, int]]:
    """item version id -> (mean credit, first attempts presenting it), over candidates' first scored attempts."""
    rows = db.session.execute(
        select(AttemptItem.item_version_id, func.avg(AttemptItem.credit), func.count())
        .where(
            AttemptItem.attempt_id.in_(first_attempts(assessment_id)),
            AttemptItem.credit.is_not(None),
            AttemptItem.item_version_id.in_(list(version_ids)),
        )
        .group_by(AttemptItem.item_version_id)
    ).all()
    return {version_id: (float(mean), int(n)) for version_id, mean, n in rows}


# --- The cut's precision --------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundPrecision:
    """A round's G study and the D study the page quotes."""

    components: VarianceComponents
    observed: CutPrecision
    more_items: CutPrecision  # the same panel rating `added_items` more items
    more_raters: CutPrecision  # `added_raters` more panellists rating the same items
    both: CutPrecision
    added_items: int
    added_raters: int


def precision(matrix: Sequence[Sequence[float]]) -> RoundPrecision | None:
    """The G and D study of a complete raters x items matrix; None below 2 panellists or 2 items."""
    if len(matrix) < 2 or len(matrix[0]) < 2:
        return None
    components, observed = cut_precision(matrix)
    raters, items = observed.n_raters, observed.n_items
    add_items = items  # twice as many items
    add_raters = max(RECOMMENDED_PANEL - raters, 2)
    return RoundPrecision(
        components,
        observed,
        d_study(components, raters, items + add_items),
        d_study(components, raters + add_raters, items),
        d_study(components, raters + add_raters, items + add_items),
        add_items,
        add_raters,
    )


def precision_record(found: RoundPrecision | None) -> dict[str, object] | None:
    """The G and D study as stored with an adopted cut (fields are only ever added)."""
    if found is None:
        return None
    c, o = found.components, found.observed
    return {
        "design": "raters x items, fully crossed",
        "sigma2_raters": c.raters,
        "sigma2_items": c.items,
        "sigma2_residual": c.residual,
        "sigma2_raters_estimate": c.raters_estimate,
        "sigma2_items_estimate": c.items_estimate,
        "se_raters_items": o.se,
        "se_raters_items_percent": o.se_percent,
        "se_raters_only": o.se_raters_only,
        "se_raters_only_percent": o.se_raters_only_percent,
        "d_study": {
            "more_items": {"items": found.more_items.n_items, "se_percent": found.more_items.se_percent},
            "more_panellists": {"panellists": found.more_raters.n_raters, "se_percent": found.more_raters.se_percent},
            "both": {
                "items": found.both.n_items,
                "panellists": found.both.n_raters,
                "se_percent": found.both.se_percent,
            },
        },
    }


# --- The blueprint --------------------------------------------------------------------------------


def blueprint_shares(assessment: Assessment) -> dict[str, int]:
    """Competency -> the blueprint's item count, in blueprint order."""
    shares: dict[str, int] = {}
    for cell in assessment.blueprint:
        shares[cell["competency"]] = shares.get(cell["competency"], 0) + int(cell["count"])
    return {code: count for code, count in shares.items() if count > 0}


def study_seed(study_id: int) -> str:
    return f"angoff-study-{study_id}"


def draw(assessment: Assessment, pool: Sequence[ItemVersion], size: int, seed: str) -> list[int]:
    """A stratified random sample of the pool; SamplingError (with its reason) when it cannot be drawn."""
    shares = blueprint_shares(assessment)
    in_blueprint = [(v.id, v.competency_code) for v in pool if v.competency_code in shares]
    return stratified_sample(in_blueprint, shares, size, seed=seed)


@dataclass(frozen=True)
class CoverageRow:
    competency: str
    rated: int
    rated_share: float  # of the items rated
    blueprint: int  # the blueprint's items for it (0 when not on the blueprint)
    blueprint_share: float
    expected: int  # what a proportional draw of this study's size gives it


def coverage(assessment: Assessment, versions: Sequence[ItemVersion]) -> list[CoverageRow]:
    """Items rated per competency beside the blueprint's share (blueprint order, then any others)."""
    shares = blueprint_shares(assessment)
    total = sum(shares.values())
    rated: dict[str, int] = {}
    for version in versions:
        rated[version.competency_code] = rated.get(version.competency_code, 0) + 1
    try:
        expected = allocate(shares, len(versions)) if shares else {}
    except SamplingError:
        expected = {}
    size = len(versions) or 1
    return [
        CoverageRow(
            code,
            rated.get(code, 0),
            rated.get(code, 0) / size,
            shares.get(code, 0),
            shares.get(code, 0) / total if total else 0.0,
            expected.get(code, 0),
        )
        for code in [*shares, *sorted(set(rated) - set(shares))]
    ]


# --- Ratings against observed difficulty ----------------------------------------------------------


@dataclass(frozen=True)
class RatingsVsP:
    """Pearson r between the items' mean rating and their observed p-value."""

    r: float | None
    items: int  # items with both a mean rating and a p-value
    from_first: int  # of those, p from first attempts
    responses: int  # attempts behind the p-values
    level: str  # "tracks", "loose", "low", "negative", "none"
    reading: str


def ratings_vs_p(
    means: Mapping[int, float], first: Mapping[int, tuple[float, int]], every: Mapping[int, tuple[float, int]]
) -> RatingsVsP:
    """Correlate item means with p (first attempts where the item has them, else every scored attempt)."""
    pairs: list[tuple[float, float]] = []
    from_first = responses = 0
    for version_id, mean in means.items():
        found = first.get(version_id)
        if found is not None:
            from_first += 1
        else:
            found = every.get(version_id)
        if found is not None:
            pairs.append((mean, found[0]))
            responses += found[1]
    n = len(pairs)
    r = correlation([m for m, _ in pairs], [p for _, p in pairs]) if n >= MIN_CORRELATED_ITEMS else None
    if r is None:
        reason = (
            f"only {n} item{'s' if n != 1 else ''} with observed data"
            if n < MIN_CORRELATED_ITEMS
            else "the ratings or the p-values do not vary"
        )
        return RatingsVsP(None, n, from_first, responses, "none", f"No correlation: {reason}.")
    few = f" With {n} items r is imprecise." if n < 10 else ""
    if r >= TRACKS:
        level, reading = "tracks", "The panel's judgements track the observed difficulty."
    elif r >= LOOSE:
        level, reading = "loose", "The panel's judgements track the observed difficulty only loosely."
    elif r >= 0:
        level = "low"
        reading = (
            "Warning: the panel's judgements barely follow the observed difficulty; discuss the items before adopting."
        )
    else:
        level = "negative"
        reading = (
            "Warning: the panel rates the items candidates find hard as easier than those they find easy;"
            " review the ratings (and the keys) before adopting."
        )
    return RatingsVsP(r, n, from_first, responses, level, reading + few)
