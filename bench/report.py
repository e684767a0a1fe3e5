"""How every bench section reports: the load average before each run, and each target with its figure.

`target()` prints one line, `<what>  <figure>  (target <rule>)  met|MISSED`, and records the outcome;
`python -m bench` prints every target again at the end and exits non-zero when any was missed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    name: str
    figure: str
    rule: str
    met: bool


OUTCOMES: list[Outcome] = []


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def load_average() -> str:
    """/proc/loadavg's three averages and runnable/total tasks, e.g. '0.42 0.61 0.70 1/210'."""
    try:
        with open("/proc/loadavg") as handle:
            return " ".join(handle.read().split()[:4])
    except OSError:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())


def before_run(label: str) -> None:
    """Print the load average as a run starts (what else the machine was doing)."""
    print(f"  [load average {load_average()} before {label}]", flush=True)


def target(name: str, figure: str, rule: str, met: bool, indent: str = "  ") -> bool:
    """Print and record one target; returns `met`."""
    OUTCOMES.append(Outcome(name, figure, rule, met))
    print(f"{indent}{name}: {figure}  (target {rule})  {verdict(met)}", flush=True)
    return met


def summary() -> bool:
    """Print every target recorded so far; True when all were met."""
    missed = [o for o in OUTCOMES if not o.met]
    print(f"\n== Targets: {len(OUTCOMES) - len(missed)} of {len(OUTCOMES)} met ==")
    for outcome in OUTCOMES:
        print(f"  {verdict(outcome.met):<6}  {outcome.name}: {outcome.figure} (target {outcome.rule})")
    return not missed
