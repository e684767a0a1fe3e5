"""Equated decisions end to end: calibrate, score on the form's own cut, keep earlier results, re-decide them.

The population is planted (tests/support/irt_population.py, the `irt` assessment: 6 RA + 6 PA items from
pools of 14). Every figure recorded is recomputed here by another route: the GPCM written out item by item
from the rule's stored parameters, and the inverse curves found by scanning theta on a grid.
"""

from __future__ import annotations

import math

import pytest

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.models import CutEquating, Item, ItemVersion
from certify.audit.models import AuditEvent
from certify.auth.models import User
from certify.extensions import db
from certify.outbox.models import OutboxMessage
from tests.support.exams import answers_for
from tests.support.helpers import csrf_token, post_form, sign_in_directly, text
from tests.support.irt_population import CUT, SOURCES, populate


@pytest.fixture
def population(app, load_catalog):
    def make(candidates: int) -> None:
        load_catalog(*SOURCES)
        with app.app_context():
            populate(candidates)
            db.session.commit()

    return make


def _credit(a: float, steps: list[float], theta: float) -> float:
    """Expected credit (0..1) of one item from the textbook GPCM."""
    numerators, running = [1.0], 0.0
    for b in steps:
        running += a * (theta - b)
        numerators.append(math.exp(running))
    return sum(k * n for k, n in enumerate(numerators)) / sum(numerators) / len(steps)


def _scan(curve, target):
    if not curve(-15) < target < curve(15):
        return None
    theta = -15.0
    while curve(theta + 0.01) < target:
        theta += 0.01
    while curve(theta + 1e-5) < target:
        theta += 1e-5
    return theta + 0.5e-5


def _sit(app, make_user, number: int) -> int:
    """A new candidate takes the `irt` exam through the runner API, answering every item, and submits."""
    client = app.test_client()
    sign_in_directly(client, make_user(roles=("candidate",), email=f"sitter{number}@example.org"))
    headers = {"X-CSRFToken": csrf_token(client)}
    state = client.post("/api/v1/assessments/irt/attempts", headers=headers).get_json()
    for position, answer in answers_for(state).items():
        url = f"/api/v1/attempts/{state['attempt_id']}/responses/{position}"
        client.put(url, json={"answer": answer, "seq": 1}, headers=headers)
    assert client.post(f"/api/v1/attempts/{state['attempt_id']}/submit", headers=headers).status_code == 200
    return state["attempt_id"]


def _calibrate(runner, *args):
    result = runner.invoke(args=["analysis", "calibrate", "irt", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _check_equated(score: AttemptScore, rule: CutEquating, form: list[int]) -> None:
    """The recorded decision, recomputed from the rule's parameters by the plain formula."""
    params = {int(k): v for k, v in rule.parameters.items()}

    def curve(theta):
        return sum(_credit(params[v][0], params[v][1], theta) for v in form)

    cut_points = curve(rule.theta_cut)
    assert score.decision_rule == "equated" and score.cut_equating_id == rule.id
    assert score.cut_points == pytest.approx(cut_points, abs=1e-4)
    assert score.cut_percent == pytest.approx(100 * cut_points / len(form), abs=1e-3)
    meets = score.points + 1e-9 >= cut_points
    assert score.passed == (meets and all(c["met"] for c in score.competencies))
    theta = _scan(curve, score.points)
    if theta is None:
        assert score.theta is None and score.scaled_score == (300 if meets else 100)
    else:
        assert score.theta == pytest.approx(theta, abs=1e-3)
        exact = min(300, max(100, math.floor(200 + 40 * (theta - rule.theta_cut) + 0.5)))
        assert score.scaled_score == (max(exact, 200) if meets else min(exact, 199))


def _form(attempt_id: int) -> list[int]:
    return [
        v
        for (v,) in db.session.query(AttemptItem.item_version_id)
        .filter(AttemptItem.attempt_id == attempt_id, AttemptItem.scored.is_(True))
        .order_by(AttemptItem.position)
    ]


def test_a_sound_calibration_places_the_cut_and_new_attempts_are_decided_on_their_forms_cut(
    app, client, auth, make_user, runner, population
):
    population(250)
    output = _calibrate(runner)
    assert "forms equated: cut version 1 at ability" in output
    with app.app_context():
        rule = db.session.query(CutEquating).one()
        assert rule.attempts_used == 250 and rule.reference_items == 28
        # theta_cut: where the blueprint's expected form (6 RA + 6 PA, each the mean of its pool) expects the cut.
        params = {int(k): v for k, v in rule.parameters.items()}
        pools = {"RA": [], "PA": []}
        for vid, ref in db.session.query(ItemVersion.id, Item.ref).join(Item, Item.id == ItemVersion.item_id):
            if vid in params:
                pools[ref[:2]].append(vid)

        def reference(theta):
            means = [sum(_credit(*params[v], theta) for v in vids) / len(vids) for vids in pools.values()]
            return 100 * sum(means) / 2

        assert rule.theta_cut == pytest.approx(_scan(reference, CUT), abs=1e-4)
    attempt_ids = [_sit(app, make_user, n) for n in range(3)]
    with app.app_context():
        for attempt_id in attempt_ids:
            _check_equated(db.session.get(AttemptScore, attempt_id), rule, _form(attempt_id))
        score = db.session.get(AttemptScore, attempt_ids[0])
        audited = db.session.query(AuditEvent).filter_by(action="attempt.scored", object_id=str(attempt_ids[0])).one()
        decision = audited.after["decision"]
        assert decision["rule"] == "equated" and decision["cut_equating_id"] == rule.id
        assert decision["scaled_score"] == score.scaled_score and decision["theta_cut"] == rule.theta_cut
        owner = db.session.get(User, db.session.get(Attempt, attempt_ids[0]).user_id)
        scaled, cut_percent = score.scaled_score, score.cut_percent
    auth.login_as(owner)
    page = text(client.get(f"/exams/attempts/{attempt_ids[0]}/result"))
    assert f"MID scaled score {scaled}</strong>" in page
    assert f"the pass mark on your form is {cut_percent:.1f} %" in page and "an equated pass mark" in page
    result = client.get(f"/api/v1/attempts/{attempt_ids[0]}/result").get_json()
    assert (result["decision_rule"], result["scaled_score"], result["standard_percent"]) == ("equated", scaled, CUT)
    assert result["scale"] == {"name": "MID scaled score", "min": 100, "max": 300, "cut": 200}


def test_below_the_minimum_attempts_the_raw_cut_decides_with_a_note(app, client, auth, make_user, runner, population):
    population(60)
    output = _calibrate(runner)
    assert "forms not equated (new results are decided on the raw cut)" in output
    assert "rests on 60 attempts; forms are equated from 200" in output
    attempt_id = _sit(app, make_user, 0)
    with app.app_context():
        assert db.session.query(CutEquating).count() == 0
        score = db.session.get(AttemptScore, attempt_id)
        assert (score.decision_rule, score.cut_percent, score.cut_equating_id, score.scaled_score) == (
            "raw",
            CUT,
            None,
            None,
        )
        assert score.cut_points == pytest.approx(CUT / 100 * 12) and "not yet equated" in score.decision_note
        assert score.passed == (score.percent >= CUT and all(c["met"] for c in score.competencies))
        owner = db.session.get(User, db.session.get(Attempt, attempt_id).user_id)
    auth.login_as(owner)
    page = text(client.get(f"/exams/attempts/{attempt_id}/result"))
    assert "MID scaled score" not in page and "the same percentage pass mark applies to every form" in page


def test_the_minimum_is_configurable(app, runner, population):
    app.config["EQUATING_MIN_ATTEMPTS"] = 60
    population(60)
    assert "forms equated: cut version 1" in _calibrate(runner)


def test_results_decided_before_stay_untouched_and_regrade_keeps_the_recorded_rule(app, make_user, runner, population):
    population(250)
    before = _sit(app, make_user, 0)  # decided on the raw cut: no calibration yet
    with app.app_context():
        row = db.session.get(AttemptScore, before)
        kept = (row.decision_rule, row.cut_points, row.passed, row.cut_equating_id, row.decision_note)
    _calibrate(runner)
    with app.app_context():
        row = db.session.get(AttemptScore, before)
        assert (row.decision_rule, row.cut_points, row.passed, row.cut_equating_id, row.decision_note) == kept
        first_rule = db.session.query(CutEquating).one()
    under_first = _sit(app, make_user, 1)
    _calibrate(runner, "--rasch")  # a second calibration: a new rule in force for new results
    with app.app_context():
        rules = db.session.query(CutEquating).order_by(CutEquating.id).all()
        assert len(rules) == 2 and rules[0].id == first_rule.id
        score = db.session.get(AttemptScore, under_first)
        assert score.cut_equating_id == first_rule.id
        # Regrading (here: the first scored item's credit flipped) re-scores by the rule recorded, not the new one.
        from certify.assessments import regrade

        attempt = db.session.get(Attempt, under_first)
        credits = {i.id: i.credit or 0.0 for i in attempt.items}
        # Flipped, not only taken away: the sitter's answers are the first option shown, and the shuffle can leave
        # every scored item without credit (CI drew such a form once).
        target = next(i for i in attempt.items if i.scored)
        credits[target.id] = 1.0 - (target.credit or 0.0)
        rescored = regrade._decided(attempt, credits)
        assert rescored.columns["cut_equating_id"] == first_rule.id and rescored.columns["decision_rule"] == "equated"
        raw_attempt = db.session.get(Attempt, before)
        again = regrade._decided(raw_attempt, {i.id: i.credit or 0.0 for i in raw_attempt.items})
        assert again.columns["decision_rule"] == "raw" and again.columns["decision_note"] == kept[-1]


def test_redecide_preview_then_apply_audited_and_candidates_told(app, client, auth, make_user, runner, population):
    population(250)
    _calibrate(runner)
    admin = make_user(roles=("admin",))
    auth.login_as(admin)
    page = text(client.get("/admin/assessments/irt/equating"))
    with app.app_context():
        rule = db.session.query(CutEquating).one()
        scored = db.session.query(AttemptScore).count()
    assert f"is the ability {rule.theta_cut:+.3f} on calibration #{rule.calibration_id}" in page
    assert f"{scored} results would be re-decided" in page
    assert "Re-decide" in page and "<caption>" in page
    with app.app_context():  # nothing changes on a view
        assert db.session.query(AttemptScore).filter_by(decision_rule="equated").count() == 0
    assert client.post("/admin/assessments/irt/equating", data={}).status_code == 400  # no CSRF token
    with app.app_context():
        assert db.session.query(AttemptScore).filter_by(decision_rule="equated").count() == 0
    response = post_form(client, "/admin/assessments/irt/equating")
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.query(AttemptScore).all()
        assert {r.decision_rule for r in rows} == {"equated"} and {r.cut_equating_id for r in rows} == {rule.id}
        for row in rows[:40]:
            _check_equated(row, rule, _form(row.attempt_id))
        events = db.session.query(AuditEvent).filter_by(action="attempt.redecided").all()
        assert len(events) == scored
        flipped = [e for e in events if e.before["passed"] != e.after["passed"]]
        assert all(e.before["decision"]["rule"] == "raw" and e.after["decision"]["rule"] == "equated" for e in events)
        summary = db.session.query(AuditEvent).filter_by(action="assessment.redecided").one()
        assert summary.after == {"attempts_redecided": scored, "outcomes_changed": len(flipped)}
        told = db.session.query(OutboxMessage).filter(OutboxMessage.subject.like("Your IRT exam result%")).count()
        assert told == len(flipped)
    after = text(client.get("/admin/assessments/irt/equating"))
    assert "Every result that can be equated is recorded under the rule in force." in after
    assert " % to " in after  # the equated forms' pass-mark range


@pytest.mark.parametrize("role", ["candidate", "assessor"])
def test_the_equating_page_is_for_admins_only(app, client, auth, make_user, population, role):
    population(5)
    auth.login_as(make_user(roles=(role,)))
    assert client.get("/admin/assessments/irt/equating").status_code == 403
    assert post_form(client, "/admin/assessments/irt/equating").status_code == 403


def test_an_unknown_assessment_is_not_found(client, auth, make_user):
    auth.login_as(make_user(roles=("admin",)))
    assert client.get("/admin/assessments/no-such/equating").status_code == 404
