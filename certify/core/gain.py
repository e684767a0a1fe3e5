"""Learning gain that keeps candidates at the ceiling: the gain of means and Marx & Cummings' normalised change.

Hake's per-candidate g = (post - pre) / (100 - pre) (outcomes.py) has to skip everyone with pre = 100
and treats a loss asymmetrically. Two figures that do not:

* Gain of means (Hake 1998), over every candidate:  (mean post - mean pre) / (100 - mean pre);
  undefined only when the mean pre-test score itself is 100.
* Normalised change c (Marx & Cummings 2007, Am. J. Phys. 75:87-91), per candidate, percents pre and post:
      c = (post - pre) / (100 - pre)    if post > pre      (share of the possible gain realised)
      c = (post - pre) / pre            if post < pre      (share of the pre-test score lost)
      c = 0                             if post = pre, except:
      dropped                           if pre = post = 100 or pre = post = 0
  so c lies in [-1, 1], a candidate at 100 on the pre-test who keeps 100 is dropped, one who falls
  to 90 counts with c = -0.1. The class figure is the mean c over the candidates not dropped.
The pre-test reliability (alpha/KR-20 of the pre-test) is passed through unchanged, for display next
to the gain: a gain is only as trustworthy as the pre-test it starts from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def _check_percent(value: float, what: str) -> None:
    try:
        inside = 0.0 <= float(value) <= 100.0  # False for NaN
    except (TypeError, ValueError):
        inside = False
    if not inside:
        raise ValueError(f"{what} must be a percent in [0, 100], not {value!r}")


def normalised_change(pre: float, post: float) -> float | None:
    """Marx & Cummings' c for one candidate's percents; None when they drop the candidate (100/100 or 0/0)."""
    _check_percent(pre, "pre")
    _check_percent(post, "post")
    if post > pre:
        return (post - pre) / (100.0 - pre)
    if post < pre:
        return (post - pre) / pre
    if pre in (0.0, 100.0):
        return None
    return 0.0


@dataclass(frozen=True)
class ChangeSummary:
    """Gain of one group (one competency, one cohort) from paired pre- and post-test percents."""

    n: int  # candidates given
    counted: int  # candidates with a normalised change
    dropped_ceiling: int  # 100 on both tests
    dropped_floor: int  # 0 on both tests
    mean_pre: float | None  # over all n
    mean_post: float | None
    gain_of_means: float | None  # (mean post - mean pre) / (100 - mean pre), over all n
    mean_change: float | None  # mean c over the counted candidates
    changes: tuple[float | None, ...]  # c per candidate in input order, None = dropped
    pretest_reliability: float | None  # passed through for display


def summarise_change(
    pairs: Sequence[tuple[float, float]], *, pretest_reliability: float | None = None
) -> ChangeSummary:
    """Both gain figures for (pre, post) percent pairs, one pair per candidate; ValueError outside [0, 100]."""
    if pretest_reliability is not None and not (math.isfinite(pretest_reliability) and pretest_reliability <= 1.0):
        raise ValueError(f"a reliability must be a finite number at most 1, not {pretest_reliability!r}")
    changes = tuple(normalised_change(pre, post) for pre, post in pairs)
    counted = [c for c in changes if c is not None]
    n = len(pairs)
    mean_pre = math.fsum(pre for pre, _ in pairs) / n if n else None
    mean_post = math.fsum(post for _, post in pairs) / n if n else None
    of_means = None
    if mean_pre is not None and mean_post is not None and mean_pre < 100.0:
        of_means = (mean_post - mean_pre) / (100.0 - mean_pre)
    return ChangeSummary(
        n=n,
        counted=len(counted),
        dropped_ceiling=sum(1 for pre, post in pairs if pre == post == 100.0),
        dropped_floor=sum(1 for pre, post in pairs if pre == post == 0.0),
        mean_pre=mean_pre,
        mean_post=mean_post,
        gain_of_means=of_means,
        mean_change=math.fsum(counted) / len(counted) if counted else None,
        changes=changes,
        pretest_reliability=pretest_reliability,
    )
