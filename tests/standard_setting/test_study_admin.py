"""A modified-Angoff study end to end: panel, two rounds through the pages, results, Hofstee, adoption."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import CutScore
from certify.audit.models import AuditEvent
from certify.course.models import CourseCompletion
from certify.extensions import db
from certify.standard_setting import angoff_study
from certify.standard_setting.models import AngoffStudy
from tests.support.angoff import (
    ITEM_REFS,
    exam,
    load_exam,
    make_study,
    rate,
    scored_attempts,
    signed_in,
    version_ids,
)
from tests.support.exams import EXAM
from tests.support.helpers import csrf_token, post_form, text
from tests.support.samples import BANK

ROUND1 = (50, 60, 70, 60, 50, 70)  # each panellist gives every item the same rating, in %
ROUND2 = (60, 60, 70, 60, 60, 70)
HOFSTEE = {"min_cut": 50, "max_cut": 70, "min_fail": 10, "max_fail": 40}
SCORES = [20, 40, 45, 55, 60, 62, 70, 80, 90, 100]  # observed percent scores: 10 candidates' first attempts


@pytest.fixture
def setting(app, make_user, load_catalog):
    load_exam(load_catalog)
    admin = make_user(roles=("admin",), name="Ada Admin")
    roles = [("assessor",)] * 4 + [("adjudicator",), ("admin",)]
    panel = [make_user(roles=r, name=f"Panellist {n}") for n, r in enumerate(roles, start=1)]
    candidates = [make_user(roles=("candidate",)) for _ in SCORES]
    attempts = scored_attempts(app, candidates, SCORES, sc_credits=[1, 1, 0, 1])
    return admin, panel, attempts


def _cut_scores(app):
    with app.app_context():
        return [(c.version, c.method, c.percent) for c in exam(app).cut_scores]


def test_a_study_from_creation_to_adoption(app, setting):
    admin, panel, attempts = setting
    office = signed_in(app, admin)
    with app.app_context():
        exam_id = exam(app).id
    response = post_form(
        office,
        "/admin/standard-setting",
        {"assessment": exam_id, "title": "Spring panel", "panel": [u.id for u in panel], "item_refs": "", "draw": "7"},
    )
    assert response.status_code == 302
    study_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = text(office.get(f"/admin/standard-setting/{study_id}"))
    assert "Round 1: independent ratings" in page and "Warning: small panel" not in page
    items = version_ids(app, study_id)
    assert len(items) == len(ITEM_REFS)

    # Round 1 through the panellists' pages
    clients = [signed_in(app, u) for u in panel]
    for client, value in zip(clients, ROUND1, strict=True):
        assert rate(client, study_id, dict.fromkeys(items, value)).status_code == 302
    page = text(office.get(f"/admin/standard-setting/{study_id}"))
    assert page.count("Complete") == 6 and "Every panellist has completed round 1." in page
    # 7 items: sums 3.5, 4.2, 4.9, 4.2, 3.5, 4.9 -> mean 4.2 (60 %); sample SD sqrt(1.96 / 5) = 0.626, SE 0.256
    assert "4.20 of 7 points: <strong>60.00 %</strong>" in page
    assert "0.63 points (8.94 %)" in page and "0.26 points (3.65 %)" in page

    assert post_form(office, f"/admin/standard-setting/{study_id}/round2").status_code == 302

    # Round 2 shows the data: S-SC was answered in 4 scored attempts, 3 of them right
    round2 = text(clients[0].get(f"/standard-setting/{study_id}"))
    assert "Round 2." in round2
    assert "0.75 (from 4 scored attempts)" in round2
    assert "mean 60, lowest 50, highest 70" in round2
    assert "<dt>Your round-1 rating</dt><dd>50</dd>" in round2
    assert 'value="50"' in round2  # round 2 starts from the panellist's own round-1 ratings
    for client, value in zip(clients, ROUND2, strict=True):
        assert rate(client, study_id, dict.fromkeys(items, value), hofstee=HOFSTEE).status_code == 302

    page = text(office.get(f"/admin/standard-setting/{study_id}"))
    # Sums 4.2, 4.2, 4.9, 4.2, 4.2, 4.9 -> mean 4.4333 (63.33 %);
    # SD sqrt(0.65333 / 5) = 0.3615 (5.16 %); SE 0.3615 / sqrt(6) = 0.1476 (2.11 %)
    assert "4.43 of 7 points: <strong>63.33 %</strong>" in page
    assert "0.36 points (5.16 %)" in page and "0.15 points (2.11 %)" in page
    assert "0.75 (4)" in page  # the p-value column
    # Hofstee: the line from (70, 10) to (50, 40) meets the fail-rate curve at 55 (30 % below it);
    # at the Angoff cut 63.33 % six of ten would fail (60 %), above the panel's highest acceptable 40 %.
    assert "55.0 %, failing 30.0 %" in page
    assert "63.3 %, failing 60.0 %" in page
    assert "No: review the cut against the panel\u2019s own limits" in page
    assert '<svg role="img" aria-labelledby="hofstee-chart-title hofstee-chart-desc"' in page
    assert "style=" not in page.split('class="hofstee"')[1]
    assert "cut-score version 2: 63.33 %" in page

    # Adopting needs the confirmation box
    refused = post_form(office, f"/admin/standard-setting/{study_id}/adopt")
    assert refused.status_code == 400 and "Tick the box to confirm" in text(refused)
    assert _cut_scores(app) == [(1, "modified_angoff", 50.0)]

    adopted = post_form(office, f"/admin/standard-setting/{study_id}/adopt", {"confirm": "y"})
    assert adopted.status_code == 302
    assert _cut_scores(app) == [(1, "modified_angoff", 50.0), (2, "modified_angoff", 63.33)]
    with app.app_context():
        study = db.session.get(AngoffStudy, study_id)
        cut = db.session.scalar(select(CutScore).where(CutScore.version == 2))
        assert study.state == "adopted" and study.adopted_cut_score_id == cut.id
        assert cut.adopted_by_id == admin.id and cut.panel["panellists"] == 6 and cut.panel["round"] == 2
        assert cut.panel["sd"] == pytest.approx(0.36148, abs=1e-5) and cut.panel["hofstee"]["cut"] == 55
        assert "6 panellists rated 7 items" in cut.rationale and "SE 0.15 (2.11 %)" in cut.rationale
        assert "Hofstee check from 6 panellists: compromise 55.0 %" in cut.rationale
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cut_score.adopted")).all()
        assert len(events) == 1 and events[0].actor_id == admin.id
        assert events[0].before == {"version": 1, "percent": 50.0, "method": "modified_angoff"}
        assert events[0].after["version"] == 2 and events[0].after["study_id"] == study_id
        # Attempts keep their cut-score version and their decision
        for attempt_id in attempts:
            attempt = db.session.get(Attempt, attempt_id)
            assert attempt.cut_score.version == 1
            assert db.session.get(AttemptScore, attempt_id).cut_percent == 50.0
        assert db.session.get(AttemptScore, attempts[4]).passed  # 60 % passes on version 1, would fail on 2
    page = text(office.get(f"/admin/standard-setting/{study_id}"))
    assert "Adopted</strong> as cut-score version 2" in page
    assert "10 attempts started under an earlier version keep it" in page

    # Adopting twice is refused, and nothing more is added
    again = post_form(office, f"/admin/standard-setting/{study_id}/adopt", {"confirm": "y"})
    assert again.status_code == 409 and "already been adopted" in text(again)
    assert len(_cut_scores(app)) == 2


def test_new_attempts_use_the_adopted_cut_and_reloading_keeps_it(app, setting, make_user, load_catalog):
    admin, panel, _attempts = setting
    study_id = make_study(app, admin, panel)
    items = version_ids(app, study_id)
    for user in panel:
        rate(signed_in(app, user), study_id, dict.fromkeys(items, 60))
    office = signed_in(app, admin)
    post_form(office, f"/admin/standard-setting/{study_id}/round2")
    for user in panel:
        rate(signed_in(app, user), study_id, dict.fromkeys(items, 70))
    post_form(office, f"/admin/standard-setting/{study_id}/close")
    assert post_form(office, f"/admin/standard-setting/{study_id}/adopt", {"confirm": "y"}).status_code == 302
    assert _cut_scores(app)[-1] == (2, "modified_angoff", 70.0)

    candidate = make_user(roles=("candidate",))
    with app.app_context():
        db.session.add(CourseCompletion(user_id=candidate.id))
        db.session.commit()
    client = signed_in(app, candidate)
    state = client.post("/api/v1/assessments/exam/attempts", headers={"X-CSRFToken": csrf_token(client)}).get_json()
    with app.app_context():
        assert db.session.get(Attempt, state["attempt_id"]).cut_score.version == 2

    # Reloading the exam file with another cut does not overturn an adopted standard
    load_catalog(("sample.yaml", BANK), ("exam.yaml", EXAM.replace("percent: 50", "percent: 55")))
    assert _cut_scores(app)[-1] == (2, "modified_angoff", 70.0)


def test_a_small_panel_is_allowed_with_a_warning(app, make_user, load_catalog):
    load_exam(load_catalog)
    admin = make_user(roles=("admin",))
    panel = [make_user(roles=("assessor",)) for _ in range(3)]
    office = signed_in(app, admin)
    with app.app_context():
        exam_id = exam(app).id
    response = post_form(
        office,
        "/admin/standard-setting",
        {"assessment": exam_id, "title": "Small", "panel": [u.id for u in panel], "item_refs": "S-TF, S-SC"},
        follow_redirects=True,
    )
    page = text(response)
    assert response.status_code == 200
    assert "A panel of 3 is below the minimum of 6" in page
    assert "Warning: small panel." in page
    with app.app_context():
        refs = [v.item.ref for v in angoff_study.items_of(db.session.scalar(select(AngoffStudy)))]
    assert refs == ["S-TF", "S-SC"]
    assert "below 6" in text(office.get("/admin/standard-setting"))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": "No panel", "panel": "NONE"}, "Invite at least one panellist."),
        ({"title": "", "panel": "PANEL"}, "Give the study a title."),
        ({"title": "Unknown items", "panel": "PANEL", "item_refs": "S-SC NOPE"}, "Not live items of"),
        (
            {"title": "A candidate", "panel": "CANDIDATE"},
            "Panellists must be active assessors, adjudicators or admins.",
        ),
    ],
)
def test_creating_a_study_checks_its_input(app, make_user, load_catalog, form, message):
    load_exam(load_catalog)
    admin = make_user(roles=("admin",))
    assessor = make_user(roles=("assessor",))
    candidate = make_user(roles=("candidate",))
    office = signed_in(app, admin)
    with app.app_context():
        exam_id = exam(app).id
    data = {"assessment": exam_id, **form}
    data["panel"] = {"NONE": [], "PANEL": [assessor.id], "CANDIDATE": [assessor.id, candidate.id]}[form["panel"]]
    response = post_form(office, "/admin/standard-setting", data)
    assert response.status_code == 400
    assert message in text(response)
    with app.app_context():
        assert db.session.scalar(select(AngoffStudy)) is None


def test_adopting_needs_round_two(app, setting):
    admin, panel, _attempts = setting
    study_id = make_study(app, admin, panel)
    office = signed_in(app, admin)
    response = post_form(office, f"/admin/standard-setting/{study_id}/adopt", {"confirm": "y"})
    assert response.status_code == 409 and "A cut is adopted from round 2" in text(response)
    post_form(office, f"/admin/standard-setting/{study_id}/round2")
    rate(signed_in(app, panel[0]), study_id, dict.fromkeys(version_ids(app, study_id), 60))
    response = post_form(office, f"/admin/standard-setting/{study_id}/adopt", {"confirm": "y"})
    assert response.status_code == 409 and "At least two panellists must complete round 2" in text(response)
    assert len(_cut_scores(app)) == 1


def test_opening_round_two_names_who_is_missing(app, setting):
    admin, panel, _attempts = setting
    study_id = make_study(app, admin, panel)
    items = version_ids(app, study_id)
    for user in panel[:4]:
        rate(signed_in(app, user), study_id, dict.fromkeys(items, 55))
    rate(signed_in(app, panel[4]), study_id, {items[0]: 40}, action="save")  # a draft does not count
    office = signed_in(app, admin)
    page = text(office.get(f"/admin/standard-setting/{study_id}"))
    assert "Not complete in round 1:</strong> Panellist 5, Panellist 6" in page
    assert "Draft: 1 of 7" in page
    response = post_form(office, f"/admin/standard-setting/{study_id}/round2", follow_redirects=True)
    assert "left out of its results: Panellist 5, Panellist 6" in text(response)
    assert re.search(r"Panellists included</dt><dd>4 \(not included: Panellist 5, Panellist 6\)", text(response))
    assert "panel of 4 is below the minimum of 6" in text(response)
    again = post_form(office, f"/admin/standard-setting/{study_id}/round2")
    assert again.status_code == 409 and "Only a study in round 1" in text(again)
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "angoff.created" in actions and "angoff.round2_opened" in actions


def test_unknown_study_is_404(app, make_user, auth, client):
    auth.login_as(make_user(roles=("admin",)))
    assert client.get("/admin/standard-setting/999").status_code == 404
    assert post_form(client, "/admin/standard-setting/999/adopt", {"confirm": "y"}).status_code == 404


@pytest.mark.parametrize(
    "path", ["/admin/standard-setting", "/admin/standard-setting/1", "/standard-setting/", "/standard-setting/1"]
)
def test_candidates_are_refused(app, make_user, auth, client, path):
    auth.login_as(make_user(roles=("candidate",)))
    assert client.get(path).status_code == 403


def test_assessors_cannot_run_studies(app, make_user, auth, client):
    auth.login_as(make_user(roles=("assessor",)))
    assert client.get("/admin/standard-setting").status_code == 403


def test_study_results_download_as_csv_and_xlsx(app, setting):
    import io
    import zipfile

    admin, panel, _attempts = setting
    study_id = make_study(app, admin, panel)
    items = version_ids(app, study_id)
    for user, value in zip(panel, ROUND1, strict=True):
        assert rate(signed_in(app, user), study_id, dict.fromkeys(items, value)).status_code == 302
    office = signed_in(app, admin)
    rounds = office.get(f"/admin/standard-setting/{study_id}.csv?section=rounds").get_data(as_text=True)
    lines = rounds.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("round,panellists,cut (raw),cut (percent),SD,SE,incomplete,")
    fields = lines[1].split(",")
    assert fields[:2] == ["1", "6"] and abs(float(fields[3]) - 60.0) < 1e-9  # every item rated 60 % on average
    per_item = office.get(f"/admin/standard-setting/{study_id}.csv").get_data(as_text=True)
    assert per_item.count("\n") >= len(items) and ",0.6," in per_item
    book = zipfile.ZipFile(io.BytesIO(office.get(f"/admin/standard-setting/{study_id}.xlsx").data))
    assert "xl/worksheets/sheet3.xml" in book.namelist()
    assert office.get("/admin/standard-setting/999999.csv").status_code == 404
