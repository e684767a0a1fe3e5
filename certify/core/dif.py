"""Mantel-Haenszel differential item functioning (DIF) of a 0/1 item between a reference and a focal group.

Candidates are matched on a stratum (the total score, the studied item included, as Holland & Thayer
1988 recommend). In stratum k, with T_k candidates:
                 right   wrong
    reference     A_k     B_k
    focal         C_k     D_k
Strata with fewer than two candidates or only one group carry no information and are left out.

* Common odds ratio  alpha_MH = sum(A_k D_k / T_k) / sum(B_k C_k / T_k)  (odds of success, reference over focal)
* MH D-DIF = -2.35 ln(alpha_MH) (the ETS delta metric): negative = the item is harder for the focal group
  than for reference candidates of the same score ("favours reference").
* Its standard error: 2.35 sqrt(Var ln alpha_MH), the Robins-Breslow-Greenland (1986) variance in
  the form of Phillips & Holland (1987), with R_k = A_k D_k/T_k, S_k = B_k C_k/T_k,
  P_k = (A_k + D_k)/T_k, Q_k = (B_k + C_k)/T_k, R = sum R_k, S = sum S_k:
      Var = sum P_k R_k / (2 R^2) + sum (P_k S_k + Q_k R_k) / (2 R S) + sum Q_k S_k / (2 S^2).
* MH chi-square with the continuity correction, 1 df:
      (|sum A_k - sum E(A_k)| - 1/2)^2 / sum Var(A_k),
      E(A_k) = n_Rk m_1k / T_k,   Var(A_k) = n_Rk n_Fk m_1k m_0k / (T_k^2 (T_k - 1))
  (n_Rk, n_Fk group sizes, m_1k, m_0k right and wrong in the stratum).
* ETS category (Dorans & Holland 1993; Zwick 2012), the exact rule implemented, at level `alpha` (0.05):
      A  if |D| < 1, or the MH chi-square is not significant (p >= alpha);
      C  if |D| >= 1.5 and |D| is significantly greater than 1: (|D| - 1) / SE > z_(1 - alpha)
         (a one-sided z test; 1.645 at alpha = 0.05);
      B  otherwise.
Below `min_group` candidates in either group the status is "insufficient_data" and there is no
category; the statistics are still given when they can be computed, for exports.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np
import numpy.typing as npt

DELTA = 2.35  # ETS delta scale: 4 / 1.7
MIN_GROUP = 100  # candidates per group before a DIF category is given

Category = Literal["A", "B", "C"]


@dataclass(frozen=True)
class DifResult:
    """Mantel-Haenszel DIF statistics of one item; None where a statistic is undefined."""

    status: Literal["ok", "insufficient_data"]
    n_reference: int
    n_focal: int
    strata: int  # informative strata used
    alpha_mh: float | None
    d_dif: float | None
    se_d_dif: float | None
    chi_square: float | None
    p_value: float | None
    category: Category | None
    favours: Literal["reference", "focal"] | None  # the group the item is easier for, at equal score


def ets_category(d_dif: float, se: float, p_value: float, alpha: float = 0.05) -> Category:
    """The ETS A/B/C category from MH D-DIF, its SE and the chi-square p value (rule in the module docstring)."""
    if not 0.0 < alpha < 1.0:
        raise ValueError("alpha must lie strictly between 0 and 1")
    size = abs(d_dif)
    if size < 1.0 or p_value >= alpha:
        return "A"
    if size >= 1.5 and se > 0.0 and (size - 1.0) / se > NormalDist().inv_cdf(1.0 - alpha):
        return "C"
    return "B"


def mh_statistics(
    tables: npt.ArrayLike,
) -> tuple[float | None, float | None, float | None, float | None, float | None, int]:
    """(alpha_MH, D-DIF, SE of D-DIF, chi-square, p value, informative strata) from rows (A, B, C, D) per stratum."""
    counts = np.asarray(tables, dtype=np.float64).reshape(-1, 4)
    if np.any(counts < 0.0) or not np.all(np.isfinite(counts)):
        raise ValueError("stratum counts must be finite and non-negative")
    a, b, c, d = counts.T
    t = counts.sum(axis=1)
    n_ref, n_focal = a + b, c + d
    keep = (t >= 2.0) & (n_ref > 0.0) & (n_focal > 0.0)
    a, b, c, d, t, n_ref, n_focal = (x[keep] for x in (a, b, c, d, t, n_ref, n_focal))
    right, wrong = a + c, b + d
    variance_a = float(np.sum(n_ref * n_focal * right * wrong / (t * t * (t - 1.0))))
    chi_square = p_value = None
    if variance_a > 0.0:
        excess = abs(float(np.sum(a)) - float(np.sum(n_ref * right / t)))
        chi_square = max(0.0, excess - 0.5) ** 2 / variance_a
        p_value = math.erfc(math.sqrt(chi_square / 2.0))
    r_k, s_k = a * d / t, b * c / t
    r, s = float(np.sum(r_k)), float(np.sum(s_k))
    if r <= 0.0 or s <= 0.0:
        return None, None, None, chi_square, p_value, int(keep.sum())
    p_k, q_k = (a + d) / t, (b + c) / t
    variance = (
        float(np.sum(p_k * r_k)) / (2.0 * r * r)
        + float(np.sum(p_k * s_k + q_k * r_k)) / (2.0 * r * s)
        + float(np.sum(q_k * s_k)) / (2.0 * s * s)
    )
    alpha_mh = r / s
    return alpha_mh, -DELTA * math.log(alpha_mh), DELTA * math.sqrt(variance), chi_square, p_value, int(keep.sum())


def stratum_tables(correct: Sequence[int], focal: Sequence[bool], strata: Sequence[Hashable]) -> npt.NDArray[np.int64]:
    """Rows (A, B, C, D) per stratum, in order of first appearance, from one entry per candidate."""
    if not len(correct) == len(focal) == len(strata):
        raise ValueError(f"{len(correct)} scores, {len(focal)} group labels and {len(strata)} strata: one each")
    slot: dict[Hashable, int] = {}
    rows: list[list[int]] = []
    for score, is_focal, stratum in zip(correct, focal, strata, strict=True):
        if score not in (0, 1):
            raise ValueError(f"item scores must be 0 or 1, not {score!r}")
        k = slot.setdefault(stratum, len(slot))
        if k == len(rows):
            rows.append([0, 0, 0, 0])
        rows[k][2 * bool(is_focal) + (1 - int(score))] += 1
    return np.array(rows, dtype=np.int64).reshape(-1, 4)


def mantel_haenszel(
    correct: Sequence[int],
    focal: Sequence[bool],
    strata: Sequence[Hashable],
    *,
    min_group: int = MIN_GROUP,
    alpha: float = 0.05,
) -> DifResult:
    """MH DIF of one item: per candidate its 0/1 score, whether they are in the focal group, and their stratum."""
    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    tables = stratum_tables(correct, focal, strata)
    n_focal = int(tables[:, 2:].sum())
    n_reference = int(tables[:, :2].sum())
    alpha_mh, d_dif, se, chi_square, p_value, used = mh_statistics(tables)
    enough = n_reference >= min_group and n_focal >= min_group
    category = None
    if enough and d_dif is not None and se is not None and p_value is not None:
        category = ets_category(d_dif, se, p_value, alpha)
    favours: Literal["reference", "focal"] | None = None
    if d_dif is not None and d_dif != 0.0:
        favours = "reference" if d_dif < 0.0 else "focal"
    return DifResult(
        status="ok" if enough else "insufficient_data",
        n_reference=n_reference,
        n_focal=n_focal,
        strata=used,
        alpha_mh=alpha_mh,
        d_dif=d_dif,
        se_d_dif=se,
        chi_square=chi_square,
        p_value=p_value,
        category=category,
        favours=favours,
    )


def dif_items(
    scores: npt.ArrayLike, focal: Sequence[bool], *, min_group: int = MIN_GROUP, alpha: float = 0.05
) -> list[DifResult]:
    """MH DIF of every column of a complete 0/1 score matrix (candidates x items), matched on the total score."""
    matrix = np.asarray(scores)
    if matrix.ndim != 2 or matrix.shape[0] != len(focal):
        raise ValueError("scores must be a candidates x items matrix with one group label per candidate")
    if not np.all((matrix == 0) | (matrix == 1)):
        raise ValueError("item scores must be 0 or 1")
    totals = matrix.sum(axis=1).astype(int).tolist()
    groups = [bool(g) for g in focal]
    return [
        mantel_haenszel(matrix[:, j].astype(int).tolist(), groups, totals, min_group=min_group, alpha=alpha)
        for j in range(matrix.shape[1])
    ]
