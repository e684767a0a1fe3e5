"""IRT calibration stored per item version, and what the item analysis reads from it.

The population is planted (tests/support/irt_population.py): 2PL/GPCM items with known parameters,
abilities N(0, 1), a quarter of the candidates retaking once. Every figure checked here is computed
again in the test by another route: correlations with the planted values, classical p straight from
the attempt rows, a Monte Carlo of two sittings for decision consistency, a bisection of the TCC.
"""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.models import Item, ItemVersion
from certify.extensions import db
from certify.reports.models import IrtCalibration
from tests.support.irt_population import CODES, CUT, MASTERY, PER_FORM, PLANTED, SOURCES, gpcm_draw, populate


@pytest.fixture
def population(app, load_catalog):
    def make(candidates: int) -> dict[str, int]:
        load_catalog(*SOURCES)
        with app.app_context():
            counts = populate(candidates)
            db.session.commit()
        return counts

    return make


def _json(runner, *args):
    result = runner.invoke(args=["analysis", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _stored(app) -> dict[str, dict]:
    with app.app_context():
        stored = db.session.query(IrtCalibration).one()
        return {entry["item_ref"]: entry for entry in stored.payload["items"]}, stored.ability_sd


def _spearman(x, y) -> float:
    rx, ry = np.argsort(np.argsort(x)), np.argsort(np.argsort(y))
    return float(np.corrcoef(rx, ry)[0, 1])


def test_stored_parameters_recover_the_planted_ones(app, runner, population):
    population(400)
    result = runner.invoke(args=["analysis", "calibrate", "irt"])
    assert result.exit_code == 0, result.output
    assert "2pl calibration of 28 item versions from 400 first attempts; converged" in result.output
    items, _sd = _stored(app)
    entry = items["RA-S01"]
    assert set(entry) == {
        "item_version_id", "item_ref", "version", "model", "a", "b", "steps",
        "se_a", "se_b", "n", "infit", "outfit", "flags",
    }  # fmt: skip
    assert items["RA-M01"]["model"] == "gpcm" and len(items["RA-M01"]["steps"]) == 2  # credit 0, 1/2, 1
    assert entry["model"] == "2pl" and len(entry["steps"]) == 1
    refs = sorted(items)
    b_planted = [sum(PLANTED[r][1]) / len(PLANTED[r][1]) for r in refs]
    b_found = [items[r]["b"] for r in refs]
    assert np.corrcoef(b_planted, b_found)[0, 1] > 0.9
    assert np.corrcoef([PLANTED[r][0] for r in refs], [items[r]["a"] for r in refs])[0, 1] > 0.4
    for r in refs:  # 400 first attempts, 6 of 14 items per competency: about 171 respondents each
        assert 120 < items[r]["n"] < 230 and 0.6 < items[r]["infit"] < 1.4, items[r]
    # Independently: classical p of each dichotomous item, straight from the first attempts' rows.
    with app.app_context():
        firsts = db.session.query(Attempt.id).filter(Attempt.number == 1)
        rows = (
            db.session.query(Item.ref, AttemptItem.credit)
            .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
            .join(Item, Item.id == ItemVersion.item_id)
            .filter(AttemptItem.attempt_id.in_(firsts))
            .all()
        )
    credits: dict[str, list[float]] = {}
    for ref, credit in rows:
        credits.setdefault(ref, []).append(credit)
    single = [r for r in refs if r[3] == "S"]
    assert all(len(credits[r]) == items[r]["n"] for r in refs)
    assert _spearman([items[r]["b"] for r in single], [-sum(credits[r]) / len(credits[r]) for r in single]) > 0.9


def _probabilities(entry, theta):
    """GPCM category probabilities written out plainly: P(k) ~ exp(sum_{v<=k} a (theta - b_v))."""
    logits = [0.0]
    for b in entry["steps"]:
        logits.append(logits[-1] + entry["a"] * (theta - b))
    weights = [math.exp(x - max(logits)) for x in logits]
    return [w / sum(weights) for w in weights]


def _sitting(rng, items, theta) -> bool:
    """One sitting of a randomly drawn form: every slot an item drawn from its competency's pool."""
    by_code = {}
    for code in CODES:
        pool = [e for r, e in items.items() if r.startswith(code)]
        credit = 0.0
        for _ in range(PER_FORM):
            entry = rng.choice(pool)
            probs = _probabilities(entry, theta)
            k = gpcm_draw(rng, entry["a"], tuple(entry["steps"]), theta)
            assert abs(sum(probs) - 1) < 1e-9
            credit += k / len(entry["steps"])
        by_code[code] = credit
    total = 100 * sum(by_code.values()) / (PER_FORM * len(CODES))
    mastery = all(100 * c / PER_FORM + 1e-9 >= MASTERY for c in by_code.values())
    return total + 1e-9 >= CUT and mastery, total + 1e-9 >= CUT


def test_the_payload_contract_and_a_monte_carlo_of_two_sittings(app, runner, population):
    population(400)
    runner.invoke(args=["analysis", "calibrate", "irt"])
    payload = _json(runner, "items", "irt", "--json")
    assert payload["format"] == 3 and payload["calibration"]["model"] == "2pl"
    test = payload["test"]
    assert test["alpha"] == test["kr20"] and test["attempts"] == "first"
    assert set(test["retakes"]) == {"candidates", "mean_change"}
    decision = test["decision"]
    assert {"rule", "consistency", "kappa", "accuracy", "csem_at_cut", "total_only", "mastery", "note"} <= set(decision)
    assert decision["rule"] == "conjunctive" and set(decision["mastery"]) == set(CODES)
    assert set(test["forms"]) == {"n", "expected_score_at_cut"} and set(test["forms"]["expected_score_at_cut"]) == {
        "min",
        "max",
    }
    assert {"name", "min", "max"} <= set(test["scale"]) and test["scale"]["cut"] == 200
    for item in payload["items"]:
        assert set(item["irt"]) == {"model", "a", "b", "se_b", "infit", "outfit"}
    # Six items per competency cannot decide mastery dependably: the note says how many would.
    assert "not dependable" in decision["note"] and "items like its current ones instead of 6" in decision["note"]
    assert all(row["items_needed"] and row["items_needed"] > 6 for row in decision["mastery"].values())

    # Monte Carlo: abilities from the calibrated N(0, sd), two independent sittings each, the real rule.
    items, sd = _stored(app)
    rng = random.Random(11)
    agree = agree_total = 0
    persons = 3000
    for _ in range(persons):
        theta = rng.gauss(0.0, sd)
        first, second = _sitting(rng, items, theta), _sitting(rng, items, theta)
        agree += first[0] == second[0]
        agree_total += first[1] == second[1]
    pairs = [(agree / persons, decision["consistency"]), (agree_total / persons, decision["total_only"]["consistency"])]
    for simulated, analytic in pairs:
        se = math.sqrt(analytic * (1 - analytic) / persons)
        assert abs(simulated - analytic) < 4 * se, (simulated, analytic)
    # The conjunctive rule adds conditions to the total's: it never passes more people.
    assert decision["pass_rate"] <= decision["total_only"]["pass_rate"] + 1e-9

    # The cut-level ability: where the pool-average TCC (blueprint-weighted) reaches the cut, by bisection here.
    def pool_percent(theta):
        total = 0.0
        for code in CODES:
            pool = [e for r, e in items.items() if r.startswith(code)]
            mean = sum(sum(k * p for k, p in enumerate(_probabilities(e, theta))) / len(e["steps"]) for e in pool)
            total += PER_FORM * mean / len(pool)
        return 100 * total / (PER_FORM * len(CODES))

    low, high = -6.0, 6.0
    for _ in range(50):
        low, high = ((low + high) / 2, high) if pool_percent((low + high) / 2) < CUT else (low, (low + high) / 2)
    assert test["scale"]["theta_cut"] == pytest.approx(low, abs=1e-3)
    # Each form drawn, read at that ability: the range over the distinct forms of the first attempts.
    with app.app_context():
        rows = (
            db.session.query(AttemptItem.attempt_id, Item.ref)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
            .join(Item, Item.id == ItemVersion.item_id)
            .filter(Attempt.number == 1)
            .all()
        )
    forms: dict[int, set[str]] = {}
    for attempt_id, ref in rows:
        forms.setdefault(attempt_id, set()).add(ref)
    distinct = {frozenset(f) for f in forms.values()}

    def expected_credit(entry, theta):
        return sum(k * p for k, p in enumerate(_probabilities(entry, theta))) / len(entry["steps"])

    percents = [100 * sum(expected_credit(items[r], low) for r in f) / len(f) for f in distinct]
    assert test["forms"]["n"] == len(distinct)
    assert test["forms"]["expected_score_at_cut"]["min"] == pytest.approx(min(percents), abs=0.02)
    assert test["forms"]["expected_score_at_cut"]["max"] == pytest.approx(max(percents), abs=0.02)


def test_first_attempts_by_default_and_retakes_on_request(app, runner, population):
    counts = population(120)
    retakers = counts["attempts"] - counts["candidates"]
    assert retakers > 10
    first = _json(runner, "items", "irt", "--json")
    every = _json(runner, "items", "irt", "--json", "--all-attempts")
    assert first["test"]["attempts"] == "first" and first["test"]["n"] == 120
    assert every["test"]["attempts"] == "all" and every["test"]["n"] == counts["attempts"]
    assert (
        sum(i["n"] for i in first["items"]) == 120 * 12
        and sum(i["n"] for i in every["items"]) == counts["attempts"] * 12
    )
    with app.app_context():
        scores = db.session.query(Attempt.user_id, Attempt.number, AttemptScore.percent).join(AttemptScore).all()
    by_person: dict[int, dict[int, float]] = {}
    for user_id, number, percent in scores:
        by_person.setdefault(user_id, {})[number] = percent
    changes = [p[2] - p[1] for p in by_person.values() if 2 in p]
    assert first["test"]["retakes"]["candidates"] == retakers == len(changes)
    assert first["test"]["retakes"]["mean_change"] == pytest.approx(sum(changes) / len(changes), abs=1e-3)
    with app.app_context():
        passed = [p for (p,) in db.session.query(AttemptScore.passed).join(Attempt).filter(Attempt.number == 1)]
    assert first["test"]["pass_rate"] == pytest.approx(sum(passed) / 120, abs=1e-4)
    # Without a calibration the IRT parts are empty, not made up.
    assert first["calibration"] is None and first["test"]["decision"] is None
    assert all(i["irt"] is None for i in first["items"])
    rasch = runner.invoke(args=["analysis", "calibrate", "irt", "--rasch", "--all-attempts"])
    assert rasch.exit_code == 0 and f"from {counts['attempts']} attempts" in rasch.output, rasch.output
    with app.app_context():
        stored = db.session.query(IrtCalibration).one()
        assert stored.model == "rasch" and not stored.first_attempts_only
        assert stored.attempts_used == counts["attempts"]
        assert all(e["a"] == 1.0 for e in stored.payload["items"])
    assert _json(runner, "items", "irt", "--json")["items"][0]["irt"]["model"] in ("rasch", "pcm")


def test_calibrate_refuses_unknown_assessments_and_empty_ones(runner, load_catalog):
    load_catalog(*SOURCES)
    unknown = runner.invoke(args=["analysis", "calibrate", "nope"])
    assert unknown.exit_code == 1 and "no assessment 'nope'" in unknown.output and "irt" in unknown.output
    empty = runner.invoke(args=["analysis", "calibrate", "irt"])
    assert empty.exit_code == 1 and "irt has no scored attempts to calibrate from" in empty.output
    bad = runner.invoke(args=["analysis", "calibrate"])
    assert bad.exit_code == 2 and "Missing argument 'ASSESSMENT'" in bad.output


def test_refresh_calibrates_what_is_new(runner, population):
    population(60)
    first = runner.invoke(args=["analysis", "refresh"])
    assert first.exit_code == 0 and "irt: calibrated (2pl) from 60 attempts" in first.output, first.output
    again = runner.invoke(args=["analysis", "refresh"])
    assert "calibrated" not in again.output and "0 analysis(es) refreshed" in again.output


def test_the_page_reads_the_stored_calibration_and_never_calibrates(
    app, client, auth, make_user, runner, population, monkeypatch
):
    from certify.core import irt
    from certify.reports import calibration
    from tests.support.helpers import text

    population(150)
    auth.login_as(make_user(roles=("admin",)))

    def refuse(*args, **kwargs):
        raise AssertionError("calibrated during a page view")

    with monkeypatch.context() as patched:
        patched.setattr(irt, "calibrate", refuse)
        patched.setattr(calibration.irt, "calibrate", refuse)
        page = text(client.get("/admin/reports/irt"))
    assert "Not calibrated yet — run <code>flask analysis calibrate irt</code>" in page
    assert runner.invoke(args=["analysis", "calibrate", "irt"]).exit_code == 0
    with monkeypatch.context() as patched:
        patched.setattr(calibration.irt, "calibrate", refuse)
        response = client.get("/admin/reports/irt")
        detail = text(client.get("/admin/reports/irt/items/RA-S01/1"))
    page = text(response)
    assert response.status_code == 200
    assert "How dependable the pass/fail decision is" in page and "Total score alone" in page
    assert "Mastery of RA (6 items)" in page and "Conditional SEM at the cut" in page
    assert "distinct forms; a candidate exactly at the standard expects" in page
    assert "MID scaled score, 100\N{EN DASH}300, cut at 200" in page and "IRT a" in page and "Outfit" in page
    assert "not dependable" in page
    assert "slope a" in detail and "infit" in detail
