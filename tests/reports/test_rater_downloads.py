"""The assessor downloads carry the rater model's measures, equal to `flask analysis raters --json`."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict

import pytest
from sqlalchemy import select

from certify.auth.models import User
from certify.extensions import db
from certify.review.models import Allocation, Review
from tests.reports.test_rater_analysis_cli import BASE, double_mark, seed_rubric
from tests.reports.test_rater_model import mark_with_drift
from tests.support.helpers import text
from tests.support.outcomes import sheet_rows

SECTIONS = ("criteria", "pairs", "assessors", "rater_model")
# The columns the Assessors table always had, in their order; the rater model's are appended after them.
EARLIER_COLUMNS = [
    "id",
    "name",
    "active",
    "holds_role",
    "reviews",
    "resolved_reviews",
    "severity",
    "drift_per_30_days",
    "calibrated",
    "latest_calibration_share",
    "latest_calibration_at",
    "calibration_attempts",
    "open_allocations",
]
MODEL_COLUMNS = {
    "severity": "severity_logits",
    "severity_se": "severity_logits_se",
    "infit": "infit",
    "outfit": "outfit",
    "drift_per_30_days": "drift_logits_per_30_days",
    "drift_se": "drift_logits_se",
    "portfolios": "portfolios_measured",
}


def _number(cell):
    return None if cell in ("", None) else float(cell)


def test_assessor_downloads_carry_severity_fit_and_drift(app, client, runner, make_user, auth):
    mark_with_drift(app, runner, make_user)
    payload = json.loads(runner.invoke(args=["analysis", "raters", "--json"]).output)
    model = {r["name"]: r for r in payload["raters"]}
    assert len(model) == 3 and all(r["drift_per_30_days"] is not None for r in model.values())
    auth.login_as(make_user(roles=("admin",)))

    page = text(client.get("/admin/assessors"))
    assert 'href="/admin/agreement.csv?section=assessors"' in page and 'href="/admin/agreement.xlsx"' in page
    response = client.get("/admin/agreement.csv?section=assessors")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    assert header == [*EARLIER_COLUMNS, *MODEL_COLUMNS.values(), "measure_tentative"]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    for name, measured in model.items():
        for key, column in MODEL_COLUMNS.items():
            assert _number(by_name[name][column]) == measured[key], (name, key)
        assert by_name[name]["measure_tentative"] == ("true" if measured["tentative"] else "false")
    # The older figure (levels, from the agreement report) keeps its column and its values.
    older = {a["name"]: a for a in payload["assessors"]}
    assert all(_number(by_name[name]["severity"]) == older[name]["severity"] for name in model)

    sheets = sheet_rows(client.get("/admin/agreement.xlsx").data)
    assert list(sheets) == ["Criteria", "Pairs", "Assessors", "Rater model"]
    assert sheets["Assessors"][0] == header
    in_sheet = {row[1]: dict(zip(header, row, strict=False)) for row in sheets["Assessors"][1:]}
    for name, measured in model.items():
        assert [in_sheet[name][c] for c in MODEL_COLUMNS.values()] == [measured[k] for k in MODEL_COLUMNS]
    status = {row[0]: row[1] for row in sheets["Rater model"][1:] if len(row) > 1}
    assert status["status"] == "ok"
    assert status["pass_fail_portfolios"] == payload["decision_agreement"]["portfolios"] == 72
    assert status["pass_fail_kappa"] == payload["decision_agreement"]["kappa"]

    # Counted plainly: each assessor is in two of the three pairs, 24 portfolios each.
    assert all(_number(by_name[name]["portfolios_measured"]) == 48 for name in model)
    # Pass/fail agreement recounted from the stored reviews (pass: every criterion at level 3 or above),
    # with Cohen's kappa written out from the two markings' pass rates.
    first, second = _pass_fail(app)
    n = len(first)
    agree = sum(a == b for a, b in zip(first, second, strict=True))
    both_pass = sum(a and b for a, b in zip(first, second, strict=True))
    p1, p2 = sum(first) / n, sum(second) / n
    chance = p1 * p2 + (1 - p1) * (1 - p2)
    assert (n, both_pass, agree - both_pass, n - agree) == tuple(
        status[f"pass_fail_{k}"] for k in ("portfolios", "both_pass", "both_fail", "split")
    )
    assert abs(status["pass_fail_agreement"] - agree / n) < 5e-4
    assert abs(status["pass_fail_kappa"] - (agree / n - chance) / (1 - chance)) < 5e-4


def _pass_fail(app):
    """Each double-marked version's (first, second) pass/fail, read from the review tables."""
    with app.app_context():
        rows = db.session.execute(
            select(Allocation.version_id, Allocation.role, Review.levels).join(
                Review, Review.allocation_id == Allocation.id
            )
        ).all()
    by_version = defaultdict(dict)
    for version, role, levels in rows:
        by_version[version][role] = min(int(v) for v in levels.values()) >= 3
    pairs = [(marks["first"], marks["second"]) for marks in by_version.values()]
    return [a for a, _ in pairs], [b for _, b in pairs]


def test_no_candidate_is_named_in_the_assessor_downloads(app, client, runner, make_user, auth):
    mark_with_drift(app, runner, make_user)
    with app.app_context():
        candidates = [u for u in db.session.scalars(select(User)) if u.has_role("candidate")]
        identities = [u.name for u in candidates] + [u.email for u in candidates]
    assert len(candidates) == 72
    auth.login_as(make_user(roles=("admin",)))
    downloads = [client.get(f"/admin/agreement.csv?section={s}") for s in SECTIONS]
    book = client.get("/admin/agreement.xlsx").data
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        xml = " ".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))
    bodies = [r.get_data(as_text=True) for r in downloads] + [xml]
    assert all(r.status_code == 200 for r in downloads) and "Dora Drifting" in bodies[2]
    assert not [who for who in identities for body in bodies if who in body]
    # Nor does any column name a candidate or portfolio: the Assessors table is about assessors only.
    header = next(csv.reader(io.StringIO(bodies[2].lstrip("\ufeff"))))
    assert not [h for h in header if "candidate" in h or "portfolio_id" in h or "email" in h]


def test_formula_like_assessor_names_are_neutralised(app, client, runner, make_user, auth):
    seed_rubric(runner)
    hostile = make_user(roles=("assessor",), name='=HYPERLINK("http://evil.example","x")')
    other = make_user(roles=("assessor",), name="@Other Assessor")
    double_mark(app, make_user(), hostile, other, [3] * 8, [2] + [3] * 7, BASE)
    auth.login_as(make_user(roles=("admin",)))
    rows = list(csv.reader(io.StringIO(client.get("/admin/agreement.csv?section=assessors").get_data(as_text=True))))
    names = {row[1] for row in rows[1:]}
    assert {"'" + hostile.name, "'" + other.name} <= names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows[1:] for cell in row if not _is_number(cell))
    pairs = client.get("/admin/agreement.csv?section=pairs").get_data(as_text=True)
    assert "'=HYPERLINK" in pairs and ",=HYPERLINK" not in pairs


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/admin/agreement.csv?section=nope", "There is no section 'nope'; choose one of criteria, pairs, assessors"),
        ("/admin/agreement.csv?section=assessors&from=someday", "is not a date"),
        ("/admin/agreement.xlsx?cohort=999999", "no cohort"),
    ],
)
def test_bad_sections_and_filters_are_refused(client, make_user, auth, url, message):
    auth.login_as(make_user(roles=("admin",)))
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert message in response.get_data(as_text=True)


def test_the_rater_model_section_downloads_by_its_name(client, make_user, auth):
    auth.login_as(make_user(roles=("admin",)))
    for section in ("rater_model", "rater-model", "Rater model"):
        response = client.get("/admin/agreement.csv", query_string={"section": section})
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[0] == ["statistic", "value"] and rows[1] == ["status", "no_data"], section


@pytest.mark.parametrize("role", ["anonymous", "candidate", "assessor"])
@pytest.mark.parametrize("url", ["/admin/agreement.csv?section=assessors", "/admin/agreement.xlsx"])
def test_only_admins_download_the_assessors(client, make_user, auth, role, url):
    if role == "anonymous":
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
        return
    auth.login_as(make_user(roles=(role,)))
    assert client.get(url).status_code == 403
