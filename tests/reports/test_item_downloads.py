"""The item analysis downloads carry the figures of the JSON payload: IRT parameters, flags with n and CI, the test.

Each test reads the payload from `flask analysis items --json` and the files through the admin pages, and
compares them cell by cell: the check that the export does not drift from the computation.
"""

from __future__ import annotations

import csv
import io
import json
import math
import zipfile
from collections import defaultdict

import pytest
from sqlalchemy import select

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore
from certify.assessments.models import Item, ItemVersion
from certify.extensions import db
from tests.reports.test_item_report_admin import quiz, take_quiz  # noqa: F401 - the quiz fixture
from tests.support.irt_population import CODES, PLANTED, SOURCES, populate
from tests.support.outcomes import sheet_rows

# The columns the item download always had, in their order: readers that pick columns by position rely on it.
EARLIER_COLUMNS = [
    "Item",
    "Version",
    "Competency",
    "Status",
    "n",
    "Difficulty p",
    "Point-biserial (corrected)",
    "D (27 %)",
    "Omit rate",
    "Median seconds",
    "Flags",
    "Interpretable (enough attempts)",
    "Attempts needed",
]
IRT_COLUMNS = {
    "a": "IRT a (slope)",
    "b": "IRT b (location)",
    "se_b": "IRT SE of b",
    "infit": "IRT infit",
    "outfit": "IRT outfit",
}


@pytest.fixture
def admin(make_user, auth):
    auth.login_as(make_user(roles=("admin",)))


def _payload(runner, slug):
    result = runner.invoke(args=["analysis", "items", slug, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _csv(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv", response.get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _number(cell):
    return None if cell == "" else float(cell)


def _sheet_dicts(rows):
    """A worksheet's rows as dicts by header (sheet_rows leaves trailing empty cells out)."""
    header = rows[0]
    return [dict(zip(header, row + [None] * (len(header) - len(row)), strict=True)) for row in rows[1:]]


def _by_item(rows, ref="Item", version="Version"):
    return {(row[ref], int(float(row[version]))): row for row in rows}


def _first_attempts(app, slug):
    """Straight from the tables: per (ref, version) the credits of each candidate's first scored attempt,
    and those attempts' percents (written here without the report's attempt_sets or item analysis)."""
    with app.app_context():
        rows = db.session.execute(
            select(Attempt.id, Attempt.user_id, Attempt.number, AttemptScore.percent)
            .join(AttemptScore, AttemptScore.attempt_id == Attempt.id)
            .where(Attempt.assessment.has(slug=slug))
        ).all()
        first: dict[int, tuple[int, int, float]] = {}
        for attempt_id, user, number, percent in rows:
            if user not in first or number < first[user][1]:
                first[user] = (attempt_id, number, percent)
        chosen = {attempt_id for attempt_id, _n, _p in first.values()}
        credits = defaultdict(list)
        for ref, version, attempt_id, credit in db.session.execute(
            select(Item.ref, ItemVersion.version, AttemptItem.attempt_id, AttemptItem.credit)
            .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
            .join(Item, Item.id == ItemVersion.item_id)
        ):
            if attempt_id in chosen:
                credits[(ref, version)].append(credit or 0.0)
    return credits, [percent for _a, _n, percent in first.values()]


def _pearson(xs, ys):
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))


def _wilson(p, n, z=1.959964):
    """The Wilson score interval, written out (certify.core.intervals is not used here)."""
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_calibrated_downloads_carry_the_irt_parameters_and_the_decision_block(app, client, runner, load_catalog, admin):
    load_catalog(*SOURCES)
    with app.app_context():
        populate(150)
        db.session.commit()
    assert runner.invoke(args=["analysis", "calibrate", "irt"]).exit_code == 0
    payload = _payload(runner, "irt")
    header, rows = _csv(client, "/admin/reports/irt.csv")
    assert header[: len(EARLIER_COLUMNS)] == EARLIER_COLUMNS
    assert header[len(EARLIER_COLUMNS) :] == [
        "Flag state",
        "Flag codes",
        "IRT model",
        *IRT_COLUMNS.values(),
        "Exposure (share of forms)",
        "Information at the cut",
    ]
    by_item = _by_item(rows)
    assert len(by_item) == len(payload["items"]) == 28
    for item in payload["items"]:
        row = by_item[(item["item_ref"], item["version"])]
        model = "gpcm" if "-M" in item["item_ref"] else "2pl"  # the partial-credit items are GPCM
        assert item["irt"] is not None and row["IRT model"] == item["irt"]["model"] == model
        for key, label in IRT_COLUMNS.items():
            assert _number(row[label]) == item["irt"][key], (item["item_ref"], key)
        assert int(row["n"]) == item["n"] and _number(row["Difficulty p"]) == item["p"]
        assert _number(row["Point-biserial (corrected)"]) == item["point_biserial"]
        assert row["Flag codes"] == "; ".join(f["code"] for f in item["flags"])
        assert row["Flag state"] == ("flagged" if item["flags"] else "ok")

    # n and p recounted from the attempt tables; the IRT locations against the planted ones (recovery).
    credits, percents = _first_attempts(app, "irt")
    assert set(by_item) == set(credits) and len(percents) == 150
    for key, row in by_item.items():
        assert int(row["n"]) == len(credits[key])
        assert abs(float(row["Difficulty p"]) - sum(credits[key]) / len(credits[key])) < 5e-5, key
    dichotomous = [key for key in by_item if "-S" in key[0]]
    found_b = [float(by_item[key]["IRT b (location)"]) for key in dichotomous]
    assert _pearson(found_b, [PLANTED[ref][1][0] for ref, _v in dichotomous]) > 0.9
    # Harder items (higher b) are answered right less often: b and p run opposite ways.
    assert _pearson(found_b, [float(by_item[key]["Difficulty p"]) for key in dichotomous]) < -0.8

    sheets = sheet_rows(client.get("/admin/reports/irt.xlsx").data)
    assert list(sheets) == ["Items", "Test", "Flags"]
    assert sheets["Items"][0] == header
    in_sheet = _by_item(_sheet_dicts(sheets["Items"]))
    for item in payload["items"]:
        row = in_sheet[(item["item_ref"], item["version"])]
        assert row["IRT model"] == item["irt"]["model"] and row["n"] == item["n"]
        assert [row[label] for label in IRT_COLUMNS.values()] == [item["irt"][k] for k in IRT_COLUMNS]

    test, decision = payload["test"], payload["test"]["decision"]
    stats = {row[0]: [*row, None][1] for row in sheets["Test"][1:]}
    assert sheets["Test"][0] == ["statistic", "value", "about"]
    for key in ("consistency", "kappa", "accuracy", "pass_rate", "csem_at_cut", "csem_at_cut_percent"):
        assert stats[f"decision.{key}"] == decision[key], key
    for key in ("consistency", "kappa", "accuracy", "pass_rate", "false_positive", "false_negative"):
        assert stats[f"decision.total_only.{key}"] == decision["total_only"][key], key
    assert stats["decision.rule"] == "conjunctive" and stats["decision.note"] == decision["note"]
    assert "items like its current ones instead of 6" in stats["decision.note"]
    for code in CODES:
        assert stats[f"decision.mastery.{code}.items_needed"] == decision["mastery"][code]["items_needed"] > 6
        assert stats[f"decision.mastery.{code}.kappa"] == decision["mastery"][code]["kappa"]
    assert stats["forms.n"] == test["forms"]["n"]
    assert stats["forms.expected_score_at_cut.min"] == test["forms"]["expected_score_at_cut"]["min"]
    assert stats["forms.expected_score_at_cut.max"] == test["forms"]["expected_score_at_cut"]["max"]
    assert [stats[f"scale.{k}"] for k in ("name", "min", "max", "cut")] == [
        test["scale"][k] for k in ("name", "min", "max", "cut")
    ]
    assert stats["alpha"] == test["alpha"] == stats["kr20"] and stats["n"] == test["n"] == 150
    assert abs(stats["mean_percent"] - sum(percents) / len(percents)) < 5e-3  # recounted from the attempts
    total = {k: stats[f"decision.total_only.{k}"] for k in ("accuracy", "false_positive", "false_negative")}
    # A true-score decision is either agreed with or one of the two errors: the three shares add up to one.
    assert abs(total["accuracy"] + total["false_positive"] + total["false_negative"] - 1) < 2e-3
    assert stats["calibration.model"] == "2pl" and stats["calibration.id"] == payload["calibration"]["id"]
    about = {row[0]: row[2] for row in sheets["Test"][1:]}
    assert about["decision.consistency"].startswith("The real rule: share of candidates two independent sittings")
    assert about["decision.mastery.RA.items_needed"].startswith("Mastery of RA: items like the current ones")

    # The Test section as CSV holds the same statistics as the sheet.
    test_header, test_rows = _csv(client, "/admin/reports/irt.csv?section=test")
    assert test_header == ["statistic", "value", "about"]
    as_csv = {row["statistic"]: row["value"] for row in test_rows}
    assert _number(as_csv["decision.consistency"]) == decision["consistency"]
    assert as_csv["scale.name"] == test["scale"]["name"] == "MID scaled score"


def test_flags_come_with_their_n_and_interval(app, client, runner, make_user, quiz, admin):  # noqa: F811
    take_quiz(app, make_user, 36)  # above the minimum of 30: some items are flagged "too hard"
    payload = _payload(runner, "quiz")
    expected = [
        (i["item_ref"], i["version"], f["code"], f["n"], f["ci"][0], f["ci"][1])
        for i in payload["items"]
        for f in i["flags"]
    ]
    assert any(code == "too hard" for _r, _v, code, *_ in expected)
    header, rows = _csv(client, "/admin/reports/quiz.csv?section=flags")
    assert header == ["Item", "Version", "Flag", "n", "95% CI low", "95% CI high", "CI of"]
    got = [
        (r["Item"], int(r["Version"]), r["Flag"], int(r["n"]), float(r["95% CI low"]), float(r["95% CI high"]))
        for r in rows
    ]
    assert got == expected
    assert all(r["CI of"] == "difficulty p (Wilson)" for r in rows if r["Flag"] in ("too hard", "too easy"))
    # The difficulty intervals recomputed from the recounted p and n (Wilson score interval, written out).
    credits, _percents = _first_attempts(app, "quiz")
    for r in rows:
        if r["Flag"] in ("too hard", "too easy"):
            seen = credits[(r["Item"], int(r["Version"]))]
            low, high = _wilson(sum(seen) / len(seen), len(seen))
            assert int(r["n"]) == len(seen) == 36
            assert abs(float(r["95% CI low"]) - low) < 5e-4 and abs(float(r["95% CI high"]) - high) < 5e-4

    _header, items = _csv(client, "/admin/reports/quiz.csv")
    for item in payload["items"]:
        row = _by_item(items)[(item["item_ref"], item["version"])]
        assert row["Flag state"] == ("flagged" if item["flags"] else "ok")
        for flag in item["flags"]:
            assert f"{flag['code']} (n={flag['n']}, 95% CI {flag['ci'][0]:.2f} to {flag['ci'][1]:.2f})" in row["Flags"]
        assert row["IRT model"] == "" and row["IRT a (slope)"] == ""  # not calibrated: no IRT figures
    flags_sheet = _sheet_dicts(sheet_rows(client.get("/admin/reports/quiz.xlsx").data)["Flags"])
    assert [
        (r["Item"], int(r["Version"]), r["Flag"], int(r["n"]), r["95% CI low"], r["95% CI high"]) for r in flags_sheet
    ] == expected

    _header, test_rows = _csv(client, "/admin/reports/quiz.csv?section=test")
    about = {row["statistic"]: (row["value"], row["about"]) for row in test_rows}
    assert about["calibration"] == ("", "Not calibrated yet: run flask analysis calibrate quiz")
    assert about["decision"][0] == "" and "decision.consistency" not in about


def test_too_few_attempts_are_insufficient_data_not_flags(app, client, runner, make_user, quiz, admin):  # noqa: F811
    take_quiz(app, make_user, 6)
    payload = _payload(runner, "quiz")
    _header, items = _csv(client, "/admin/reports/quiz.csv")
    assert {row["Flag state"] for row in items} == {"insufficient_data"}
    assert all(row["Flag codes"] == "" for row in items)
    _header, flags = _csv(client, "/admin/reports/quiz.csv?section=flags")
    assert [(r["Item"], r["Flag"], int(r["n"]), r["95% CI low"]) for r in flags] == [
        (i["item_ref"], "insufficient_data", i["n"], "") for i in payload["items"]
    ]


HOSTILE = ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)"]


def test_formula_like_cells_are_neutralised(app, client, make_user, quiz, admin):  # noqa: F811
    take_quiz(app, make_user, 2)
    with app.app_context():  # item refs an author could type, as a spreadsheet would read them
        items = db.session.scalars(select(Item).order_by(Item.id)).all()[: len(HOSTILE)]
        for item, ref in zip(items, HOSTILE, strict=True):
            item.ref = ref
        db.session.commit()
    for url in ("/admin/reports/quiz.csv", "/admin/reports/quiz.csv?section=flags"):
        response = client.get(url)
        cells = [row[0] for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))][1:]
        assert {"'" + ref for ref in HOSTILE} <= set(cells), url
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    # In the workbook they are inline strings, which a spreadsheet never evaluates.
    book = client.get("/admin/reports/quiz.xlsx").data
    assert set(HOSTILE) <= {row[0] for row in sheet_rows(book)["Items"][1:]}
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets)


def test_an_unknown_assessment_is_not_found(client, quiz, admin):  # noqa: F811
    assert client.get("/admin/reports/nope.csv").status_code == 404
    assert client.get("/admin/reports/nope.xlsx").status_code == 404


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/admin/reports/quiz.csv?section=nope", "There is no section 'nope'; choose one of items, flags, test."),
        ("/admin/reports/quiz.csv?from=yesterday", "is not a date"),
        ("/admin/reports/quiz.xlsx?cohort=999999", "no cohort"),
    ],
)
def test_bad_sections_and_filters_are_refused(app, client, make_user, quiz, admin, url, message):  # noqa: F811
    take_quiz(app, make_user, 2)
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["anonymous", "candidate", "assessor"])
@pytest.mark.parametrize("url", ["/admin/reports/quiz.csv?section=flags", "/admin/reports/quiz.xlsx"])
def test_only_admins_download(client, make_user, auth, quiz, url, role):  # noqa: F811
    if role == "anonymous":
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")
        return
    auth.login_as(make_user(roles=(role,)))
    assert client.get(url).status_code == 403
