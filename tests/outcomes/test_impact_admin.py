"""The impact report and success case pages for admins, their downloads, access and bad input
(the population and its figures: tests/support/outcome_report.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from certify.audit.models import AuditEvent
from certify.database import utcnow
from certify.extensions import db
from certify.outcomes.models import SuccessCase
from tests.support.helpers import post_form, text
from tests.support.outcome_report import impact_world  # noqa: F401 - fixture
from tests.support.outcomes import csv_rows, sheet_rows

pytestmark = pytest.mark.usefixtures("impact_world")


@pytest.fixture
def signed_in_admin(make_user, auth):
    user = make_user(roles=("admin",), name="Dana Okafor")
    auth.login_as(user)
    return user


def _section(client, section, **filters):
    return csv_rows(client.get("/admin/outcomes/report.csv", query_string={"section": section, **filters}))


@pytest.mark.usefixtures("signed_in_admin")
def test_report_page_states_the_share_its_interval_and_the_non_respondents(client):
    page = text(client.get("/admin/outcomes/"))
    assert "<h1>Programme impact</h1>" in page
    assert "<strong>2 of 3</strong> plans with a sponsor-attested outcome" in page
    assert "66.7%" in page and "95 % Wilson score interval" in page
    assert "response rate of 83.3%" in page and "<strong>1 non-respondent</strong>" in page
    for chart in ("Plans by follow-up status", "Level-3 ratings per objective", "Enablers from the success"):
        assert f">{chart}" in page
    assert page.count("<caption>") >= 5


@pytest.mark.usefixtures("signed_in_admin")
def test_csv_sections_hold_the_same_figures(client):
    summary = {row[0]: row[1] for row in _section(client, "summary")[1:]}
    assert summary["Holders with an outcome plan (certificates: the denominator)"] == "7"
    assert (summary["Followed up (a follow-up due)"], summary["Responded (holder or sponsor)"]) == ("6", "5")
    assert summary["Non-respondents (followed up, no answer)"] == "1"
    assert (summary["Moved toward target %"], summary["Median attainment of target"]) == ("66.7", "0.5")
    assert _section(client, "status")[1:] == [
        ["Latest sponsor response attests", "3"],
        ["Latest sponsor response disputes", "1"],
        ["Holder reported, sponsor silent", "1"],
        ["No response (non-respondents)", "1"],
        ["No follow-up due yet", "1"],
    ]
    assert _section(client, "themes")[1:] == [
        ["enabler", "Job aid", "2"],
        ["enabler", "Manager coaching", "1"],
        ["barrier", "Rota changes", "2"],
        ["barrier", "No time to practise", "1"],
    ]
    acme = {row[0]: row[1] for row in _section(client, "summary", cohort="Acme")[1:]}
    assert acme["Holders with an outcome plan (certificates: the denominator)"] == "3"


@pytest.mark.usefixtures("signed_in_admin")
def test_xlsx_has_a_sheet_per_section_with_numbers_as_numbers(client):
    response = client.get("/admin/outcomes/report.xlsx", query_string={"from": "2025-01-01", "to": "2025-03-31"})
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheets = sheet_rows(response.data)
    assert list(sheets)[:3] == ["Summary", "Plans by follow-up status", "Level-3 ratings per objective"]
    summary = {row[0]: row[1] for row in sheets["Summary"][1:]}
    assert summary["Holders with an outcome plan (certificates: the denominator)"] == 4.0  # Ada, Ben, Cleo, Dev
    assert summary["Moved toward target"] == 2.0


@pytest.mark.usefixtures("signed_in_admin")
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"cohort": "Gamma"}, "There is no cohort “Gamma”"),
        ({"from": "2025-02-30"}, "is not a date"),
        ({"from": "2025-05-01", "to": "2025-04-01"}, "is after"),
        ({"section": "secrets"}, "There is no report section"),
    ],
)
def test_bad_filters_get_a_clear_message_on_the_page(client, query, message):
    for url in ("/admin/outcomes/", "/admin/outcomes/report.csv", "/admin/outcomes/report.xlsx"):
        if "section" in query and url != "/admin/outcomes/report.csv":
            continue
        response = client.get(url, query_string=query)
        assert response.status_code == 400
        assert message in text(response) and 'role="alert"' in text(response)
        assert 'value="' + query.get("from", "") + '"' in text(response)  # what was typed is kept


@pytest.mark.parametrize(
    "url", ["/admin/outcomes/", "/admin/outcomes/report.csv", "/admin/outcomes/report.xlsx", "/admin/outcomes/cases"]
)
def test_only_admins_see_the_report(client, auth, make_user, url):
    assert client.get(url).status_code in (302, 401)
    auth.login_as(make_user(roles=("candidate", "assessor")))
    assert client.get(url).status_code == 403


def test_only_admins_propose_or_record(client, auth, make_user):
    auth.login_as(make_user(roles=("assessor",)))
    assert post_form(client, "/admin/outcomes/cases/propose").status_code == 403


def test_proposing_cases_adds_the_missing_extremes_once_and_audits_them(app, client, signed_in_admin):
    response = post_form(client, "/admin/outcomes/cases/propose", {"cohort": ""}, follow_redirects=True)
    page = text(response)
    # 3 attested plans (Ada, Ben, Cleo): fewer than 2 x 3, so all are proposed; all three were already cases
    assert "Proposed 0 case(s) for interview. 3 were already cases." in page
    assert "Only 3 plans have an attested outcome, fewer than the 6 needed" in page
    with app.app_context():
        db.session.execute(db.delete(SuccessCase))
        db.session.commit()
    page = text(post_form(client, "/admin/outcomes/cases/propose", {"cohort": "Acme"}, follow_redirects=True))
    assert "Proposed 2 case(s) for interview." in page  # Ada (0.69) success, Ben (0.5) non-success
    with app.app_context():
        kinds = {c.plan.holder_id: c.kind for c in db.session.scalars(select(SuccessCase))}
        assert sorted(kinds.values()) == ["non_success", "success"]
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "outcome.success_case_proposed"))
        assert len(list(events)) == 2


def _case_id(app, kind="success"):
    with app.app_context():
        return db.session.scalars(
            select(SuccessCase.id).where(SuccessCase.kind == kind).order_by(SuccessCase.id)
        ).first()


def test_recording_findings_normalises_themes_and_audits(app, client, signed_in_admin):
    case = _case_id(app)
    today = utcnow().date().isoformat()
    form = {
        "interviewed_on": today,
        "enablers": "Manager coaching, job aid\nmanager COACHING",
        "barriers": " Rota changes ;",
        "notes": "<script>alert(1)</script> The team lead ran weekly call reviews.",
    }
    response = post_form(client, f"/admin/outcomes/cases/{case}", form, follow_redirects=True)
    assert response.status_code == 200
    page = text(response)
    assert "Findings of the interview" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    with app.app_context():
        row = db.session.get(SuccessCase, case)
        assert (row.enablers, row.barriers) == (["Manager coaching", "job aid"], ["Rota changes"])
        assert row.interviewer_id == signed_in_admin.id
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "outcome.success_case_interviewed")
        ).one()
        assert event.after["enablers"] == ["Manager coaching", "job aid"]


@pytest.mark.parametrize(
    ("field", "wrong", "message"),
    [
        ("interviewed_on", "", "give the date of the interview"),
        ("interviewed_on", "30/06/2025", "is not a date"),
        ("interviewed_on", "tomorrow", "is not a date"),
        ("interviewed_on", "future", "is in the future"),
        ("interviewed_on", "1999-01-01", "is before the case was proposed"),
        ("enablers", "x" * 81, "a theme has at most 80 characters"),
        ("enablers", ",".join(f"theme {n}" for n in range(21)), "at most 20 themes"),
        ("both", "", "Give at least one enabler or barrier"),
        ("notes", "n" * 5001, "Notes have at most 5000 characters"),
    ],
)
def test_each_wrong_finding_is_named_and_nothing_is_lost(app, client, signed_in_admin, field, wrong, message):
    case = _case_id(app, "success")
    with app.app_context():
        before = db.session.get(SuccessCase, case).enablers
    form = {"interviewed_on": utcnow().date().isoformat(), "enablers": "Job aid", "barriers": "Rota", "notes": "kept"}
    if field == "both":
        form["enablers"] = form["barriers"] = ""
    elif wrong == "future":
        form[field] = (utcnow() + timedelta(days=2)).date().isoformat()
    else:
        form[field] = wrong
    response = post_form(client, f"/admin/outcomes/cases/{case}", form)
    assert response.status_code == 400
    page = text(response)
    assert message in page and 'role="alert"' in page
    assert ">kept</textarea>" in page or field == "notes"  # what was typed comes back
    with app.app_context():
        assert db.session.get(SuccessCase, case).enablers == before


def test_findings_for_an_unknown_case_is_404(client, signed_in_admin):
    assert post_form(client, "/admin/outcomes/cases/999999", {"interviewed_on": "2025-01-01"}).status_code == 404


@pytest.mark.usefixtures("signed_in_admin")
def test_reports_index_links_the_impact_report(client):
    assert 'href="/admin/outcomes/"' in text(client.get("/admin/reports"))
