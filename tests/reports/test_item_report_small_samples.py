"""The item report on a handful of attempts: figures kept, but said to be not yet interpretable."""

from __future__ import annotations

import csv
import io
import json

import pytest

from certify.config import ConfigError, load_config
from tests.reports.test_item_report_admin import quiz, take_quiz  # noqa: F401 - the quiz fixture
from tests.support.helpers import text

NOTE = "not yet interpretable: 2 attempts, at least 30 needed"


def test_two_attempts_are_not_judged_against_the_reliability_target(app, client, auth, make_user, quiz, runner):  # noqa: F811
    take_quiz(app, make_user, 2)
    auth.login_as(make_user(roles=("admin",)))
    page = text(client.get("/admin/reports/quiz"))
    assert "Not yet interpretable: 2 attempts, at least 30 needed" in page
    assert "target for certification" not in page and "below the 0.80" not in page
    assert "Subkoviak" not in page  # decision consistency is not printed as a value either
    assert page.count(NOTE) >= 1  # each item row says why it has no flags
    assert "Any flag" in page and "too easy</option>" not in page and "too hard</option>" not in page
    index = text(client.get("/admin/reports"))
    assert NOTE in index

    payload = json.loads(runner.invoke(args=["analysis", "items", "quiz", "--json"]).output)
    test = payload["test"]
    assert test["interpretable"] is False and test["min_n"] == 30 and test["n"] == 2
    assert {"kr20", "sem", "decision_consistency", "meets_reliability_target"} <= set(test)  # nothing removed
    assert all(i["interpretable"] is False and i["min_n"] == 30 for i in payload["items"])
    plain = runner.invoke(args=["analysis", "items", "quiz"]).output
    assert f"reliability, SEM and decision consistency {NOTE}" in plain
    header, first = list(csv.reader(io.StringIO(client.get("/admin/reports/quiz.csv").get_data(as_text=True))))[:2]
    # The columns the file always had keep their places; the later ones are appended after them.
    assert header[11:13] == ["Interpretable (enough attempts)", "Attempts needed"] and first[11:13] == ["false", "30"]
    assert header[13] == "Flag state" and first[13] == "insufficient_data"


def test_enough_attempts_are_judged_against_the_target(app, client, auth, make_user, quiz, runner):  # noqa: F811
    app.config.update(ANALYSIS_MIN_ATTEMPTS=6, ANALYSIS_MIN_ITEM_N=6)
    take_quiz(app, make_user, 6)
    auth.login_as(make_user(roles=("admin",)))
    page = text(client.get("/admin/reports/quiz"))
    assert "not yet interpretable" not in page.lower()
    assert "the 0.80 target for certification" in page and "Subkoviak" in page
    payload = json.loads(runner.invoke(args=["analysis", "items", "quiz", "--json"]).output)
    assert payload["test"]["interpretable"] is True and payload["test"]["min_n"] == 6
    assert all(i["interpretable"] is True for i in payload["items"])


def test_an_analysis_stored_before_the_rule_is_recomputed(app, make_user, quiz):  # noqa: F811
    from certify.assessments.models import Assessment
    from certify.extensions import db
    from certify.reports.items import is_stale, snapshot
    from certify.reports.models import AnalysisSnapshot

    take_quiz(app, make_user, 2)
    with app.app_context():
        assessment = db.session.query(Assessment).filter_by(slug="quiz").one()
        stored = snapshot(assessment)
        old = {**stored.payload, "test": {k: v for k, v in stored.payload["test"].items() if k != "min_n"}}
        db.session.query(AnalysisSnapshot).update({"payload": old})
        db.session.commit()
        assert is_stale(assessment)
        assert snapshot(assessment).payload["test"]["min_n"] == 30


@pytest.mark.parametrize("name", ["CERTIFY_ANALYSIS_MIN_ATTEMPTS", "CERTIFY_ANALYSIS_MIN_ITEM_N"])
@pytest.mark.parametrize("value", ["0", "1", "lots"])
def test_a_minimum_below_two_or_not_a_number_is_refused(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_config({"CERTIFY_ENV": "development", name: value}, str(tmp_path))
