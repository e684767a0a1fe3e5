"""Item and test analysis at scale: 10^5 and 10^6 generated responses, timed (analysis only, not generation).

Targets: 100,000 responses (1,600 candidates x 64 items) within 1 s; 1,000,000 responses
(15,625 x 64 and 1,600 x 640) within 10 s. Call `bench_item_analysis()`; it returns the figures.
"""

from __future__ import annotations

import math
import random
import time

from bench import report
from certify.core.item_analysis import ItemInfo, Response, analyse_items, build_matrix
from certify.core.test_analysis import analyse_test

TARGETS = {(1_600, 64): 1.0, (15_625, 64): 10.0, (1_600, 640): 10.0}
COMPETENCIES = ("RA", "PA", "SS", "OB", "AD", "IS", "EV", "CP")
OPTIONS = ("a", "b", "c", "d")


def generated(candidates: int, items: int, seed: int = 7) -> tuple[list[Response], list[ItemInfo]]:
    """Responses from a two-parameter logistic model: mostly choice items, some partial credit, pilots, omits."""
    rng = random.Random(seed)
    infos = [
        ItemInfo(
            f"GEN-{j:04d}@v1",
            COMPETENCIES[j % len(COMPETENCIES)],
            scored=j % 16 != 15,
            options=OPTIONS if j % 4 else (),
            key=("a",) if j % 4 else (),
        )
        for j in range(items)
    ]
    params = [(rng.uniform(0.5, 2.0), rng.gauss(0.0, 1.0)) for _ in range(items)]
    responses = []
    for c in range(candidates):
        theta = rng.gauss(0.0, 1.0)
        cid = f"C{c:06d}"
        for info, (a, b) in zip(infos, params, strict=True):
            if rng.random() < 0.02:
                responses.append(Response(cid, info.item_key, None, None, None))
                continue
            right = rng.random() < 1.0 / (1.0 + math.exp(-a * (theta - b)))
            if info.options:
                choice = ("a",) if right else (rng.choice(OPTIONS[1:]),)
                responses.append(Response(cid, info.item_key, 1.0 if right else 0.0, choice, rng.uniform(20, 90)))
            else:
                credit = 1.0 if right else rng.choice((0.0, 0.5))
                responses.append(Response(cid, info.item_key, credit, None, rng.uniform(20, 90)))
    return responses, infos


def bench_item_analysis(seed: int = 7) -> dict[str, float]:
    """Seconds for build + item analysis + test analysis at each size, and the reliability seen (as a sanity check)."""
    figures: dict[str, float] = {}
    for (candidates, items), target in TARGETS.items():
        responses, infos = generated(candidates, items, seed)
        start = time.perf_counter()
        matrix = build_matrix(responses, infos)
        built = time.perf_counter()
        analyse_items(matrix)
        analysed = time.perf_counter()
        stats = analyse_test(matrix, cut_percent=60.0)
        done = time.perf_counter()
        label = f"{candidates}x{items}"
        figures[f"{label} responses"] = float(len(responses))
        figures[f"{label} build s"] = built - start
        figures[f"{label} items s"] = analysed - built
        figures[f"{label} test s"] = done - analysed
        figures[f"{label} total s"] = done - start
        figures[f"{label} target s"] = target
        figures[f"{label} reliability"] = stats.reliability if stats.reliability is not None else math.nan
    return figures


def main() -> bool:
    """`make bench`: item and test analysis over 100,000 and 1,000,000 responses against their targets."""
    print("\n== Item and test analysis (pure computation, as run off the request path) ==")
    report.before_run("the analysis")
    figures = bench_item_analysis()
    ok = True
    for candidates, items in TARGETS:
        label = f"{candidates}x{items}"
        total, limit = figures[f"{label} total s"], figures[f"{label} target s"]
        ok &= report.target(
            f"analysis of {int(figures[f'{label} responses']):,} responses ({label})",
            f"{total:.2f} s (reliability {figures[f'{label} reliability']:.3f})",
            f"≤ {limit:.0f} s",
            total <= limit,
        )
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
