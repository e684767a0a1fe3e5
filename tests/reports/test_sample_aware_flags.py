"""Item flags carry their sample: {code, n, ci}; below the minimum n an item is insufficient_data, not flagged."""

from __future__ import annotations

import json

import pytest

from certify.assessments.models import Assessment
from certify.core.intervals import wilson_interval
from certify.extensions import db
from certify.reports.items import PAYLOAD_FORMAT, is_stale, snapshot
from certify.reports.models import AnalysisSnapshot
from tests.reports.test_item_report_admin import quiz, take_quiz  # noqa: F401 - the quiz fixture
from tests.support.helpers import text


def _items(runner):
    result = runner.invoke(args=["analysis", "items", "quiz", "--json", "--refresh"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_below_the_minimum_every_item_is_insufficient_data(app, runner, quiz, make_user):  # noqa: F811
    take_quiz(app, make_user, 6)  # 6 attempts against the default minimum of 30
    payload = _items(runner)
    assert payload["format"] == PAYLOAD_FORMAT
    for item in payload["items"]:
        assert item["flags"] == [{"code": "insufficient_data", "n": item["n"], "ci": None}], item


def test_each_flag_names_its_n_and_interval(app, runner, quiz, make_user):  # noqa: F811
    take_quiz(app, make_user, 36)  # above the default minimum of 30; some items are never answered right
    payload = _items(runner)
    assert payload["test"]["alpha"] == payload["test"]["kr20"]  # kr20 kept as the earlier name
    flags = [f for item in payload["items"] for f in item["flags"]]
    assert any(f["code"] == "too hard" for f in flags), "items no one answers right are too hard at n = 36"
    assert all(set(f) == {"code", "n", "ci"} and f["code"] != "insufficient_data" for f in flags)
    for item in payload["items"]:
        for flag in item["flags"]:
            if flag["code"] in ("too easy", "too hard"):  # Wilson interval of p, computed again here
                interval = wilson_interval(item["p"], item["n"])  # p is stored to 4 places: allow for it
                assert flag["ci"] == pytest.approx([interval.low, interval.high], abs=5e-4)
                assert flag["n"] == item["n"]


def test_a_snapshot_in_the_earlier_shape_is_recomputed(app, runner, quiz, make_user):  # noqa: F811
    take_quiz(app, make_user, 6)
    with app.app_context():
        assessment = db.session.query(Assessment).filter_by(slug="quiz").one()
        stored = snapshot(assessment)
        earlier = {k: v for k, v in stored.payload.items() if k != "format"}
        earlier["items"] = [{**i, "flags": ["too easy"]} for i in earlier["items"]]  # flags were plain strings
        db.session.query(AnalysisSnapshot).update({"payload": earlier})
        db.session.commit()
        assert is_stale(assessment)
        assert snapshot(assessment).payload["format"] == PAYLOAD_FORMAT


def test_the_report_page_shows_n_and_the_interval(app, client, quiz, make_user, auth):  # noqa: F811
    take_quiz(app, make_user, 36)
    auth.login_as(make_user(roles=("admin",)))
    body = text(client.get("/admin/reports/quiz"))
    assert "too hard <span" in body and "(n = 36, 95 % CI 0.00 to" in body
    assert "whole 95 % confidence interval lies beyond its limit" in body
