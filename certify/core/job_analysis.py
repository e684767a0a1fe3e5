"""Job-task analysis: task criticality, competency weights, rater agreement and the blueprint they propose.

Subject-matter experts (SMEs) rate every task of a study on three 1-5 scales: importance (how much
the task matters to doing the job well), frequency (how often a practitioner does it) and
criticality (how much harm a poor performance does). The figures here are pure functions of those
ratings; the service passes only raters who rated every task, so each matrix is complete.

- **Criticality index** of a task for one rater: ``I x (F + C) / 2`` (1 to 25). Importance scales
  the average of frequency and consequence. A purely multiplicative ``I x F`` under-weights rare
  but critical tasks, which a certification must keep (Raymond, 2001, "Job analysis and the
  specification of content for licensure and certification examinations", *Applied Measurement
  in Education* 14(4); Raymond & Neustel, 2006, in *Handbook of Test Development*): averaging
  frequency with criticality lets either one carry a task.
- **Task weight**: the task's mean index over raters, as a percentage of the sum of all tasks'
  mean indices (so task weights add up to 100 %). A **competency weight** is the sum of its tasks'
  weights: the tasks sample the job, so a competency with more (or more critical) tasks weighs more.
- **Agreement among raters**:
  - ICC(2,1) and ICC(2,k) of the index, tasks as targets and raters as a random facet, absolute
    agreement (Shrout & Fleiss, 1979, *Psychological Bulletin* 86(2); McGraw & Wong, 1996's
    ICC(A,1)/ICC(A,k)), from the two-way ANOVA mean squares. ICC(2,k) is the reliability of the
    panel's mean index, the figure the weights rest on.
  - r_wg per task and scale (James, Demaree & Wolf, 1984, *Journal of Applied Psychology* 69(1)):
    ``1 - s^2 / sigma^2_EU`` with the uniform null ``sigma^2_EU = (A^2 - 1) / 12`` = 2 for A = 5
    options; set to 0 when the observed variance exceeds the null (as James et al. advise).
  - Kendall's W across tasks: how far the raters rank the tasks' indices alike, 0 (no agreement)
    to 1 (identical rankings), with the correction for tied ranks (Kendall & Babington Smith,
    1939; Siegel & Castellan, 1988, section 9.4). ``chi^2 = m (n - 1) W`` on ``n - 1`` df.
- **Blueprint proposal**: items per competency from the competency weights by largest-remainder
  (Hamilton) apportionment to the exam length; each competency's items then split across Bloom
  levels by the same apportionment of its level proportions in the current blueprint (the
  whole blueprint's proportions for a competency it does not yet cover); each cell is capped by
  the live items the pool holds for it, the excess moving to the competency's other levels with
  room (largest share first). A competency whose pool cannot hold its count is reported short.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from certify.core.items import BLOOM_LEVELS

SCALE = (1, 2, 3, 4, 5)
SCALES = ("importance", "frequency", "criticality")
NULL_VARIANCE = (len(SCALE) ** 2 - 1) / 12  # uniform "no agreement" variance of a 5-point scale: 2.0
K = TypeVar("K")


@dataclass(frozen=True)
class Rating:
    importance: int
    frequency: int
    criticality: int

    def __post_init__(self) -> None:
        for name in SCALES:
            value = getattr(self, name)
            if value not in SCALE:
                raise ValueError(f"{name} must be a whole number from 1 to 5, not {value!r}")

    @property
    def index(self) -> float:
        """The task's criticality index for this rater: importance x (frequency + criticality) / 2."""
        return criticality_index(self.importance, self.frequency, self.criticality)


def criticality_index(importance: int, frequency: int, criticality: int) -> float:
    return importance * (frequency + criticality) / 2


@dataclass(frozen=True)
class TaskResult:
    task: int
    competency: str
    raters: int
    mean_importance: float
    mean_frequency: float
    mean_criticality: float
    mean_index: float
    weight: float  # percent of the study's total
    rwg: Mapping[str, float | None]  # per scale; None with fewer than two raters


@dataclass(frozen=True)
class Icc:
    """Two-way random-effects ICCs (absolute agreement) and the ANOVA mean squares they come from."""

    single: float | None  # ICC(2,1): one rater
    average: float | None  # ICC(2,k): the mean of k raters
    ms_tasks: float
    ms_raters: float
    ms_error: float


@dataclass(frozen=True)
class KendallW:
    w: float | None  # None when every rater ties every task (no ranking to agree on)
    chi_square: float | None
    df: int


@dataclass(frozen=True)
class StudyAnalysis:
    raters: int
    tasks: tuple[TaskResult, ...]
    competency_weights: Mapping[str, float]  # percent, in the order competencies first appear
    icc: Icc | None  # None with fewer than two raters or two tasks
    kendall: KendallW | None  # same
    mean_rwg: Mapping[str, float | None]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def rwg(values: Sequence[int], *, null_variance: float = NULL_VARIANCE) -> float | None:
    """r_wg of one task on one scale: 1 - s^2 / sigma^2_EU, floored at 0; None with fewer than two raters."""
    if len(values) < 2:
        return None
    mean = _mean([float(v) for v in values])
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return max(0.0, 1.0 - variance / null_variance)


def icc2(matrix: Sequence[Sequence[float]]) -> Icc | None:
    """ICC(2,1) and ICC(2,k) of a tasks x raters matrix (Shrout & Fleiss, 1979), or None below 2 x 2."""
    n = len(matrix)
    k = len(matrix[0]) if n else 0
    if n < 2 or k < 2 or any(len(row) != k for row in matrix):
        return None
    grand = sum(map(sum, matrix)) / (n * k)
    row_means = [sum(row) / k for row in matrix]
    col_means = [sum(row[j] for row in matrix) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((x - grand) ** 2 for row in matrix for x in row)
    ss_error = ss_total - ss_rows - ss_cols
    msr, msc, mse = ss_rows / (n - 1), ss_cols / (k - 1), ss_error / ((n - 1) * (k - 1))
    single_den = msr + (k - 1) * mse + k * (msc - mse) / n
    average_den = msr + (msc - mse) / n
    return Icc(
        single=(msr - mse) / single_den if single_den > 0 else None,
        average=(msr - mse) / average_den if average_den > 0 else None,
        ms_tasks=msr,
        ms_raters=msc,
        ms_error=mse,
    )


def midranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n of the values, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def kendall_w(matrix: Sequence[Sequence[float]]) -> KendallW | None:
    """Kendall's W of a tasks x raters matrix, each rater ranking the tasks, corrected for ties."""
    n = len(matrix)
    m = len(matrix[0]) if n else 0
    if n < 2 or m < 2:
        return None
    ranks = [midranks([row[j] for row in matrix]) for j in range(m)]
    sums = [sum(ranks[j][i] for j in range(m)) for i in range(n)]
    mean_sum = m * (n + 1) / 2
    s = sum((r - mean_sum) ** 2 for r in sums)
    ties = 0.0
    for j in range(m):
        counts: dict[float, int] = {}
        for value in (row[j] for row in matrix):
            counts[value] = counts.get(value, 0) + 1
        ties += sum(t**3 - t for t in counts.values())
    denominator = m * m * (n**3 - n) - m * ties
    if denominator <= 0:
        return KendallW(None, None, n - 1)
    w = 12 * s / denominator
    return KendallW(w, m * (n - 1) * w, n - 1)


def analyse(tasks: Sequence[tuple[int, str]], ratings: Mapping[int, Mapping[int, Rating]]) -> StudyAnalysis:
    """Weights and agreement from complete raters: `tasks` as (task id, competency), `ratings` rater -> task."""
    if not tasks:
        raise ValueError("a study needs at least one task")
    ids = [task for task, _competency in tasks]
    for rater, theirs in ratings.items():
        missing = [task for task in ids if task not in theirs]
        if missing:
            raise ValueError(f"rater {rater} has not rated tasks {missing}; pass only complete raters")
    raters = list(ratings)
    means = {}
    for task in ids:
        given = [ratings[r][task] for r in raters]
        means[task] = _mean([g.index for g in given]) if given else 0.0
    total = sum(means.values())
    results = []
    for task, competency in tasks:
        given = [ratings[r][task] for r in raters]

        def scale_mean(name: str, given: list[Rating] = given) -> float:
            return _mean([float(getattr(g, name)) for g in given]) if given else 0.0

        results.append(
            TaskResult(
                task=task,
                competency=competency,
                raters=len(given),
                mean_importance=scale_mean("importance"),
                mean_frequency=scale_mean("frequency"),
                mean_criticality=scale_mean("criticality"),
                mean_index=means[task],
                weight=100 * means[task] / total if total > 0 else 0.0,
                rwg={name: rwg([getattr(g, name) for g in given]) for name in SCALES},
            )
        )
    weights: dict[str, float] = {}
    for result in results:
        weights[result.competency] = weights.get(result.competency, 0.0) + result.weight
    matrix = [[ratings[r][task].index for r in raters] for task in ids]
    mean_rwg: dict[str, float | None] = {}
    for name in SCALES:
        values = [v for res in results if (v := res.rwg[name]) is not None]
        mean_rwg[name] = _mean(values) if values else None
    return StudyAnalysis(
        raters=len(raters),
        tasks=tuple(results),
        competency_weights=weights,
        icc=icc2(matrix),
        kendall=kendall_w(matrix),
        mean_rwg=mean_rwg,
    )


def largest_remainder(weights: Mapping[K, float], total: int) -> dict[K, int]:
    """Hamilton's apportionment of `total` seats to the weights (ties: larger weight, then given order)."""
    if total < 0:
        raise ValueError("the total must not be negative")
    if any(w < 0 or not math.isfinite(w) for w in weights.values()):
        raise ValueError("weights must be finite and not negative")
    keys = list(weights)
    mass = sum(weights.values())
    if not keys or mass <= 0:
        if total and keys:
            raise ValueError("cannot share items among weights that are all zero")
        return dict.fromkeys(keys, 0)
    quotas = {key: total * weights[key] / mass for key in keys}
    seats = {key: math.floor(quotas[key]) for key in keys}
    left = total - sum(seats.values())
    order = sorted(range(len(keys)), key=lambda i: (-(quotas[keys[i]] - seats[keys[i]]), -weights[keys[i]], i))
    for i in order[:left]:
        seats[keys[i]] += 1
    return seats


@dataclass(frozen=True)
class ProposedCell:
    competency: str
    bloom: str
    wanted: int  # from the level split before the pool cap
    count: int  # what the proposal asks for, after moving excess to levels with room
    pool: int  # live items the pool holds for the cell


@dataclass(frozen=True)
class BlueprintProposal:
    length: int
    per_competency: Mapping[str, int]
    cells: tuple[ProposedCell, ...]
    warnings: tuple[str, ...]
    short: tuple[str, ...]  # competencies whose pool cannot supply their count (adoption is refused)

    @property
    def fits(self) -> bool:
        return not self.short

    def as_blueprint(self) -> list[dict[str, object]]:
        """Non-empty cells in the shape `Assessment.blueprint` stores."""
        return [{"competency": c.competency, "bloom": c.bloom, "count": c.count} for c in self.cells if c.count]


def level_shares(blueprint: Sequence[tuple[str, str, int]]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Per competency its items by Bloom level in a blueprint of (competency, level, count), and the overall split."""
    per: dict[str, dict[str, float]] = {}
    overall: dict[str, float] = {}
    for competency, bloom, count in blueprint:
        per.setdefault(competency, {})
        per[competency][bloom] = per[competency].get(bloom, 0.0) + count
        overall[bloom] = overall.get(bloom, 0.0) + count
    return per, overall


def _level_order(shares: Mapping[str, float]) -> list[str]:
    return sorted(shares, key=lambda b: (-shares[b], BLOOM_LEVELS.index(b) if b in BLOOM_LEVELS else 99, b))


def propose_blueprint(
    weights: Mapping[str, float],
    length: int,
    current: Sequence[tuple[str, str, int]],
    pool: Mapping[tuple[str, str], int],
) -> BlueprintProposal:
    """Items per competency and Bloom level for an exam of `length` items (see the module docstring)."""
    if length < 1:
        raise ValueError("the exam needs at least one item")
    per_competency = largest_remainder(weights, length)
    per_level, overall = level_shares(current)
    if not overall:
        overall = {"apply": 1.0}
    cells: list[ProposedCell] = []
    warnings: list[str] = []
    short: list[str] = []
    for competency, count in per_competency.items():
        shares = per_level.get(competency) or overall
        if competency not in per_level and count:
            warnings.append(f"{competency} is not in the current blueprint: its levels follow the whole blueprint's.")
        wanted = largest_remainder({b: shares[b] for b in _level_order(shares)}, count)
        final = {b: min(n, pool.get((competency, b), 0)) for b, n in wanted.items()}
        excess = sum(wanted.values()) - sum(final.values())
        for bloom, n in wanted.items():
            have = pool.get((competency, bloom), 0)
            if n > have:
                warnings.append(f"{competency}/{bloom}: {n} wanted but the live pool has {have}.")
        levels = _level_order(shares) + sorted(
            {b for (c, b) in pool if c == competency and b not in shares},
            key=lambda b: BLOOM_LEVELS.index(b) if b in BLOOM_LEVELS else 99,
        )
        for bloom in levels:
            room = pool.get((competency, bloom), 0) - final.get(bloom, 0)
            if excess and room > 0:
                moved = min(room, excess)
                final[bloom] = final.get(bloom, 0) + moved
                excess -= moved
                warnings.append(f"{competency}: {moved} item{'s' if moved != 1 else ''} moved to {bloom}.")
        if excess:
            short.append(competency)
            warnings.append(f"{competency} is short: {count} items wanted, the live pool has {count - excess} for it.")
        for bloom in sorted(final, key=lambda b: BLOOM_LEVELS.index(b) if b in BLOOM_LEVELS else 99):
            if final[bloom] or wanted.get(bloom, 0):
                cells.append(
                    ProposedCell(
                        competency, bloom, wanted.get(bloom, 0), final[bloom], pool.get((competency, bloom), 0)
                    )
                )
    return BlueprintProposal(length, per_competency, tuple(cells), tuple(warnings), tuple(short))
