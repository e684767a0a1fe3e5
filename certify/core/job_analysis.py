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
- **Blueprint proposal**: the weights feed `certify.core.blueprint_proposal`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SCALE = (1, 2, 3, 4, 5)
SCALES = ("importance", "frequency", "criticality")
NULL_VARIANCE = (len(SCALE) ** 2 - 1) / 12  # uniform "no agreement" variance of a 5-point scale: 2.0


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
