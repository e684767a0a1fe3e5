"""The item report lists pilot items and says which are ready to promote, and why the others are not (issue 14)."""

from __future__ import annotations

import json

from certify.extensions import db
from certify.reports.pilots import pilot_readiness
from tests.support.helpers import text
from tests.support.irt_population import SOURCES, populate, turn_into_pilot

IRT = {"model": "2pl", "a": 1.1, "b": -0.4, "se_b": 0.2, "infit": 1.0, "outfit": 1.0}


def _item(ref, **extra):
    base = {"item_ref": ref, "version": 1, "competency": "RA", "status": "pilot", "n": 60, "min_n": 30}
    return {**base, "interpretable": True, "flags": [], "irt": IRT, **extra}


def test_each_reason_a_pilot_is_not_ready_and_ready_ones_first():
    rows = pilot_readiness(
        [
            _item("P-FEW", n=12, interpretable=False, flags=[{"code": "insufficient_data", "n": 12, "ci": None}]),
            _item("P-RAW", irt=None),
            _item("P-FLAG", flags=[{"code": "check the key", "n": 60, "ci": [-0.4, -0.1]}]),
            _item("P-OK"),
            _item("L-LIVE", status="live"),
        ]
    )
    assert [(r.item_ref, r.ready) for r in rows] == [
        ("P-OK", True),
        ("P-FEW", False),
        ("P-FLAG", False),
        ("P-RAW", False),
    ]
    reasons = {r.item_ref: r.reason for r in rows}
    assert reasons["P-OK"] == "ready: n 60, b -0.40, a 1.10, no flags"
    assert reasons["P-FEW"] == "needs more responses: 12 of at least 30"
    assert reasons["P-RAW"].startswith("not calibrated yet")
    assert reasons["P-FLAG"] == "flagged: check the key; review before promoting"


def test_the_item_report_shows_the_pilots_with_their_readiness(app, client, auth, make_user, runner, load_catalog):
    load_catalog(*SOURCES)
    with app.app_context():
        populate(150)
        turn_into_pilot("RA-S12")
        db.session.commit()
    assert runner.invoke(args=["analysis", "calibrate", "irt"]).exit_code == 0
    payload = json.loads(runner.invoke(args=["analysis", "items", "irt", "--json"]).output)
    pilot = next(i for i in payload["items"] if i["item_ref"] == "RA-S12")
    (expected,) = pilot_readiness([pilot])
    auth.login_as(make_user(roles=("admin",)))
    page = text(client.get("/admin/reports/irt"))
    assert "<h2>Pilot items</h2>" in page
    row = page.split('href="/admin/reports/irt/items/RA-S12/1">RA-S12 v1</a>')[1].split("</tr>")[0]
    assert f"<td>{pilot['n']}</td>" in row and expected.reason in row
    assert ("<td>Yes</td>" in row) == expected.ready
