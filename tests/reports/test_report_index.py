"""The reports index: every report listed with what the committee reads there, and each assessment's IRT state."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.extensions import db
from certify.reports.models import IrtCalibration
from tests.reports.test_item_report_admin import quiz, take_quiz  # noqa: F401 - the quiz fixture
from tests.support.helpers import text
from tests.support.irt_population import SOURCES, populate

INDEX = "/admin/reports"


def _row(body: str, title: str) -> str:
    """The plain text of the one table row whose heading cell links to `title`."""
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", body, re.S) if f">{title}</a></th>" in row]
    assert len(rows) == 1, f"expected one row for {title!r}, found {len(rows)}"
    return " ".join(re.sub(r"<(?!/?code)[^>]+>", " ", rows[0]).split())


@pytest.fixture
def admin(make_user, auth):
    auth.login_as(make_user(roles=("admin",)))


def test_the_index_says_how_to_calibrate_then_when_it_was_done(app, client, runner, load_catalog, quiz, admin):  # noqa: F811
    load_catalog(*SOURCES)
    with app.app_context():
        populate(150)
        db.session.commit()
        # Counted plainly: candidates with at least one scored attempt (each one's first is what is calibrated).
        firsts = len({a.user_id for a in db.session.scalars(select(Attempt).join(AttemptScore))})
        retakes = db.session.query(AttemptScore).count() - firsts
    assert firsts == 150 and retakes > 0
    body = text(client.get(INDEX))
    row = _row(body, "IRT exam")
    assert "Not calibrated yet: 150 first attempts scored, enough (at least 30 needed); " in row
    assert "run <code>flask analysis calibrate irt</code>" in row and "Needs a calibration" in row
    assert "Not calibrated yet: 0 first attempts scored, at least 30 needed (30 more)" in _row(body, "Sample quiz")

    assert runner.invoke(args=["analysis", "calibrate", "irt"]).exit_code == 0
    decision = json.loads(runner.invoke(args=["analysis", "items", "irt", "--json"]).output)["test"]["decision"]
    with app.app_context():
        stored = db.session.query(IrtCalibration).one()
        when, used, converged = stored.computed_at, stored.attempts_used, stored.converged
    row = _row(text(client.get(INDEX)), "IRT exam")
    assert converged and used == firsts
    assert f"2PL/GPCM, {when:%d %b %Y %H:%M} UTC, from 150 first attempts, converged" in row
    assert f"{decision['consistency']:.3f} (kappa {decision['kappa']:.3f})" in row
    assert "mastery not dependable in every competency" in row and "Not calibrated yet" not in row
    assert f"150 (first attempts, of {150 + retakes} scored)" in row  # retakes are scored but not analysed

    with app.app_context():  # a calibration older than the latest scored attempt asks to be run again
        db.session.query(IrtCalibration).update({"computed_at": when - timedelta(days=3650), "converged": False})
        db.session.commit()
    row = _row(text(client.get(INDEX)), "IRT exam")
    assert "did not converge: read with care" in row
    assert "Attempts scored since: run <code>flask analysis calibrate irt</code>" in row


def test_a_few_attempts_say_how_many_more_are_needed(app, client, runner, make_user, quiz, admin):  # noqa: F811
    take_quiz(app, make_user, 7)
    row = _row(text(client.get(INDEX)), "Sample quiz")
    assert "Not calibrated yet: 7 first attempts scored, at least 30 needed (23 more)" in row
    assert "flask analysis calibrate" not in row
    # Calibrated anyway (the command does not refuse): the index says its figures are not read yet.
    result = runner.invoke(args=["analysis", "calibrate", "quiz", "--rasch"])
    assert result.exit_code == 0, result.output
    row = _row(text(client.get(INDEX)), "Sample quiz")
    assert "Rasch/PCM, " in row and "from 7 first attempts" in row
    assert "(at least 30 needed before its figures are read)" in row


def test_every_report_is_listed_and_every_link_leads_to_it(app, client, load_catalog, quiz, admin):  # noqa: F811
    body = text(client.get(INDEX))
    main = body[body.index("<h1>") : body.index("</main>")]
    for heading in ("Outcomes", "Learning gain", "Cohorts", "Assessor agreement", "Assessors", "Standard setting"):
        assert re.search(rf'<h2><a href="/admin/[^"]+">{heading}</a></h2><p>[^<]{{40,}}</p>', main), heading
    for report in (
        "Item and test analysis",
        "IRT calibration",
        "Decision consistency",
        "Differential item functioning",
    ):
        assert f"<dt>{report}</dt><dd>" in main
    assert 'href="/admin/reports/outcomes#gain"' in main and 'href="/admin/reports/quiz/dif"' in main
    links = set(re.findall(r'href="(/admin/[^"#]*)', main))
    assert {"/admin/assessors", "/admin/cohorts", "/admin/reports/quiz", "/admin/reports/quiz/dif"} <= links
    for link in links:
        assert client.get(link).status_code == 200, link
    assert body.count("<table") == body.count("<caption>") and "<th>" not in body and "style=" not in body


@pytest.mark.parametrize("role", ["anonymous", "candidate", "assessor"])
def test_only_admins_see_the_index(client, make_user, auth, role):
    if role != "anonymous":
        auth.login_as(make_user(roles=(role,)))
    response = client.get(INDEX)
    if role == "anonymous":
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
    else:
        assert response.status_code == 403
