"""Generated demo data: a simulated population of candidates, so the measurement-quality reports have data.

`flask certify seed --demo --simulate N` calls `simulate(N)` once the demo accounts exist. The simulated
people go through the same code as real ones: starting an exam draws the form from the blueprint,
their answers are saved in the ids the page showed, submitting scores the attempt, portfolios are
allocated to calibrated assessors, reviewed, adjudicated and resolved, and certificates are issued and
renewed by the demo admin. Only what a learner creates by clicking through the course (lesson
progress, knowledge checks, completions) is inserted in bulk. Every date lies in the past, so the
dashboards show a history of about eighteen months (a small pilot intake three years ago holds
the certificates that are about to expire).

The response model, so the statistics can be read against it:

* A candidate has an ability theta ~ Normal(cohort mean - 0.5, 1) before the course, plus a deviation
  per competency ~ Normal(0, 0.35). The course adds a gain ~ Normal(1.3 + cohort gain, 0.4), never
  negative, scaled per competency (COMPETENCY_GAIN); each further exam attempt adds RETAKE_GAIN.
* An item version is answered correctly with probability c + (1 - c) / (1 + exp(-1.7 a (theta - b))):
  difficulty b and discrimination a come from a hash of the item's ref (b shifted by Bloom level),
  c is a guessing floor for choice items. A wrong answer is a plausible one (a distractor, a partly
  wrong set, steps swapped, wrong pairs, a known wrong number or word); about OMIT_RATE are left
  blank, more often by weaker candidates.
* FAULTY_ITEMS behave badly on purpose: one as if mis-keyed (strong candidates pick one distractor),
  one answered correctly by everyone who answers it, one by almost nobody. Item analysis should flag them
  "check the key", "too easy" and "too hard".
* Portfolio quality follows ability; each assessor adds a severity (one lenient, one severe, one
  drifting, one inconsistent) and noise, so the agreement report has something to show.

Random choices come from generators seeded from RANDOM_SEED, so two runs give the same data apart
from the dates, which are relative to the day of the run.

The stages, in the order `run.simulate` takes them: `people` (cohorts, candidates, staff, accounts),
`course`, `exams` (attempts answered with the response model of `answers`), `portfolios` (reviews as
a sequence of events) and `certificates`; `common` holds what they share.
"""

from __future__ import annotations

from certify.demo.simulation.answers import FAULTY_ITEMS, correct_answer, wrong_answer
from certify.demo.simulation.common import SIM_DOMAIN, seeded
from certify.demo.simulation.exams import Outcome, sit
from certify.demo.simulation.run import MAX_CANDIDATES, simulate, simulated_candidates

__all__ = [
    "FAULTY_ITEMS",
    "MAX_CANDIDATES",
    "SIM_DOMAIN",
    "Outcome",
    "correct_answer",
    "seeded",
    "simulate",
    "simulated_candidates",
    "sit",
    "wrong_answer",
]
