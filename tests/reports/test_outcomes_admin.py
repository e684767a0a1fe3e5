"""Outcome dashboards and their CSV/XLSX downloads, over the hand-worked population in outcomes_support.py
(its docstring has the table of who did what and when, from which every expected figure here is worked)."""

from __future__ import annotations

import importlib
import importlib.util
import io

import pytest

from tests.support.helpers import text
from tests.support.outcomes import (
    csv_rows,
    section_rows,
    sheet_rows,
    typed,
)


def test_funnel_counts_and_median_days_between_steps(client, signed_in_admin, population):
    assert section_rows(client, "funnel") == [
        ["Step", "Candidates", "% of registered", "Median days from previous step"],
        ["Registered", "5", "100.0", ""],
        ["Course complete", "4", "80.0", "15.0"],  # 10, 20, 40, 5 days
        ["Exam passed", "3", "60.0", "12.0"],  # Ada 30, Ben 4, Eve 12; Cleo never passed
        ["Portfolio passed", "3", "60.0", "2.0"],  # Ada 10, Ben 0 (passed before his exam), Eve 2
        ["Certified", "3", "60.0", "7.0"],  # Ada 2, Ben 11, Eve 7
    ]


def test_first_attempt_pass_rate_and_certificates(client, signed_in_admin, population):
    assert section_rows(client, "first_attempt")[1:] == [
        ["Candidates with a scored first attempt", "4"],
        ["Passed at the first attempt", "2"],  # Ben and Eve; Ada and Cleo failed their first
        ["First-attempt pass rate %", "50.0"],
    ]
    assert section_rows(client, "certificates")[1:] == [
        ["Issued (all time)", "6"],
        ["Active", "3"],
        ["Active, expiring within 90 days", "2"],
        ["Renewed (replaced by a successor)", "1"],
        ["Suspended", "1"],
        ["Revoked", "1"],
        ["Expired", "1"],
    ]


def test_learning_gain_per_competency(client, signed_in_admin, population):
    # Changed with the gain of issue 13: Ben's 100 on the PA pre-test now counts in the means and the gain of the
    # means; Hake's g moves to the two legacy columns. Independent figures: tests/reports/test_outcome_gain.py.
    rows = {row[0]: row[1:] for row in section_rows(client, "gain")[1:]}
    # RA: means 36.7 -> 70.0, (70 - 36.67) / 63.33 = 0.526; c = 30/60, 40/80, 30/50 -> 0.533 (= Hake's g here)
    assert rows["RA"] == ["3", "36.7", "70.0", "0.526", "0.533", "3", "0", "0", "", "", "0.533", "0"]
    # PA: Ada (50 -> 40), Ben (100 -> 100), Eve (50 -> 50): means 66.7 -> 63.3, gain of means -0.1;
    # c: Ada -10/50 = -0.2, Eve 0, Ben left out (100 on both); Hake skips Ben
    assert rows["PA"] == ["3", "66.7", "63.3", "-0.1", "-0.1", "2", "1", "0", "", "", "-0.1", "1"]
    assert rows["EV"] == ["0", "", "", "", "", "0", "0", "0", "", "", "", "0"]


def test_mastery_heatmap_by_cohort_uses_the_latest_attempt(client, signed_in_admin, population):
    rows = {(r[0], r[1]): r[2:] for r in section_rows(client, "mastery")[1:]}
    assert rows[("All candidates", "RA")] == ["4", "3", "75.0", "65.0"]  # 90, 60, 30*, 80
    assert rows[("All candidates", "PA")] == ["4", "4", "100.0", "72.5"]
    assert rows[("Acme", "RA")] == ["2", "1", "50.0", "60.0"]
    assert rows[("'=Beta+1", "RA")] == ["2", "2", "100.0", "70.0"]  # a formula-like name is defused
    assert rows[("All candidates", "EV")] == ["0", "0", "", ""]


def test_choosing_a_cohort_narrows_every_section(client, signed_in_admin, population):
    acme = {"cohort": population.acme}
    assert [r[1:] for r in section_rows(client, "funnel", **acme)[1:]] == [
        ["2", "100.0", ""],
        ["2", "100.0", "25.0"],
        ["1", "50.0", "30.0"],
        ["1", "50.0", "10.0"],
        ["1", "50.0", "2.0"],
    ]
    mastery = section_rows(client, "mastery", **acme)
    assert mastery[0][0] == "Candidate"  # a small cohort is shown one candidate per row
    assert {(r[0], r[1]): r[4] for r in mastery[1:] if r[1] == "RA"} == {("Ada", "RA"): "100.0", ("Cleo", "RA"): "0.0"}
    assert section_rows(client, "first_attempt", **acme)[3] == ["First-attempt pass rate %", "0.0"]
    assert section_rows(client, "certificates", **acme)[1:4] == [
        ["Issued (all time)", "1"],
        ["Active", "1"],
        ["Active, expiring within 90 days", "1"],
    ]


def test_registration_dates_narrow_the_population_inclusively(client, signed_in_admin, population):
    window = {"from": "2024-02-01", "to": "2024-03-01"}  # Cleo and Dev
    assert [r[1:] for r in section_rows(client, "funnel", **window)[1:3]] == [["2", "100.0", ""], ["1", "50.0", "40.0"]]
    assert section_rows(client, "certificates", **window)[1] == ["Issued (all time)", "1"]
    assert section_rows(client, "certificates", **window)[7] == ["Expired", "1"]
    assert section_rows(client, "filters", **window)[2:4] == [
        ["Registered from", "2024-02-01"],
        ["Registered to", "2024-03-01"],
    ]


def test_the_page_shows_charts_beside_tables_with_the_same_figures(client, signed_in_admin, population):
    response = client.get("/admin/reports/outcomes")
    assert response.status_code == 200
    body = text(response)
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    for chart in ("funnel-chart", "mastery-chart", "gain-chart"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in body
        assert f'<title id="{chart}-title">' in body
    assert "style=" not in body
    assert ">4 (80.0%)</text>" in body  # the funnel bar prints its figure
    assert "<td>4</td><td>80.0</td><td>15.0</td>" in body  # and the table beside it agrees
    assert "75.0% (3 of 4; mean 65.0%)" in body
    assert ">+0.53; c +0.53 (n=3)</text>" in body  # the gain of the means, then c
    assert "<dt>First-attempt pass rate</dt><dd>50.0%</dd>" in body


def test_xlsx_holds_the_same_numbers_as_the_csv(client, signed_in_admin, population):
    response = client.get("/admin/reports/outcomes.xlsx", query_string={"cohort": population.acme})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheets = sheet_rows(response.data)
    assert list(sheets) == [
        "Filters",
        "Certification funnel",
        "Competency mastery (latest cert",
        "Learning gain (first pre-test t",
        "Retakes (first to latest certif",
        "First-attempt pass rate (certif",
        "Certificates",
    ]
    assert sheets["Filters"][1] == ["Cohort", "Acme"]
    funnel = sheets["Certification funnel"]
    assert funnel[0] == ["Step", "Candidates", "% of registered", "Median days from previous step"]
    assert funnel[1] == ["Registered", 2.0, 100.0]  # an empty cell is left out
    assert funnel[2] == ["Course complete", 2.0, 100.0, 25.0]  # numbers are numeric cells
    sections = ["funnel", "mastery", "gain", "retakes", "first_attempt", "certificates"]
    for section, rows in zip(sections, list(sheets.values())[1:], strict=True):
        assert [typed(r) for r in section_rows(client, section, cohort=population.acme)] == rows, section
    if importlib.util.find_spec("openpyxl"):  # not a dependency; a second opinion when it happens to be there
        importlib.import_module("openpyxl").load_workbook(io.BytesIO(response.data))


def test_one_long_csv_holds_every_section(client, signed_in_admin, population):
    rows = csv_rows(client.get("/admin/reports/outcomes.csv"))
    assert rows[0] == ["Section", "Row", "Measure", "Value"]
    assert ["Certification funnel", "Course complete", "Median days from previous step", "15.0"] in rows
    assert ["Competency mastery (latest certification attempt)", "Acme / RA", "% met mastery", "50.0"] in rows
    assert ["Certificates", "Revoked", "Certificates", "1"] in rows


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"cohort": "999999"}, "There is no cohort “999999”"),
        ({"cohort": "acme"}, "There is no cohort “acme”"),
        ({"from": "2024-13-01"}, "Registered from “2024-13-01” is not a date"),
        ({"from": "2024-05-01", "to": "2024-04-01"}, "is after “Registered to”"),
    ],
)
@pytest.mark.parametrize(
    "path", ["/admin/reports/outcomes", "/admin/reports/outcomes.csv", "/admin/reports/outcomes.xlsx"]
)
def test_bad_filters_are_refused_with_the_typed_values_kept(client, signed_in_admin, population, query, message, path):
    response = client.get(path, query_string=query)
    assert response.status_code == 400
    body = text(response)
    assert message in body
    for value in query.values():
        if "-" in value:
            assert f'value="{value}"' in body


def test_an_unknown_section_is_refused(client, signed_in_admin, population):
    response = client.get("/admin/reports/outcomes.csv?section=nope")
    assert response.status_code == 400
    assert "There is no report section “nope”" in text(response)


def test_an_empty_platform_reports_zeroes_not_errors(client, signed_in_admin):
    assert client.get("/admin/reports/outcomes").status_code == 200
    assert section_rows(client, "first_attempt")[3] == ["First-attempt pass rate %", ""]


# Cohorts
