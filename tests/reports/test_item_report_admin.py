"""Item analysis through the app: attempts taken through the runner API, then the report, the CLI and downloads."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from certify.assessments.models import Item, ItemVersion
from certify.extensions import db
from certify.reports.models import AnalysisSnapshot
from tests.support.exams import QUIZ, answers_for
from tests.support.helpers import csrf_token, post_form, sign_in_directly, text
from tests.support.samples import BANK


@pytest.fixture
def quiz(load_catalog):
    load_catalog(("sample.yaml", BANK), ("quiz.yaml", QUIZ))


@pytest.fixture
def taken(app, quiz, make_user):
    """Six candidates take the sample quiz with different answers: some right, some wrong."""
    return take_quiz(app, make_user, 6)


def take_quiz(app, make_user, count):
    """`count` candidates take the sample quiz; the sixth leaves the first item blank."""
    for n in range(count):
        person = make_user(roles=("candidate",))
        client = app.test_client()
        sign_in_directly(client, person)
        token = csrf_token(client)
        headers = {"X-CSRFToken": token}
        state = client.post("/api/v1/assessments/quiz/attempts", headers=headers).get_json()
        for item in state["items"]:
            options = [o["id"] for o in item.get("options", [])]
            answer = answers_for({"items": [item]})[item["position"]]
            if item["type"] in ("single_choice", "true_false") and options:
                answer = options[n % len(options)]
            if n == 5 and item["position"] == 1:
                continue  # an omitted answer
            client.put(
                f"/api/v1/attempts/{state['attempt_id']}/responses/{item['position']}",
                json={"answer": answer, "seq": 1},
                headers=headers,
            )
        assert client.post(f"/api/v1/attempts/{state['attempt_id']}/submit", headers=headers).status_code == 200
    return count


def test_cli_json_holds_the_contract(runner, taken):
    result = runner.invoke(args=["analysis", "items", "quiz", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload["test"]) >= {"n", "mean", "sd", "kr20", "sem", "pass_rate"}
    assert payload["test"]["n"] == taken and "percents" not in payload["test"]
    item = payload["items"][0]
    assert set(item) >= {"item_ref", "version", "n", "p", "point_biserial", "discrimination_27", "flags"}
    assert all(0 <= i["p"] <= 1 for i in payload["items"] if i["p"] is not None)
    assert sum(i["n"] for i in payload["items"]) == taken * 7
    assert any(i["omit_rate"] for i in payload["items"])


def test_cli_refuses_unknown_assessments(runner, quiz):
    result = runner.invoke(args=["analysis", "items", "nope"])
    assert result.exit_code == 1 and "no assessment 'nope'" in result.output and "quiz" in result.output


def test_report_page_downloads_and_staleness(app, client, auth, make_user, taken):
    auth.login_as(make_user(roles=("admin",)))
    page = text(client.get("/admin/reports/quiz"))
    assert f"From {taken} scored attempts" in page and "Item statistics" in page and "<svg" in page
    with app.app_context():
        assert db.session.get(AnalysisSnapshot, db.session.query(AnalysisSnapshot).one().assessment_id).payload
    csv = client.get("/admin/reports/quiz.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and "Point-biserial" in csv.get_data(as_text=True)
    xlsx = client.get("/admin/reports/quiz.xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx.data)) as book:
        assert any(name.startswith("xl/worksheets/") for name in book.namelist())
    assert "Recompute now" in page and "have been scored since" not in page
    refreshed = post_form(client, "/admin/reports/quiz/refresh", follow_redirects=True)
    assert "Analysis recomputed from 6 attempts" in text(refreshed)


def test_item_detail_shows_distractors_and_promotes_pilots(app, client, auth, make_user, taken, runner):
    auth.login_as(make_user(roles=("admin",)))
    payload = json.loads(runner.invoke(args=["analysis", "items", "quiz", "--json"]).output)
    choice = next(i for i in payload["items"] if i["distractors"])
    page = text(client.get(f"/admin/reports/quiz/items/{choice['item_ref']}/{choice['version']}"))
    assert "Who chose each option" in page and "Upper 27 %" in page
    with app.app_context():
        version = (
            db.session.query(ItemVersion)
            .join(Item, Item.id == ItemVersion.item_id)
            .filter(Item.ref == choice["item_ref"], ItemVersion.version == choice["version"])
            .one()
        )
        version.status = "pilot"
        db.session.commit()
        ref_version = version.id
    promoted = post_form(client, f"/admin/reports/quiz/items/{choice['item_ref']}/{choice['version']}/promote")
    assert promoted.status_code == 302
    with app.app_context():
        assert db.session.get(ItemVersion, ref_version).status == "live"
    assert client.get("/admin/reports/quiz/items/NOPE/1").status_code == 404
    assert client.get("/admin/reports/nope").status_code == 404


def test_refresh_command_updates_only_stale_analyses(runner, taken, app):
    first = runner.invoke(args=["analysis", "refresh"])
    assert first.exit_code == 0 and "quiz: 6 attempts" in first.output
    again = runner.invoke(args=["analysis", "refresh"])
    assert again.exit_code == 0 and "0 analysis(es) refreshed" in again.output
    with app.app_context():
        snap = db.session.query(AnalysisSnapshot).filter(AnalysisSnapshot.scored_attempts == 6).one()
        assert snap.payload["test"]["n"] == 6


def test_reports_filter_by_cohort_and_registration_date(app, client, auth, make_user, taken):
    from certify.assessments.attempt_models import Attempt
    from certify.reports.models import Cohort, CohortMember

    auth.login_as(make_user(roles=("admin",)))
    with app.app_context():
        two = [a.user_id for a in db.session.query(Attempt).order_by(Attempt.id).limit(2)]
        cohort = Cohort(name="Harbour Bank")
        db.session.add(cohort)
        db.session.flush()
        db.session.add_all([CohortMember(cohort_id=cohort.id, user_id=uid) for uid in two])
        db.session.commit()
        cohort_id = cohort.id
    page = text(client.get(f"/admin/reports/quiz?cohort={cohort_id}"))
    assert "Filtered: attempts by candidates in Harbour Bank (2 attempts)" in page
    csv = client.get(f"/admin/reports/quiz.csv?cohort={cohort_id}").get_data(as_text=True)
    everyone = client.get("/admin/reports/quiz.csv").get_data(as_text=True)
    assert csv != everyone and ",2," in csv  # every item seen by two attempts
    future = text(client.get("/admin/reports/quiz?from=2999-01-01"))
    assert "(0 attempts)" in future
    bad = client.get("/admin/reports/quiz?from=yesterday&cohort=999")
    assert bad.status_code == 400 and "is not a date" in text(bad) and "no cohort" in text(bad)
    agreement = client.get(f"/admin/agreement?cohort={cohort_id}")
    assert agreement.status_code == 200 and "Filtered: reviews of portfolios by candidates in Harbour Bank" in text(
        agreement
    )
    assert client.get("/admin/agreement?to=31/12/2020").status_code == 400
