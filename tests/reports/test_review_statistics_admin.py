"""Admins see how well assessors agree (/admin/agreement) and where each assessor stands (/admin/assessors)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from certify.extensions import db
from tests.reports.test_rater_analysis_cli import (
    BASE,
    allocate,
    build_single_version_example,
    calibrate,
    new_version,
)
from tests.support.helpers import text


def _row(body, label):
    """The cells (as plain text) of the one table row whose text contains `label`."""
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", body, re.S) if label in row]
    assert len(rows) == 1, f"expected one row with {label!r}, found {len(rows)}"
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", rows[0], re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in cells]


@pytest.fixture
def admin(make_user, auth):
    user = make_user(roles=("admin",), name="Dana Okafor")
    auth.login_as(user)
    return user


def test_admin_sees_the_hand_worked_agreement_of_two_assessors(app, client, admin, make_user, runner):
    # See tests/review/test_analysis_cli.py: one version, pairs (3,3)x3 (3,4) (2,2) (2,3) (4,4) (4,3).
    build_single_version_example(app, make_user, runner)
    response = client.get("/admin/agreement")
    assert response.status_code == 200
    body = text(response)
    assert "<dt>Double-marked versions</dt><dd>1</dd>" in body
    assert "<dt>Exact agreement</dt><dd>62.5%</dd>" in body  # 5 of 8 pairs
    assert "<dt>Adjacent agreement</dt><dd>100.0%</dd>" in body
    assert "<dt>Quadratic weighted kappa</dt><dd>0.571 (moderate, few pairs)</dd>" in body  # 4/7

    assert _row(body, "OBJECTIVES") == [
        "OBJECTIVES: Measurable objectives",
        "1",
        "0.0%",
        "100.0%",
        "0.000 (slight, few pairs)",
    ]
    assert _row(body, "KPM:") == [
        "KPM: Business result and key performance metric",
        "1",
        "100.0%",
        "100.0%",
        "n/a (not enough data)",
    ]
    assert _row(body, "Ada Adeyemi and Ben Brooks") == [
        "Ada Adeyemi and Ben Brooks",
        "1",
        "8",
        "62.5%",
        "100.0%",
        "0.571 (moderate, few pairs)",
    ]
    # Final levels are the means rounded down: Ada is above them once, Ben twice, on 8 criteria.
    assert _row(body, '<th scope="row">Ada Adeyemi</th>') == ["Ada Adeyemi", "1", "+0.125 (lenient)", "n/a"]
    assert _row(body, '<th scope="row">Ben Brooks</th>') == ["Ben Brooks", "1", "+0.250 (lenient)", "n/a"]
    assert "Negative means severe" in body
    assert "Pat Candidate" not in body


def test_assessors_page_shows_calibration_load_and_reviews(app, client, admin, make_user, runner):
    ada, ben, _candidate, _ = build_single_version_example(app, make_user, runner)
    calibrate(app, ben, share=0.5, calibrated=False, when=BASE + timedelta(days=2))  # a later, failed attempt
    cy = make_user(roles=("assessor",), name="Cy Calder")
    allocate(app, new_version(app, make_user(name="Quinn Candidate")), cy, "first")
    body = text(client.get("/admin/assessors"))
    assert "<caption>3 assessors</caption>" in body
    assert _row(body, "Ada Adeyemi")[:7] == [
        "Ada Adeyemi",
        "Yes",
        "100.0% matched on 2025-03-03",
        "1",
        "0",
        "1",
        "+0.125 (lenient)",
    ]
    # Calibrated once is enough to be allocated; the latest attempt is shown as it was.
    assert _row(body, "Ben Brooks")[:7] == [
        "Ben Brooks",
        "Yes",
        "50.0% matched on 2025-03-05",
        "2",
        "0",
        "1",
        "+0.250 (lenient)",
    ]
    assert _row(body, "Cy Calder")[:7] == ["Cy Calder", "No", "Not attempted", "0", "1", "0", "n/a"]
    assert _row(body, "Cy Calder")[7:] == ["n/a", "n/a", "n/a"]  # no ratings: no rater-model measure or drift
    assert f'href="/admin/users/{cy.id}"' in body and f'href="/admin/users/{ada.id}"' in body
    assert "Pat Candidate" not in body and "Quinn Candidate" not in body and "Dana Okafor" not in body


def test_empty_states_explain_what_will_appear(client, admin):
    body = text(client.get("/admin/agreement"))
    assert "No double-marked portfolios yet" in body and "<table" not in body
    assert "No portfolio has final levels yet" in body
    body = text(client.get("/admin/assessors"))
    assert "No one holds the assessor role yet" in body and "<table" not in body


@pytest.mark.parametrize("role", ["candidate", "assessor"])
@pytest.mark.parametrize("path", ["/admin/agreement", "/admin/assessors"])
def test_only_admins_see_review_statistics(client, make_user, auth, role, path):
    auth.login_as(make_user(roles=(role,)))
    assert client.get(path).status_code == 403


def test_pages_have_captions_scoped_headers_and_no_inline_style(app, client, admin, make_user, runner):
    build_single_version_example(app, make_user, runner)
    for path in ("/admin/agreement", "/admin/assessors"):
        body = text(client.get(path))
        assert body.count("<table") == body.count("<caption>") > 0
        assert "<th>" not in body and "style=" not in body and "<script" not in body


def test_agreement_downloads_carry_the_same_figures(app, client, admin, make_user, runner):
    import io
    import zipfile

    build_single_version_example(app, make_user, runner)
    criteria = client.get("/admin/agreement.csv?section=criteria")
    assert criteria.status_code == 200 and criteria.mimetype == "text/csv"
    lines = criteria.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("criterion,title,n,exact,adjacent,qwk,band")
    assert any(line.startswith("OBJECTIVES,Measurable objectives,1,0.0,1.0,0.0") for line in lines)
    pairs = client.get("/admin/agreement.csv?section=pairs").get_data(as_text=True)
    assert "Ada Adeyemi,Ben Brooks,1,8,0.625,1.0,0.571" in pairs
    book = zipfile.ZipFile(io.BytesIO(client.get("/admin/agreement.xlsx").data))
    assert {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"} <= set(book.namelist())


def test_agreement_filters_to_a_cohort_of_candidates(app, client, admin, make_user, runner):
    from certify.reports.models import Cohort, CohortMember

    _ada, _ben, candidate, _version = build_single_version_example(app, make_user, runner)
    with app.app_context():
        theirs, empty = Cohort(name="Their intake"), Cohort(name="Nobody yet")
        db.session.add_all([theirs, empty])
        db.session.flush()
        db.session.add(CohortMember(cohort_id=theirs.id, user_id=candidate.id))
        db.session.commit()
        ids = theirs.id, empty.id
    assert "<dt>Double-marked versions</dt><dd>1</dd>" in text(client.get(f"/admin/agreement?cohort={ids[0]}"))
    none = text(client.get(f"/admin/agreement?cohort={ids[1]}"))
    assert "<dt>Double-marked versions</dt><dd>1</dd>" not in none and "Nobody yet" in none
    pairs = client.get(f"/admin/agreement.csv?section=pairs&cohort={ids[1]}").get_data(as_text=True)
    assert "Ada Adeyemi" not in pairs
