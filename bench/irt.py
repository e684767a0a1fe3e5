"""IRT at the size issue 13 names: 2PL by marginal maximum likelihood on 2,000 candidates, each sitting
64 items drawn from a 336-item pool (128,000 responses), within 15 s on two cores, off the request path;
scoring one 64-item attempt (EAP ability and the test characteristic curve's inverse) within 5 ms; and
the equated decision on one attempt (the rule's stored parameters read for the form, the form's cut at
the cut-level ability, the total's ability and scaled score) within 5 ms. The baseline, measured in the
same run, is the classical item analysis of 100,000 responses, so the ratio says what IRT costs beyond
the statistics we already run.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from bench.analysis import generated
from bench.report import before_run, target
from certify.core import irt
from certify.core.item_analysis import analyse_items, build_matrix
from tests.core.irt_simulation import draw_forms, plant_pool, simulate

CALIBRATION_TARGET_S = 15.0
SCORING_TARGET_S = 0.005
DECISION_TARGET_S = 0.005


def _baseline() -> float:
    responses, infos = generated(1_600, 64)
    started = time.perf_counter()
    analyse_items(build_matrix(responses, infos))
    return time.perf_counter() - started


def _calibration() -> tuple[float, int, int]:
    rng = np.random.default_rng(99)
    pool = plant_pool(rng, polytomous=0)
    person, item, score = simulate(rng, pool, rng.normal(size=2000), draw_forms(rng, 2000))
    started = time.perf_counter()
    result = irt.calibrate(person, item, score, pool.max_score, model="2pl")
    return time.perf_counter() - started, result.iterations, int(person.size)


def _scoring() -> float:
    rng = np.random.default_rng(7)
    items = [irt.ItemParameters(a=float(rng.uniform(0.6, 2)), steps=(float(rng.normal()),)) for _ in range(56)]
    items += [irt.ItemParameters(a=float(rng.uniform(0.6, 2)), steps=(-0.5, 0.2, 0.8)) for _ in range(8)]
    scores = [int(rng.integers(0, item.max_score + 1)) for item in items]
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        irt.eap(items, scores)
        irt.theta_for_percent_score(items, 70.0)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _equated_decision() -> float:
    """One attempt decided as certify.assessments.decisions does it, from a rule's JSON parameters of 336 items."""
    rng = np.random.default_rng(11)
    stored = {str(vid): [float(rng.uniform(0.6, 2)), [float(rng.normal())]] for vid in range(336)}
    form = [str(vid) for vid in rng.choice(336, 64, replace=False)]
    timings = []
    for n in range(200):
        started = time.perf_counter()
        items = [irt.ItemParameters(a=float(stored[k][0]), steps=tuple(float(b) for b in stored[k][1])) for k in form]
        irt.equate_total(items, float(20 + n % 40), 0.3)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> bool:
    print("\n== IRT ==")
    before_run("the IRT timings")
    baseline = _baseline()
    seconds, cycles, responses = _calibration()
    scoring = _scoring()
    decision = _equated_decision()
    calibrated_ok = target(
        f"2PL calibration, {responses:,} responses",
        f"{seconds:.2f} s in {cycles} EM cycles ({seconds / baseline:.1f}x the classical analysis of 100,000 "
        f"responses, {baseline:.2f} s)",
        f"≤ {CALIBRATION_TARGET_S:.0f} s",
        seconds <= CALIBRATION_TARGET_S,
    )
    scoring_ok = target(
        "scoring one 64-item attempt (EAP + inverse TCC)",
        f"{scoring * 1000:.2f} ms median",
        f"≤ {SCORING_TARGET_S * 1000:.0f} ms",
        scoring <= SCORING_TARGET_S,
    )
    decision_ok = target(
        "equated decision for one 64-item attempt",
        f"{decision * 1000:.2f} ms median ({decision / baseline:.4f}x the classical analysis)",
        f"≤ {DECISION_TARGET_S * 1000:.0f} ms",
        decision <= DECISION_TARGET_S,
    )
    return calibrated_ok and scoring_ok and decision_ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
