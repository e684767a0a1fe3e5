"""Rater severity and consistency from a many-facet Rasch model (Linacre's Facets), estimated by JMLE.

The model, for a rating of candidate n on criterion i by rater j on levels 1..K:

    log(P(level k) / P(level k-1)) = theta_n - delta_i - rho_j - tau_k        (k = 2..K)

theta is the candidate's measure, delta the criterion's difficulty, rho the rater's SEVERITY and tau
the Andrich thresholds shared by all criteria and raters (rating scale model). All in logits.
Sign convention: a POSITIVE severity is SEVERE (that rater gives lower levels than the average rater
to the same work); negative is lenient. (`psychometrics.severity` has the opposite sign.)

Identification: criterion difficulties, rater severities and thresholds each sum to zero over the
elements estimated, so candidate measures carry the location.

Estimation: joint maximum likelihood (JMLE), full Newton-Raphson on all parameters at once (the
candidate block is diagonal, so each step eliminates it first and costs little), each step capped at
MAX_STEP logits and halved while the likelihood falls; converged when the largest step is below the
tolerance. Standard errors are from the full inverse information under the centring constraints
(so a rater's SE includes the uncertainty of the candidates it shares), not Facets' local "model SE".
JMLE is known to spread estimates by about L / (L - 1) when each candidate has only L ratings;
`FacetsFit.bias_factor` reports (L - 1) / L for the mean L, and is not applied.

Extreme elements (all ratings at the lowest or all at the highest level) have no finite estimate:
they are left out of the estimation (round by round, as Facets does) and then measured with
everything else anchored, at a score 0.3 points in from the extreme (Linacre's adjustment); their
fit statistics are None. An element whose ratings all involve extreme elements is measured the
same way at its own score. Fit statistics use the estimated (non-extreme) ratings only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from certify.core.facets_design import RatingLike, check_connected, code_ratings, facet_index, parse_ratings, subset
from certify.core.facets_extremes import find_extremes, measure_remaining
from certify.core.facets_model import (
    Design,
    FloatArray,
    Measures,
    category_probabilities,
    information,
    log_likelihood,
    moments,
    newton_step,
    score,
    small_basis,
    standard_errors,
)

TENTATIVE_PORTFOLIOS = 10  # a rater measured on fewer portfolios than this is shown as tentative
MAX_STEP = 1.0  # logits: the largest change a Newton step may make to any measure


@dataclass(frozen=True)
class ElementFit:
    """Infit (information-weighted) and outfit (unweighted) mean squares: about 1 when the model fits."""

    infit: float | None
    outfit: float | None


@dataclass(frozen=True)
class RaterMeasure:
    rater: Hashable
    severity: float  # logits; positive = severe (lower levels than the average rater), negative = lenient
    se: float
    infit: float | None  # consistency: well above 1 (say > 1.3) is erratic, well below 1 too predictable
    outfit: float | None
    ratings: int
    portfolios: int  # distinct candidates (portfolios) this rater rated
    tentative: bool  # fewer portfolios than the configured minimum
    extreme: str | None  # "minimum" / "maximum" when every rating was at one end: adjusted, not estimated


@dataclass(frozen=True)
class CriterionMeasure:
    criterion: Hashable
    difficulty: float  # logits; positive = harder to reach high levels on
    se: float
    infit: float | None
    outfit: float | None
    ratings: int
    extreme: str | None


@dataclass(frozen=True)
class CandidateMeasure:
    candidate: Hashable
    measure: float  # logits
    se: float
    infit: float | None
    outfit: float | None
    ratings: int
    extreme: str | None


@dataclass(frozen=True)
class FacetsFit:
    levels: int
    raters: Mapping[Hashable, RaterMeasure]
    criteria: Mapping[Hashable, CriterionMeasure]
    candidates: Mapping[Hashable, CandidateMeasure]
    thresholds: tuple[float, ...]  # tau_2..tau_K: where levels k-1 and k are equally likely (eta = tau_k)
    threshold_se: tuple[float, ...]
    log_likelihood: float  # of the estimated (non-extreme) ratings
    iterations: int
    converged: bool
    max_score_residual: float  # largest |observed - expected| total of any estimated element at the end
    bias_factor: float  # (L - 1) / L, L = mean ratings per estimated candidate (JMLE's spread; not applied)


def _start(design: Design) -> Measures:
    top = design.categories - 1
    mean = np.bincount(design.candidate, design.score, design.n_candidates) / np.bincount(
        design.candidate, minlength=design.n_candidates
    )
    counts = np.bincount(design.score, minlength=design.categories) + 0.5
    tau = np.log(counts[:-1] / counts[1:])
    return Measures(
        np.log((mean + 0.5) / (top - mean + 0.5)),
        np.zeros(design.n_criteria),
        np.zeros(design.n_raters),
        tau - tau.mean(),
    )


def _estimate(design: Design, tolerance: float, max_iterations: int) -> tuple[Measures, int, bool]:
    basis = small_basis(design.n_criteria, design.n_raters, design.categories)
    measures = _start(design)
    current = log_likelihood(design, measures)
    for iteration in range(1, max_iterations + 1):
        fitted = moments(category_probabilities(measures.eta(design), measures.tau))
        g_theta, g_small = score(design, fitted)
        d_theta, d_small = newton_step(g_theta, g_small, information(design, fitted), basis)
        largest = float(max(np.abs(d_theta).max(), np.abs(d_small).max(initial=0.0)))
        factor = min(1.0, MAX_STEP / largest) if largest > 0 else 1.0
        for _ in range(40):
            trial = measures.moved(factor * d_theta, factor * d_small)
            value = log_likelihood(design, trial)
            if value >= current - 1e-10 * abs(current):
                break
            factor /= 2
        measures, current = trial, value
        if largest * factor < tolerance:
            return measures, iteration, True
    return measures, max_iterations, False


def _fit_statistics(
    design: Design, expected: FloatArray, variance: FloatArray, facet: int, size: int
) -> list[ElementFit]:
    index = facet_index(design, facet)
    squared = (design.score - expected) ** 2
    count = np.bincount(index, minlength=size)
    outfit = np.bincount(index, squared / variance, size) / np.maximum(count, 1)
    infit = np.bincount(index, squared, size) / np.maximum(np.bincount(index, variance, size), 1e-300)
    return [ElementFit(float(a), float(b)) for a, b in zip(infit, outfit, strict=True)]


def fit_facets(
    ratings: Iterable[RatingLike],
    levels: int = 4,
    *,
    min_portfolios: int = TENTATIVE_PORTFOLIOS,
    tolerance: float = 1e-6,
    max_iterations: int = 100,
) -> FacetsFit:
    """Fit the many-facet rating scale model to ratings (candidate, criterion, rater, level[, time]).

    Levels run from 1 to `levels`. Raises ValueError on an empty list, a level outside 1..levels, a
    rating repeated, a level no estimated rating uses, or a disconnected design (DisconnectedDesign,
    which lists the subsets).
    """
    parsed = parse_ratings(ratings, levels)
    coded = code_ratings(parsed, levels)
    full = coded.design
    active, extremes = find_extremes(full)
    if not active.any():
        raise ValueError("every rating belongs to an element rated only at the lowest or only at the highest level")
    design, originals = subset(full, active)
    unused = [level + 1 for level in range(levels) if not (design.score == level).any()]
    if unused:
        raise ValueError(
            f"no estimable rating uses level(s) {', '.join(map(str, unused))}: thresholds cannot be estimated "
            "(collapse the scale or gather more ratings)"
        )
    check_connected(design, [coded.ids[1][e] for e in originals[1]], [coded.ids[2][e] for e in originals[2]])
    measures, iterations, converged = _estimate(design, tolerance, max_iterations)
    fitted = moments(category_probabilities(measures.eta(design), measures.tau))
    se_theta, se_small = standard_errors(information(design, fitted), small_basis(*_sizes(design)))
    g_theta, g_small = score(design, fitted)

    values = [np.full(full.n_candidates, np.nan), np.full(full.n_criteria, np.nan), np.full(full.n_raters, np.nan)]
    errors = [v.copy() for v in values]
    n_i, n_r = design.n_criteria, design.n_raters
    estimated = (measures.theta, measures.delta, measures.rho)
    estimated_se = (se_theta, se_small[:n_i], se_small[n_i : n_i + n_r])
    fits: list[dict[int, ElementFit]] = []
    for facet in range(3):
        values[facet][originals[facet]] = estimated[facet]
        errors[facet][originals[facet]] = estimated_se[facet]
        size = originals[facet].size
        stats = _fit_statistics(design, fitted.expected, fitted.variance, facet, size)
        fits.append({int(originals[facet][e]): stats[e] for e in range(size)})
    kinds = measure_remaining(full, measures.tau, values, errors, extremes)

    def fit_of(facet: int, element: int) -> ElementFit:
        return fits[facet].get(element, ElementFit(None, None))

    counts = [np.bincount(facet_index(full, f), minlength=v.size) for f, v in enumerate(values)]
    portfolios = [len(set(full.candidate[full.rater == j].tolist())) for j in range(full.n_raters)]
    return FacetsFit(
        levels=levels,
        raters={
            rater: RaterMeasure(
                rater,
                float(values[2][j]),
                float(errors[2][j]),
                fit_of(2, j).infit,
                fit_of(2, j).outfit,
                int(counts[2][j]),
                portfolios[j],
                portfolios[j] < min_portfolios,
                kinds[2].get(j),
            )
            for j, rater in enumerate(coded.ids[2])
        },
        criteria={
            criterion: CriterionMeasure(
                criterion,
                float(values[1][i]),
                float(errors[1][i]),
                fit_of(1, i).infit,
                fit_of(1, i).outfit,
                int(counts[1][i]),
                kinds[1].get(i),
            )
            for i, criterion in enumerate(coded.ids[1])
        },
        candidates={
            candidate: CandidateMeasure(
                candidate,
                float(values[0][n]),
                float(errors[0][n]),
                fit_of(0, n).infit,
                fit_of(0, n).outfit,
                int(counts[0][n]),
                kinds[0].get(n),
            )
            for n, candidate in enumerate(coded.ids[0])
        },
        thresholds=tuple(float(t) for t in measures.tau),
        threshold_se=tuple(float(s) for s in se_small[n_i + n_r :]),
        log_likelihood=log_likelihood(design, measures),
        iterations=iterations,
        converged=converged,
        max_score_residual=float(max(np.abs(g_theta).max(), np.abs(g_small).max())),
        bias_factor=1.0 - design.n_candidates / design.score.size,
    )


def _sizes(design: Design) -> tuple[int, int, int]:
    return design.n_criteria, design.n_raters, design.categories
