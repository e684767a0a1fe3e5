"""Exposure and precision at the cut in the item report, each figure counted again from the attempt rows.

The population is the planted IRT one (tests/support/irt_population.py): 6 of 14 items per competency on
each form, so an item is on about 6 / 14 = 43 % of forms.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from certify.assessments.attempt_models import Attempt, AttemptItem
from certify.assessments.models import Item, ItemVersion
from certify.extensions import db
from tests.support.helpers import text
from tests.support.irt_population import SOURCES, populate, turn_into_pilot


@pytest.fixture
def calibrated(app, runner, load_catalog):
    load_catalog(*SOURCES)
    with app.app_context():
        populate(150)
        db.session.commit()
    result = runner.invoke(args=["analysis", "calibrate", "irt"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["analysis", "items", "irt", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _first_forms(app) -> dict[int, list[tuple[str, bool]]]:
    """Each candidate's first attempt: (item ref, scored) per slot, straight from the AttemptItem rows."""
    with app.app_context():
        first = select(Attempt.user_id, func.min(Attempt.number).label("n")).group_by(Attempt.user_id).subquery()
        rows = db.session.execute(
            select(AttemptItem.attempt_id, Item.ref, AttemptItem.scored)
            .join(Attempt, Attempt.id == AttemptItem.attempt_id)
            .join(first, (first.c.user_id == Attempt.user_id) & (first.c.n == Attempt.number))
            .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
            .join(Item, Item.id == ItemVersion.item_id)
        ).all()
    forms: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for attempt_id, ref, scored in rows:
        forms[attempt_id].append((ref, scored))
    return forms


def test_exposure_per_item_counted_on_the_attempt_rows(app, calibrated):
    forms = _first_forms(app)
    counts = Counter(ref for form in forms.values() for ref, _scored in form)
    exposure = calibrated["test"]["exposure"]
    assert exposure["attempts"] == len(forms) == 150
    by_ref = {i["item_ref"]: i["exposure"] for i in calibrated["items"]}
    assert by_ref == {ref: pytest.approx(n / len(forms), abs=5e-4) for ref, n in counts.items()}
    top = max(counts.values()) / len(forms)
    assert exposure["max"] == pytest.approx(top, abs=5e-5)
    assert counts[exposure["max_item"].split("@")[0]] == max(counts.values())
    assert exposure["bound"] == 0.30 and exposure["over_bound"] == sum(1 for n in counts.values() if n / 150 > 0.30)
    assert exposure["floor"] == pytest.approx(6 / 14, abs=5e-5)  # 6 of the cell's 14 items on every form


def _information(entry: dict, theta: float) -> float:
    """Fisher information of a GPCM item (2PL when one step), written out: a^2 times the score variance."""
    a, steps = entry["a"], entry["steps"]
    logits = [0.0]
    for step in steps:
        logits.append(logits[-1] + a * (theta - step))
    top = max(logits)
    weights = [math.exp(v - top) for v in logits]
    total = sum(weights)
    mean = sum(k * w for k, w in enumerate(weights)) / total
    return a * a * (sum(k * k * w for k, w in enumerate(weights)) / total - mean * mean)


def test_form_information_at_the_cut_recomputed_from_the_stored_parameters(app, calibrated):
    from certify.reports.models import IrtCalibration

    with app.app_context():
        stored = db.session.query(IrtCalibration).one()
        entries = {e["item_ref"]: e for e in stored.payload["items"]}
    block = calibrated["test"]["form_information"]
    theta = block["theta_cut"]
    assert theta == calibrated["test"]["scale"]["theta_cut"]
    values = [
        sum(_information(entries[ref], theta) for ref, scored in form if scored) for form in _first_forms(app).values()
    ]
    mean = sum(values) / len(values)
    assert block["forms"] == 150
    assert block["mean"] == pytest.approx(mean, abs=2e-3)
    assert block["min"] == pytest.approx(min(values), abs=2e-3) and block["max"] == pytest.approx(max(values), abs=2e-3)
    assert block["csem_at_mean"] == pytest.approx(1 / math.sqrt(mean), abs=1e-4)
    assert block["target_csem"] == 0.30 and block["target_information"] == pytest.approx(1 / 0.09, abs=1e-3)
    assert block["meets_target"] == pytest.approx(sum(v >= 1 / 0.09 for v in values) / len(values), abs=1e-4)
    # The best form the blueprint allows: each competency's 6 most informative items.
    best = 0.0
    for code in ("RA", "PA"):
        best += sum(sorted(_information(e, theta) for ref, e in entries.items() if ref.startswith(code))[-6:])
    assert block["best_attainable"] == pytest.approx(best, abs=2e-3)
    per_item = {i["item_ref"].split("@")[0]: i["information_at_cut"] for i in calibrated["items"]}
    assert per_item["RA-S01"] == pytest.approx(_information(entries["RA-S01"], theta), abs=1e-4)


def test_pages_show_exposure_and_precision_to_admins_only(app, client, auth, make_user, calibrated):
    auth.login_as(make_user(roles=("candidate",)))
    for url in ("/admin/reports/irt", "/admin/reports/irt/items/RA-S01/1"):
        assert client.get(url).status_code == 403
    auth.login_as(make_user(roles=("admin",)))
    page = text(client.get("/admin/reports/irt"))
    exposure = calibrated["test"]["exposure"]
    assert "Form assembly: exposure and precision at the cut" in page
    assert f"{exposure['max_item']}, on {exposure['max'] * 100:.1f} % of the 150 forms analysed" in page
    assert '<th scope="col">Exposure</th>' in page
    entry = next(i for i in calibrated["items"] if i["item_ref"].startswith("RA-S01"))
    detail = text(client.get("/admin/reports/irt/items/RA-S01/1"))
    assert f"on {entry['exposure'] * 100:.1f} % of the forms analysed" in detail


def test_a_pilot_item_is_calibrated_onto_the_scale_and_shown_beside_the_promote_button(
    app, client, auth, make_user, runner, load_catalog
):
    load_catalog(*SOURCES)
    with app.app_context():
        populate(150)
        turn_into_pilot("RA-S12")
        db.session.commit()
    assert runner.invoke(args=["analysis", "calibrate", "irt"]).exit_code == 0
    payload = json.loads(runner.invoke(args=["analysis", "items", "irt", "--json"]).output)
    pilot = next(i for i in payload["items"] if i["item_ref"].startswith("RA-S12"))
    assert pilot["irt"] is not None and pilot["information_at_cut"] is not None
    auth.login_as(make_user(roles=("admin",)))
    detail = text(client.get("/admin/reports/irt/items/RA-S12/1"))
    assert "On the live items' scale" in detail and "Promote to live" in detail
    assert f"slope a {pilot['irt']['a']:.2f}" in detail
    # Pilot slots are not scored, so they add nothing to a form's information at the cut.
    forms = _first_forms(app)
    assert all(not scored for form in forms.values() for ref, scored in form if ref == "RA-S12")
