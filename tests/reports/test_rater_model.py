"""The rater model in the reports: planted assessor severities come back in order, with SEs and fit, through the
CLI contract and the assessors page; pass/fail agreement is counted per portfolio by the rubric's rule."""

from __future__ import annotations

import json
import math
import random
from datetime import timedelta

import pytest

from tests.reports.test_rater_analysis_cli import BASE, CODES, calibrate, double_mark, seed_rubric
from tests.support.helpers import text

# Planted severities in levels-scale logits: positive = severe (gives lower levels).
PLANTED = {"Lena Lenient": -1.0, "Nico Neutral": 0.0, "Sev Severe": 1.0}
PAIRS = [("Lena Lenient", "Nico Neutral"), ("Nico Neutral", "Sev Severe"), ("Lena Lenient", "Sev Severe")]
THRESHOLDS = (-1.5, 0.0, 1.5)  # between levels 1|2, 2|3, 3|4
PORTFOLIOS = 36
PASS_LEVEL = 3  # the seeded rubric's pass level: every criterion at 3 or above


def _level(rng: random.Random, measure: float) -> int:
    """A rating-scale draw: P(level k) proportional to exp(sum of (measure - tau_j) for j < k)."""
    weights = [math.exp(sum(measure - tau for tau in THRESHOLDS[:k])) for k in range(len(THRESHOLDS) + 1)]
    return rng.choices(range(1, len(weights) + 1), weights=weights)[0]


@pytest.fixture
def marked(app, make_user, runner):
    """36 portfolios, each double-marked by one of three pairs of assessors, levels drawn from the model."""
    seed_rubric(runner)
    people = {name: make_user(roles=("assessor",), name=name) for name in PLANTED}
    for person in people.values():
        calibrate(app, person)
    rng = random.Random(2026)
    decisions = []
    for n in range(PORTFOLIOS):
        ability = rng.gauss(0.5, 1.2)
        first, second = PAIRS[n % len(PAIRS)]
        levels = {
            name: [_level(rng, ability - 0.3 * (c % 3 - 1) - PLANTED[name]) for c in range(len(CODES))]
            for name in (first, second)
        }
        double_mark(
            app, make_user(), people[first], people[second], levels[first], levels[second], BASE + timedelta(days=n)
        )
        decisions.append(tuple(min(levels[name]) >= PASS_LEVEL for name in (first, second)))
    return people, decisions


def _raters(runner):
    result = runner.invoke(args=["analysis", "raters", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_planted_severities_come_back_in_order_with_ses_and_fit(runner, marked):
    payload = _raters(runner)
    assert payload["rater_model"]["status"] == "ok", payload["rater_model"]
    raters = {r["name"]: r for r in payload["raters"]}
    assert set(raters) == set(PLANTED)
    for rater in raters.values():
        assert set(rater) >= {"name", "severity", "severity_se", "infit", "outfit"}
        assert 0 < rater["severity_se"] < 0.5 and 0.5 < rater["infit"] < 1.6
        assert rater["portfolios"] == 2 * PORTFOLIOS // 3 and not rater["tentative"]
    by_severity = sorted(PLANTED, key=lambda name: raters[name]["severity"])
    assert by_severity == ["Lena Lenient", "Nico Neutral", "Sev Severe"]
    assert raters["Lena Lenient"]["severity"] < 0 < raters["Sev Severe"]["severity"]
    gap = raters["Sev Severe"]["severity"] - raters["Lena Lenient"]["severity"]
    assert 1.3 < gap < 2.8  # planted 2.0 logits apart


def test_pass_fail_agreement_is_counted_per_portfolio(runner, marked):
    _people, decisions = marked
    agreement = _raters(runner)["decision_agreement"]
    same = sum(1 for a, b in decisions if a == b)
    both_pass = sum(1 for a, b in decisions if a and b)
    assert agreement["portfolios"] == PORTFOLIOS
    assert agreement["both_pass"] == both_pass and agreement["split"] == PORTFOLIOS - same
    assert agreement["agreement"] == pytest.approx(same / PORTFOLIOS, abs=1e-3)
    first = sum(a for a, _ in decisions) / PORTFOLIOS
    second = sum(b for _, b in decisions) / PORTFOLIOS
    chance = first * second + (1 - first) * (1 - second)
    assert agreement["kappa"] == pytest.approx((same / PORTFOLIOS - chance) / (1 - chance), abs=1e-3)


def test_text_report_and_assessors_page_show_the_model(runner, marked, client, make_user, auth):
    result = runner.invoke(args=["analysis", "raters"])
    assert result.exit_code == 0, result.output
    assert "Rater model (many-facet Rasch" in result.output and "Sev Severe" in result.output
    assert f"Pass/fail agreement over {PORTFOLIOS} double-marked" in result.output
    auth.login_as(make_user(roles=("admin",)))
    body = text(client.get("/admin/assessors"))
    assert "Severity (logits ± SE)" in body and "Infit / outfit" in body
    assert body.count(" ± ") >= len(PLANTED)
    assert f"Pass/fail agreement over {PORTFOLIOS} double-marked portfolio versions" in body


def test_too_little_marking_is_said_not_estimated(runner, app, make_user):
    seed_rubric(runner)
    payload = _raters(runner)
    assert payload["raters"] == [] and payload["rater_model"]["status"] == "no_data"
    assert payload["decision_agreement"]["portfolios"] == 0


def test_assessors_linked_to_no_one_else_are_named_not_measured(app, runner, marked, make_user):
    """A pair who only ever marked each other's portfolios cannot be put on the others' scale."""
    apart = [make_user(roles=("assessor",), name=name) for name in ("Otto Apart", "Pia Apart")]
    for n in range(2):
        double_mark(app, make_user(), *apart, [3] * len(CODES), [2 + n] * len(CODES), BASE + timedelta(days=60 + n))
    payload = _raters(runner)
    assert payload["rater_model"]["status"] == "ok"
    assert {r["name"] for r in payload["raters"]} == set(PLANTED)
    assert "Not measured: Otto Apart, Pia Apart" in payload["rater_model"]["message"]


def mark_with_drift(app, runner, make_user) -> None:
    """Over 360 days one assessor goes from lenient to severe (planted +2 logits, +0.167 per 30 days)."""
    seed_rubric(runner)
    names = ("Dora Drifting", "Stan Steady", "Tess Steady")
    people = {name: make_user(roles=("assessor",), name=name) for name in names}
    rng = random.Random(11)
    pairs = [(names[0], names[1]), (names[1], names[2]), (names[0], names[2])]
    for n in range(72):
        day = n * 5
        severity = {names[0]: -1.0 + 2.0 * day / 360, names[1]: 0.0, names[2]: 0.0}
        ability = rng.gauss(0.5, 1.2)
        first, second = pairs[n % 3]
        levels = {
            name: [_level(rng, ability - 0.3 * (c % 3 - 1) - severity[name]) for c in range(len(CODES))]
            for name in (first, second)
        }
        double_mark(
            app, make_user(), people[first], people[second], levels[first], levels[second], BASE + timedelta(days=day)
        )


def test_a_rater_who_grows_severe_shows_drift_the_others_do_not(app, runner, make_user):
    mark_with_drift(app, runner, make_user)
    raters = {r["name"]: r for r in _raters(runner)["raters"]}
    drifting = raters["Dora Drifting"]
    assert drifting["drift_per_30_days"] > 2 * drifting["drift_se"] > 0  # clearly upwards
    assert 0.08 < drifting["drift_per_30_days"] < 0.3
    # Severities are centred on the panel, so the steady pair take a share of her drift with the opposite sign.
    for steady in ("Stan Steady", "Tess Steady"):
        assert abs(raters[steady]["drift_per_30_days"]) < drifting["drift_per_30_days"]
