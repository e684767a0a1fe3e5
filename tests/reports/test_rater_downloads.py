"""The assessor downloads carry the rater model's measures, equal to `flask analysis raters --json`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.reports.test_rater_model import mark_with_drift
from tests.support.helpers import text
from tests.support.outcomes import sheet_rows

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


@pytest.mark.parametrize("role", ["candidate", "assessor"])
@pytest.mark.parametrize("url", ["/admin/agreement.csv?section=assessors", "/admin/agreement.xlsx"])
def test_only_admins_download_the_assessors(client, make_user, auth, role, url):
    auth.login_as(make_user(roles=(role,)))
    assert client.get(url).status_code == 403
